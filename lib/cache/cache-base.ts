import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { METRIC_PERIOD } from '../common/constants';
import { IMembraneCache, MembraneEnvironmentContract } from '../common/environment';

/**
 * What every Membrane cache, created or imported, has in common: its contract and its metrics.
 */
export abstract class MembraneCacheBase extends Construct implements IMembraneCache {
  /** The cache part of the Membrane environment (URI as a secret; TLS flag and timeout as plain values). */
  public abstract readonly environmentContract: MembraneEnvironmentContract;
  /** The VPC the cache lives in. */
  public abstract readonly vpc: ec2.IVpc;
  /** The ElastiCache replication group id. */
  public abstract readonly replicationGroupId: string;
  /** Host name clients connect to (primary endpoint, or configuration endpoint in cluster mode). */
  public abstract readonly endpointAddress: string;
  /** Port clients connect to. */
  public abstract readonly port: number;
  /** Security group access; use `connections.allowDefaultPortFrom(service)`. */
  public abstract readonly connections: ec2.Connections;

  /**
   * An ElastiCache metric of every node of the replication group. ElastiCache publishes per node
   * (`CacheClusterId` = `<group>-001`, `<group>-0001-001` in cluster mode), so this is a SEARCH over the
   * group's nodes, one line per node.
   */
  public metric(metricName: string, statistic: string, options: cloudwatch.MathExpressionOptions = {}): cloudwatch.IMetric {
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{AWS/ElastiCache,CacheClusterId} MetricName="${metricName}" "${this.replicationGroupId}"', '${statistic}', `
        + `${METRIC_PERIOD.toSeconds()})`,
      period: METRIC_PERIOD,
      ...options,
    });
  }

  /** `EngineCPUUtilization` of every node (%), average per minute. */
  public metricEngineCpuUtilization(options: cloudwatch.MathExpressionOptions = {}): cloudwatch.IMetric {
    return this.metric('EngineCPUUtilization', cloudwatch.Stats.AVERAGE, { label: 'engine CPU', ...options });
  }

  /** `DatabaseMemoryUsagePercentage` of every node (%), average per minute. */
  public metricDatabaseMemoryUsagePercentage(options: cloudwatch.MathExpressionOptions = {}): cloudwatch.IMetric {
    return this.metric('DatabaseMemoryUsagePercentage', cloudwatch.Stats.AVERAGE, { label: 'memory', ...options });
  }

  /** `CurrConnections` of every node, maximum per minute. */
  public metricCurrConnections(options: cloudwatch.MathExpressionOptions = {}): cloudwatch.IMetric {
    return this.metric('CurrConnections', cloudwatch.Stats.MAXIMUM, { label: 'connections', ...options });
  }
}
