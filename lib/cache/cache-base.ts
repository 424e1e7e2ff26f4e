import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { METRIC_PERIOD } from '../common/constants';
import { MembraneEnvironmentContract } from '../common/environment';

/**
 * A Redis cache as the Membrane services need it: its environment contract, its network placement,
 * security-group access and its CloudWatch metrics. Implemented by `MembraneCache`; bring an existing
 * ElastiCache replication group with `MembraneCache.fromAttributes(...)`.
 */
export interface IMembraneCache extends ec2.IConnectable, IConstruct {
  /** The URI (as a secret) and the Redis client settings. */
  readonly environmentContract: MembraneEnvironmentContract;

  /** The VPC the cache lives in; the services run in the same VPC. */
  readonly vpc: ec2.IVpc;

  /** The ElastiCache replication group id. */
  readonly replicationGroupId: string;

  /** Host name clients connect to (primary endpoint, or configuration endpoint in cluster mode). */
  readonly endpointAddress: string;

  /** Port clients connect to. */
  readonly port: number;

  /**
   * An ElastiCache metric of every node of the replication group (one line per node).
   *
   * @param metricName e.g. `EngineCPUUtilization`
   * @param statistic e.g. `cloudwatch.Stats.AVERAGE`
   */
  metric(metricName: string, statistic: string, options?: cloudwatch.MathExpressionOptions): cloudwatch.IMetric;

  /** `EngineCPUUtilization` of every node (%), average per minute. */
  metricEngineCpuUtilization(options?: cloudwatch.MathExpressionOptions): cloudwatch.IMetric;

  /** `DatabaseMemoryUsagePercentage` of every node (%), average per minute. */
  metricDatabaseMemoryUsagePercentage(options?: cloudwatch.MathExpressionOptions): cloudwatch.IMetric;

  /** `CurrConnections` of every node, maximum per minute. */
  metricCurrConnections(options?: cloudwatch.MathExpressionOptions): cloudwatch.IMetric;
}

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
