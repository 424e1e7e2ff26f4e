import { Duration, RemovalPolicy, SecretValue, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { IMembraneCache, MembraneEnvironmentContract } from '../common/environment';
import { acknowledgeSecretFindings, createGeneratedSecret, createLogGroup } from '../common/resources';
import { propError, requireInteger, warn } from '../common/validation';

/**
 * Cache engine. ElastiCache Serverless is not offered: Membrane does not support it (seed 000).
 */
export enum MembraneCacheEngine {
  /** Redis OSS. */
  REDIS = 'redis',
  /** Valkey, the Redis-compatible fork. */
  VALKEY = 'valkey',
}

/**
 * Which of Membrane's Redis connections this cache serves (seed 003).
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
   * Cache engine.
   *
   * @default MembraneCacheEngine.REDIS
   */
  readonly engine?: MembraneCacheEngine;

  /**
   * Engine version, `<major>.<minor>`.
   *
   * @default '7.1' for Redis, '8.0' for Valkey
   */
  readonly engineVersion?: string;

  /**
   * Node type.
   *
   * @default 'cache.t4g.small' (two of them match the ~$50/month Redis budget of seed 000)
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
   * TCP port. Seed 000 names 6380 as the TLS port; it also avoids the well-known default 6379.
   *
   * @default 6380
   */
  readonly port?: number;

  /**
   * How many days of daily automatic snapshots to keep, 0 (off) to 35.
   * Redis only holds rebuildable cache data (seed 002), but snapshots allow a warm restart.
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
   * `REDIS_CONNECT_TIMEOUT_MS`: how long Membrane waits for the Redis connection. Seed 002 recommends
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
   * taken (Redis holds only rebuildable data, seed 002, so DESTROY is also safe).
   *
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

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
}

const NO_ROTATION_REASON = 'Rotating an ElastiCache AUTH token is a two-step ModifyReplicationGroup (ROTATE then SET) that must be coordinated with a rolling restart of every Membrane service; there is no managed rotation function for it.';

const DEFAULT_ENGINE_VERSION: Record<MembraneCacheEngine, string> = {
  [MembraneCacheEngine.REDIS]: '7.1',
  [MembraneCacheEngine.VALKEY]: '8.0',
};

/**
 * An ElastiCache (Redis OSS or Valkey) replication group for Membrane: TLS in transit, encryption at
 * rest, an AUTH token generated in Secrets Manager, Multi-AZ with automatic failover, its own subnet
 * group and security group, and slow/engine logs in CloudWatch.
 *
 * The connection URI contains the AUTH token, so it is only handed out as an ECS secret.
 */
export class MembraneCache extends Construct implements IMembraneCache {
  /** Security group access; use `connections.allowDefaultPortFrom(service)`. */
  public readonly connections: ec2.Connections;
  /** The VPC the cache lives in. */
  public readonly vpc: ec2.IVpc;
  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The generated AUTH token (JSON key `authToken`). */
  public readonly authTokenSecret: secretsmanager.ISecret;
  /** The full `rediss://` connection URI, AUTH token included. */
  public readonly connectionSecret: secretsmanager.ISecret;
  /** Host name clients connect to (primary endpoint, or configuration endpoint in cluster mode). */
  public readonly endpointAddress: string;
  /** Port clients connect to. */
  public readonly port: number;
  /** The cache part of the Membrane environment (URI as a secret; TLS flag and timeout as plain values). */
  public readonly environmentContract: MembraneEnvironmentContract;

  constructor(scope: Construct, id: string, props: MembraneCacheProps) {
    super(scope, id);

    const engine = props.engine ?? MembraneCacheEngine.REDIS;
    const engineVersion = props.engineVersion ?? DEFAULT_ENGINE_VERSION[engine];
    const replicas = props.replicasPerShard ?? 1;
    const multiAz = props.multiAz ?? true;
    const shards = props.clusterMode?.shards;
    this.port = props.port ?? 6380;
    const connectTimeout = props.connectTimeout ?? Duration.seconds(60);

    requireInteger(this, 'replicasPerShard', replicas, 0, 5);
    requireInteger(this, 'clusterMode.shards', shards, 1, 500);
    requireInteger(this, 'port', this.port, 1024, 65535);
    requireInteger(this, 'snapshotRetentionDays', props.snapshotRetentionDays, 0, 35);
    if (!Token.isUnresolved(engineVersion) && !/^\d+\.\d+$/.test(engineVersion)) {
      throw propError(this, 'engineVersion', `'${engineVersion}' is not a <major>.<minor> version`, `Use e.g. '${DEFAULT_ENGINE_VERSION[engine]}'.`);
    }
    if (multiAz && replicas < 1) {
      throw propError(this, 'multiAz', 'Multi-AZ with automatic failover needs a replica to fail over to, but replicasPerShard is 0',
        'Set replicasPerShard to 1 or more, or set multiAz to false (not recommended for production).');
    }
    if (shards !== undefined && replicas < 1 && shards > 1) {
      warn(this, 'clusterWithoutReplicas', 'Cluster mode without replicas loses a shard\'s keys when its node fails; set replicasPerShard >= 1.');
    }
    if (!connectTimeout.isUnresolved() && connectTimeout.toMilliseconds() < 1000) {
      throw propError(this, 'connectTimeout', `${connectTimeout.toHumanString()} is too short to open a TLS connection`,
        'Use at least Duration.seconds(1); seed 002 recommends 60 seconds.');
    }
    if (!multiAz) {
      warn(this, 'singleAz', 'multiAz is false: the cache has no automatic failover and a node or AZ failure interrupts Membrane.');
    }

    this.vpc = props.vpc;
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Membrane cache: admits only what connections allows',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(this.port) });

    const subnets = props.vpc.selectSubnets(props.vpcSubnets ??
      { subnetType: props.vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS });
    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'Membrane cache subnets',
      subnetIds: subnets.subnetIds,
    });

    const secretRemovalPolicy = props.secretRemovalPolicy ?? RemovalPolicy.RETAIN;
    // AUTH tokens allow printable ASCII except '/', '"' and '@'; letters and digits also keep the URI unambiguous.
    const authTokenSecret = createGeneratedSecret(this, 'AuthToken', {
      description: 'Membrane cache AUTH token',
      encryptionKey: props.encryptionKey,
      removalPolicy: secretRemovalPolicy,
      jsonKey: 'authToken',
      noRotationReason: NO_ROTATION_REASON,
    });
    this.authTokenSecret = authTokenSecret;
    const authToken = authTokenSecret.secretValueFromJson('authToken');

    const logGroups = ['slow-log', 'engine-log'].map(type => {
      const group = createLogGroup(this, type === 'slow-log' ? 'SlowLog' : 'EngineLog', props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        `these ${type}s (command timings, no data)`, props.encryptionKey);
      return {
        logType: type,
        logFormat: 'json',
        destinationType: 'cloudwatch-logs',
        destinationDetails: { cloudWatchLogsDetails: { logGroup: group.logGroupName } },
      };
    });

    const majorVersion = engineVersion.split('.')[0];
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `Membrane ${props.role ?? MembraneCacheRole.MAIN} cache`,
      engine,
      engineVersion,
      cacheNodeType: props.cacheNodeType ?? 'cache.t4g.small',
      cacheParameterGroupName: Token.isUnresolved(engineVersion)
        ? undefined
        : `default.${engine}${majorVersion}${shards !== undefined ? '.cluster.on' : ''}`,
      port: this.port,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: props.encryptionKey?.keyArn,
      authToken: authToken.unsafeUnwrap(),
      multiAzEnabled: multiAz,
      automaticFailoverEnabled: multiAz || shards !== undefined,
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: props.snapshotRetentionDays ?? 15,
      logDeliveryConfigurations: logGroups,
      ...(shards !== undefined
        ? { clusterMode: 'enabled', numNodeGroups: shards, replicasPerNodeGroup: replicas }
        : { numCacheClusters: 1 + replicas }),
    });

    // Seed 002: Redis holds only rebuildable cache data; a final snapshot on deletion costs little and allows a warm restart.
    this.replicationGroup.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.SNAPSHOT);

    this.endpointAddress = shards !== undefined
      ? this.replicationGroup.attrConfigurationEndPointAddress
      : this.replicationGroup.attrPrimaryEndPointAddress;

    // The URI is assembled by CloudFormation from a dynamic reference: the template holds
    // `{{resolve:secretsmanager:...}}`, never the token itself.
    const connectionSecret = new secretsmanager.Secret(this, 'ConnectionUri', {
      description: 'Membrane cache connection URI (rediss://, AUTH token included)',
      encryptionKey: props.encryptionKey,
      removalPolicy: secretRemovalPolicy,
      secretStringValue: SecretValue.unsafePlainText(`rediss://:${authToken.unsafeUnwrap()}@${this.endpointAddress}:${this.port}`),
    });
    this.connectionSecret = connectionSecret;

    acknowledgeSecretFindings(connectionSecret, NO_ROTATION_REASON, props.encryptionKey !== undefined);

    this.environmentContract = cacheEnvironment({
      role: props.role ?? MembraneCacheRole.MAIN,
      clusterMode: shards !== undefined,
      uri: ecs.Secret.fromSecretsManager(connectionSecret),
      connectTimeoutMs: connectTimeout.toMilliseconds(),
    });
  }
}

/**
 * Values that make up the cache part of the Membrane environment.
 */
interface CacheEnvironmentInputs {
  readonly role: MembraneCacheRole;
  readonly clusterMode: boolean;
  readonly uri: ecs.Secret;
  readonly connectTimeoutMs: number;
}

/**
 * The cache environment contract (seed 003): `[WORKER_]REDIS_URI` or `[WORKER_]REDIS_CLUSTER_URI_1` as a
 * secret; seed 002: `REDIS_DISABLE_TLS_VERIFICATION=true` because ElastiCache TLS certificates do not pass
 * standard verification, and `REDIS_CONNECT_TIMEOUT_MS`.
 */
function cacheEnvironment(inputs: CacheEnvironmentInputs): MembraneEnvironmentContract {
  const prefix = inputs.role === MembraneCacheRole.WORKER ? 'WORKER_REDIS' : 'REDIS';
  const uriName = inputs.clusterMode ? `${prefix}_CLUSTER_URI_1` : `${prefix}_URI`;
  return {
    environment: {
      REDIS_DISABLE_TLS_VERIFICATION: 'true',
      REDIS_CONNECT_TIMEOUT_MS: String(inputs.connectTimeoutMs),
    },
    secrets: { [uriName]: inputs.uri },
  };
}
