import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * Cache engine. ElastiCache Serverless is not offered: Membrane does not support it ("Frequently Asked Questions").
 */
export enum MembraneCacheEngine {
  /** Redis OSS. */
  REDIS = 'redis',
  /** Valkey, the Redis-compatible fork. */
  VALKEY = 'valkey',
}

/**
 * Which of Membrane's Redis connections this cache serves ("Self-hosting").
 */
export enum MembraneCacheRole {
  /** The main cache: `REDIS_URI` or `REDIS_CLUSTER_URI_N`. */
  MAIN = 'main',
  /** The dedicated worker cache: `WORKER_REDIS_URI` or `WORKER_REDIS_CLUSTER_URI_N`. */
  WORKER = 'worker',
}

/**
 * Cluster mode (sharding) settings.
 */
export interface MembraneCacheClusterMode {
  /**
   * Number of shards (node groups), 1 to 500.
   */
  readonly shards: number;
}

/**
 * Options of a `MembraneCache`, everything but its VPC.
 */
export interface MembraneCacheOptions {
  /**
   * Subnets for the cache subnet group.
   *
   * @default - the VPC's isolated subnets if it has any, else its private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Which Membrane connection this cache serves; decides the environment variable names.
   *
   * @default MembraneCacheRole.MAIN
   */
  readonly role?: MembraneCacheRole;

  /**
   * Cache engine. Valkey is the Redis-compatible fork that AWS documents as a drop-in replacement for Redis OSS 7,
   * about 20 % cheaper per node. Existing Redis caches keep their engine only if this is set to REDIS (see the
   * migration notes in CHANGELOG.md and docs/upgrading.md).
   *
   * @default MembraneCacheEngine.VALKEY
   */
  readonly engine?: MembraneCacheEngine;

  /**
   * Engine version, `<major>.<minor>`.
   *
   * @default '7.1' for Redis, '8.0' for Valkey
   */
  readonly engineVersion?: string;

  /**
   * Node type, `cache.<family>.<size>` of a current-generation family the engine runs: t3, t4g, m5, r5, m6g, r6g, m7g, r7g
   * and c7gn for both engines, m8g, r8g and c8gn for Valkey only. Data-tiering r6gd nodes are refused: ElastiCache creates
   * them only with data tiering, which moves values to SSD when memory is full.
   *
   * @default 'cache.t4g.small' (two of them match the ~$50/month Redis budget in the "Frequently Asked Questions")
   */
  readonly cacheNodeType?: string;

  /**
   * Read replicas per shard (per cache in non-cluster mode), 0 to 5. Multi-AZ needs at least one.
   *
   * @default 1
   */
  readonly replicasPerShard?: number;

  /**
   * Place the primary and its replicas in different Availability Zones, with automatic failover.
   * Requires `replicasPerShard >= 1`.
   *
   * @default true
   */
  readonly multiAz?: boolean;

  /**
   * Enable cluster mode with the given number of shards. Membrane then receives
   * `REDIS_CLUSTER_URI_1` (the configuration endpoint, from which the client discovers every shard)
   * instead of `REDIS_URI`.
   *
   * @default - cluster mode disabled: one shard, `REDIS_URI`
   */
  readonly clusterMode?: MembraneCacheClusterMode;

  /**
   * TCP port. "Frequently Asked Questions" names 6380 as the TLS port; it also avoids the well-known default 6379.
   *
   * @default 6380
   */
  readonly port?: number;

  /**
   * How many days of daily automatic snapshots to keep, 0 (off) to 35.
   * Redis only holds rebuildable cache data ("Self-hosting on AWS"), but snapshots allow a warm restart.
   *
   * @default 15
   */
  readonly snapshotRetentionDays?: number;

  /**
   * KMS key for at-rest encryption of the cache and of its secrets.
   *
   * @default - AWS managed keys
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * `REDIS_CONNECT_TIMEOUT_MS`: how long Membrane waits for the Redis connection. "Self-hosting on AWS" recommends
   * 60 s where name resolution is slow at start-up (Membrane's own default is 10 s standalone).
   *
   * @default Duration.seconds(60)
   */
  readonly connectTimeout?: Duration;

  /**
   * Retention of the slow-log and engine-log log groups.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the replication group when it is deleted or replaced: by default a final snapshot is
   * taken (Redis holds only rebuildable data, "Self-hosting on AWS", so DESTROY is also safe).
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * What happens to the log groups when they leave the stack. RETAIN is applied as retain-except-on-create
   * (`DeletionPolicy: RetainExceptOnCreate`): a stack whose first create fails deletes the groups it made. The group names
   * carry the stack's creation UUID, so retained groups never block a later creation of the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * What happens to the AUTH-token and connection secrets when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly secretRemovalPolicy?: RemovalPolicy;
}

/**
 * Properties for `MembraneCache`.
 */
export interface MembraneCacheProps extends MembraneCacheOptions {
  /**
   * The VPC to place the cache in.
   */
  readonly vpc: ec2.IVpc;

  /**
   * Topic for the memory alarm (ALARM and OK): a node above 80 % `DatabaseMemoryUsagePercentage` for 5 minutes. With
   * `maxmemory-policy noeviction` a full cache refuses writes instead of dropping queue keys, so the alarm warns first.
   *
   * @default - the alarm has no action (it still shows in CloudWatch)
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * An existing ElastiCache (Redis OSS or Valkey) replication group, for `MembraneCache.fromAttributes`.
 */
export interface MembraneCacheAttributes {
  /** The VPC the cache lives in. */
  readonly vpc: ec2.IVpc;

  /** The replication group id (for the dashboard's metrics). */
  readonly replicationGroupId: string;

  /** Host name clients connect to (primary endpoint, or configuration endpoint in cluster mode). */
  readonly endpointAddress: string;

  /** Port clients connect to. */
  readonly port: number;

  /** The cache's security group; the Membrane tasks are allowed in on `port`. */
  readonly securityGroup: ec2.ISecurityGroup;

  /**
   * Secret whose whole value is the connection URI, `rediss://:<AUTH token>@<endpoint>:<port>`.
   * Only the task execution roles read it.
   */
  readonly connectionSecret: secretsmanager.ISecret;

  /**
   * Which Membrane connection this cache serves.
   *
   * @default MembraneCacheRole.MAIN
   */
  readonly role?: MembraneCacheRole;

  /**
   * Whether the replication group runs in cluster mode (Membrane then gets `REDIS_CLUSTER_URI_1`).
   *
   * @default false
   */
  readonly clusterMode?: boolean;

  /**
   * `REDIS_CONNECT_TIMEOUT_MS`.
   *
   * @default Duration.seconds(60)
   */
  readonly connectTimeout?: Duration;
}
