import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * What a building block contributes to the Membrane containers' configuration.
 *
 * Plain values go to `environment`; anything that carries a credential goes to `secrets`,
 * which ECS injects from Secrets Manager at task start so it never appears in the template.
 */
export interface MembraneEnvironmentContract {
  /**
   * Plain (non-secret) environment variables.
   */
  readonly environment: { [name: string]: string };

  /**
   * Environment variables resolved from Secrets Manager by ECS at task start.
   */
  readonly secrets: { [name: string]: ecs.Secret };
}

/**
 * Storage as the Membrane services need it. Implemented by `MembraneStorage`; bring existing buckets with
 * `MembraneStorage.fromBuckets(...)`.
 */
export interface IMembraneStorage extends IConstruct {
  /** STORAGE_PROVIDER, AWS_REGION, the three bucket names and BASE_STATIC_URI. */
  readonly environmentContract: MembraneEnvironmentContract;

  /** Public base URL of the static files (`BASE_STATIC_URI`), e.g. `https://static.example.com`. */
  readonly staticUrl: string;

  /** Lets `grantee` read and write Membrane's objects. */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant;
}

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
