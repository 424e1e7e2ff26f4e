import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRIC_PERIOD } from '../../common/constants';
import { known, warn } from '../../common/validation';
import { MEMORY_ALARM_PERCENT, METRICS_PER_ALARM } from '../defaults';
import { MembraneCacheRole } from '../props';

/**
 * ElastiCache publishes `DatabaseMemoryUsagePercentage` per node only (`CacheClusterId` = `<group>-00N`, in cluster
 * mode `<group>-000S-00N`), and alarms cannot use SEARCH: so the alarms name every node, the fullest one counting,
 * at most 10 nodes per alarm. Created in `scope` as `MemoryAlarm` (`MemoryAlarm1`, `MemoryAlarm2`, ... past 10 nodes).
 */
export function memoryAlarms(scope: Construct, replicationGroupId: string, role: MembraneCacheRole, replicas: number,
  shards: number | undefined): cloudwatch.Alarm[] {
  if (!known(replicas) || (shards !== undefined && !known(shards))) {
    warn(scope, 'noMemoryAlarm', 'replicasPerShard or clusterMode.shards is a token, so the cache nodes are unknown at synth time and the '
      + 'cache has no memory alarm: alarm on DatabaseMemoryUsagePercentage of each node yourself.');
    return [];
  }
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const perShard = (prefix: string) => Array.from({ length: 1 + replicas }, (_, n) => `${prefix}-${pad(n + 1, 3)}`);
  const nodes = shards === undefined
    ? perShard(replicationGroupId)
    : Array.from({ length: shards }, (_, s) => perShard(`${replicationGroupId}-${pad(s + 1, 4)}`)).flat();
  const chunks = Array.from({ length: Math.ceil(nodes.length / METRICS_PER_ALARM) },
    (_, i) => nodes.slice(i * METRICS_PER_ALARM, (i + 1) * METRICS_PER_ALARM));
  return chunks.map((chunk, i) => new cloudwatch.Alarm(scope, chunks.length === 1 ? 'MemoryAlarm' : `MemoryAlarm${i + 1}`, {
    alarmDescription: `Membrane ${role} cache: a node has used over ${MEMORY_ALARM_PERCENT} % of its memory for 5 minutes. With `
      + 'maxmemory-policy noeviction a full cache refuses writes, and Membrane\'s queues stop: choose a larger cacheNodeType (or more shards).',
    metric: new cloudwatch.MathExpression({
      expression: `MAX([${chunk.map((_, j) => `m${j}`).join(', ')}])`,
      usingMetrics: Object.fromEntries(chunk.map((node, j) => [`m${j}`, new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName: 'DatabaseMemoryUsagePercentage',
        dimensionsMap: { CacheClusterId: node },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: METRIC_PERIOD,
      })])),
      label: 'memory of the fullest node (%)',
      period: METRIC_PERIOD,
    }),
    threshold: MEMORY_ALARM_PERCENT,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }));
}
