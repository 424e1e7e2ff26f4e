import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MembraneCacheEngine, MembraneCacheProps, MembraneCacheRole } from './props';
import { known } from '../common/validation';

/**
 * Valkey by default: ElastiCache prices it about 20 % below Redis OSS on the same nodes, and AWS documents it as a
 * drop-in replacement for Redis OSS 7 with every Redis OSS 7.2 feature (ElastiCache's Redis OSS line ends at 7.1).
 * Membrane uses Redis only as a cache ("Self-hosting on AWS"), and speaks the same protocol to both.
 */
export const DEFAULT_ENGINE = MembraneCacheEngine.VALKEY;

/** The newest version of each engine ElastiCache offers for a replication group (a choice of this library). */
export const DEFAULT_ENGINE_VERSION: Record<MembraneCacheEngine, string> = {
  [MembraneCacheEngine.REDIS]: '7.1',
  [MembraneCacheEngine.VALKEY]: '8.0',
};

/** Two of them match the ~$50/month Redis budget in the "Frequently Asked Questions". */
export const DEFAULT_NODE_TYPE = 'cache.t4g.small';

/** One replica per shard, for Multi-AZ failover: "Frequently Asked Questions" asks for Redis with high availability. */
export const DEFAULT_REPLICAS_PER_SHARD = 1;

/** Primary and replicas in different Availability Zones, with automatic failover ("Frequently Asked Questions": Redis with high availability). */
export const DEFAULT_MULTI_AZ = true;

/** "Frequently Asked Questions" names 6380 as the TLS port; it also avoids the well-known default 6379. */
export const DEFAULT_PORT = 6380;

/** `REDIS_CONNECT_TIMEOUT_MS` by default: "Self-hosting on AWS" recommends 60 s where name resolution is slow. */
export const DEFAULT_CONNECT_TIMEOUT = Duration.seconds(60);

/** Days of daily snapshots: Redis holds only rebuildable data ("Self-hosting on AWS"), but snapshots allow a warm restart. */
export const DEFAULT_SNAPSHOT_RETENTION_DAYS = 15;

/** Retention of the slow-log and engine-log groups (command timings, no data; a choice of this library). */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/**
 * "Self-hosting on AWS": Redis holds only rebuildable cache data; a final snapshot on deletion costs little and allows a
 * warm restart.
 */
export const DEFAULT_REMOVAL_POLICY = RemovalPolicy.SNAPSHOT;

/** `DatabaseMemoryUsagePercentage` above which the memory alarm fires (after 5 minutes). */
export const MEMORY_ALARM_PERCENT = 80;

/** A CloudWatch alarm on metric math may use at most 10 metrics. */
export const METRICS_PER_ALARM = 10;

/** The replicas, shards, ports and snapshot days ElastiCache accepts. */
export const CACHE_LIMITS = {
  replicasPerShard: { min: 0, max: 5 },
  shards: { min: 1, max: 500 },
  port: { min: 1024, max: 65535 },
  snapshotRetentionDays: { min: 0, max: 35 },
} as const;

/** The props of a `MembraneCache` with the defaults above filled in (values may still be tokens). */
export interface CacheSettings {
  readonly engine: MembraneCacheEngine;
  /** The engine when it is not a token. */
  readonly knownEngine?: MembraneCacheEngine;
  readonly engineVersion: string;
  readonly cacheNodeType: string;
  readonly replicas: number;
  readonly multiAz: boolean;
  /** Shards in cluster mode; undefined without cluster mode. */
  readonly shards?: number;
  readonly port: number;
  readonly connectTimeout: Duration;
  readonly role: MembraneCacheRole;
  readonly secretRemovalPolicy: RemovalPolicy;
}

/** Fills in the defaults of `props`. */
export function cacheSettings(props: MembraneCacheProps): CacheSettings {
  const engine = props.engine ?? DEFAULT_ENGINE;
  return {
    engine,
    knownEngine: known(engine) ? engine : undefined,
    engineVersion: props.engineVersion ?? DEFAULT_ENGINE_VERSION[engine],
    cacheNodeType: props.cacheNodeType ?? DEFAULT_NODE_TYPE,
    replicas: props.replicasPerShard ?? DEFAULT_REPLICAS_PER_SHARD,
    multiAz: props.multiAz ?? DEFAULT_MULTI_AZ,
    shards: props.clusterMode?.shards,
    port: props.port ?? DEFAULT_PORT,
    connectTimeout: props.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
    role: props.role ?? MembraneCacheRole.MAIN,
    secretRemovalPolicy: props.secretRemovalPolicy ?? RemovalPolicy.RETAIN,
  };
}
