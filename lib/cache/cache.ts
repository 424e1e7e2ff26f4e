import { CfnMapping, Fn, Names, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { MembraneCacheBase } from './cache-base';
import { ENGINE_NAMES, engineVersions, familiesByMajorVersion, isEngine, nodeTypeProblem, parameterGroupFamily } from './engines';
import { cacheEnvironment, DEFAULT_CONNECT_TIMEOUT } from './environment';
import { MembraneCacheAttributes, MembraneCacheEngine, MembraneCacheProps, MembraneCacheRole } from './props';
import { notify } from '../common/alarms';
import { METRIC_PERIOD } from '../common/constants';
import { IMembraneCache, MembraneEnvironmentContract } from '../common/environment';
import { acknowledgeSecretFindings, createGeneratedSecret, createLogGroup, creationUniqueSuffix, retainedExceptOnCreate } from '../common/resources';
import { known, propError, requireInteger, requireUsableKey, requireWholeDuration, warn } from '../common/validation';

const NO_ROTATION_REASON = 'Rotating an ElastiCache AUTH token is a two-step ModifyReplicationGroup (ROTATE then SET) that must be coordinated with '
  + 'a rolling restart of every Membrane service; there is no managed rotation function for it.';

/** Two of them match the ~$50/month Redis budget in the "Frequently Asked Questions". */
const DEFAULT_NODE_TYPE = 'cache.t4g.small';

/**
 * Valkey by default: ElastiCache prices it about 20 % below Redis OSS on the same nodes, and AWS documents it as a
 * drop-in replacement for Redis OSS 7 with every Redis OSS 7.2 feature (ElastiCache's Redis OSS line ends at 7.1).
 * Membrane uses Redis only as a cache ("Self-hosting on AWS"), and speaks the same protocol to both.
 */
const DEFAULT_ENGINE = MembraneCacheEngine.VALKEY;

const DEFAULT_ENGINE_VERSION: Record<MembraneCacheEngine, string> = {
  [MembraneCacheEngine.REDIS]: '7.1',
  [MembraneCacheEngine.VALKEY]: '8.0',
};

/** `DatabaseMemoryUsagePercentage` above which the memory alarm fires (after 5 minutes). */
const MEMORY_ALARM_PERCENT = 80;

/** A CloudWatch alarm on metric math may use at most 10 metrics. */
const METRICS_PER_ALARM = 10;

/**
 * An ElastiCache (Redis OSS or Valkey) replication group for Membrane: TLS in transit, encryption at
 * rest, an AUTH token generated in Secrets Manager, Multi-AZ with automatic failover, its own subnet
 * group and security group, slow/engine logs in CloudWatch, `maxmemory-policy noeviction` (its own parameter
 * group: BullMQ's queues must never lose keys) and an alarm before memory runs out.
 *
 * The connection URI contains the AUTH token, so it is only handed out as an ECS secret.
 */
export class MembraneCache extends MembraneCacheBase {
  /**
   * An existing ElastiCache replication group, for `Membrane` or `MembraneEcsServices`: the Membrane
   * environment is derived from the attributes, as for a cache created here.
   */
  public static fromAttributes(scope: Construct, id: string, attrs: MembraneCacheAttributes): IMembraneCache {
    return new ImportedCache(scope, id, attrs);
  }

  /** Security group access; use `connections.allowDefaultPortFrom(service)`. */
  public readonly connections: ec2.Connections;
  /** The VPC the cache lives in. */
  public readonly vpc: ec2.IVpc;
  /** The replication group. */
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The replication group id. */
  public readonly replicationGroupId: string;
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
  /** The parameter group: the engine family's defaults with `maxmemory-policy noeviction` (and `cluster-enabled yes` in cluster mode). */
  public readonly parameterGroup: elasticache.CfnParameterGroup;
  /**
   * `DatabaseMemoryUsagePercentage` above 80 % for 5 minutes on any node (one alarm per 10 nodes). With `noeviction` a full
   * cache refuses writes, so this warns first. Empty when the node count is a token.
   */
  public readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: MembraneCacheProps) {
    super(scope, id);

    const engine = props.engine ?? DEFAULT_ENGINE;
    if (known(engine) && !isEngine(engine)) {
      throw propError(this, 'engine', `'${engine}' is not an engine of an ElastiCache replication group (${ENGINE_NAMES.join(', ')})`,
        'Use MembraneCacheEngine.VALKEY (the default) or MembraneCacheEngine.REDIS; Memcached has no replication or AUTH token, and '
        + 'ElastiCache Serverless does not work with Membrane ("Frequently Asked Questions").');
    }
    const knownEngine = known(engine) ? engine : undefined;
    if (knownEngine === undefined && props.engineVersion === undefined) {
      throw propError(this, 'engineVersion', 'engine is a token, so the default version of the engine cannot be chosen',
        `Give engineVersion too, e.g. '${DEFAULT_ENGINE_VERSION[MembraneCacheEngine.VALKEY]}' for Valkey or `
        + `'${DEFAULT_ENGINE_VERSION[MembraneCacheEngine.REDIS]}' for Redis OSS.`);
    }
    const engineVersion = props.engineVersion ?? DEFAULT_ENGINE_VERSION[engine];
    const replicas = props.replicasPerShard ?? 1;
    const multiAz = props.multiAz ?? true;
    const shards = props.clusterMode?.shards;
    this.port = props.port ?? 6380;
    const connectTimeout = props.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT;

    requireInteger(this, 'replicasPerShard', replicas, 0, 5);
    requireInteger(this, 'clusterMode.shards', shards, 1, 500);
    requireInteger(this, 'port', this.port, 1024, 65535);
    requireInteger(this, 'snapshotRetentionDays', props.snapshotRetentionDays, 0, 35);
    requireUsableKey(this, 'encryptionKey', props.encryptionKey);
    // REDIS_CONNECT_TIMEOUT_MS takes whole milliseconds.
    requireWholeDuration(this, 'connectTimeout', props.connectTimeout, 'milliseconds');
    const clusterMode = shards !== undefined;
    const family = knownEngine !== undefined && known(engineVersion) ? parameterGroupFamily(knownEngine, engineVersion) : undefined;
    if (knownEngine !== undefined && known(engineVersion) && family === undefined) {
      throw propError(this, 'engineVersion', `ElastiCache does not offer ${engine} '${engineVersion}'`,
        `Use one of ${engineVersions(knownEngine).join(', ')} (the default is '${DEFAULT_ENGINE_VERSION[knownEngine]}').`);
    }
    const cacheNodeType = props.cacheNodeType ?? DEFAULT_NODE_TYPE;
    const nodeType = known(cacheNodeType) ? nodeTypeProblem(cacheNodeType, knownEngine, DEFAULT_NODE_TYPE) : undefined;
    if (nodeType) {
      throw propError(this, 'cacheNodeType', nodeType.problem, nodeType.fix);
    }
    if (knownEngine === MembraneCacheEngine.REDIS) {
      warn(this, 'redisEngine', 'engine is Redis OSS: Valkey nodes cost about 20 % less and AWS documents Valkey as a drop-in replacement. '
        + 'To switch, remove engine (or set MembraneCacheEngine.VALKEY) and deploy: CloudFormation upgrades the replication group in place '
        + '(same endpoint, keys and AUTH token); see the README\'s migration notes.');
    }
    if (multiAz && known(replicas) && replicas < 1) {
      throw propError(this, 'multiAz', 'Multi-AZ with automatic failover needs a replica to fail over to, but replicasPerShard is 0',
        'Set replicasPerShard to 1 or more, or set multiAz to false (not recommended for production).');
    }
    if (known(shards) && known(replicas) && replicas < 1 && shards > 1) {
      warn(this, 'clusterWithoutReplicas', 'Cluster mode without replicas loses a shard\'s keys when its node fails; set replicasPerShard >= 1.');
    }
    if (!connectTimeout.isUnresolved() && connectTimeout.toMilliseconds() < 1000) {
      throw propError(this, 'connectTimeout', `${connectTimeout.toHumanString()} is too short to open a TLS connection`,
        'Use at least Duration.seconds(1); "Self-hosting on AWS" recommends 60 seconds.');
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

    // ElastiCache delivers its logs as vended logs: a group under /aws/vendedlogs/ needs no entry in the account's
    // CloudWatch Logs resource policy, which is limited to 5,120 characters and fills up with many caches. The name has
    // the stack's creation UUID: a retained group of an earlier creation (a rolled-back first create, a deleted stack)
    // would otherwise fail the next create with "already exists". Retained groups are kept except when their own
    // creation fails (RetainExceptOnCreate), so a failed first create leaves nothing behind.
    const uniqueName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    const vendedPrefix = `/aws/vendedlogs/membrane/${creationUniqueSuffix(this)}/${uniqueName}`;
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;
    const logGroups = ['slow-log', 'engine-log'].map(type => {
      const group = createLogGroup(this, type === 'slow-log' ? 'SlowLog' : 'EngineLog', props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        `these ${type}s (command timings, no data)`, props.encryptionKey, logRemovalPolicy, `${vendedPrefix}/${type}`);
      return {
        logType: type,
        logFormat: 'json',
        destinationType: 'cloudwatch-logs',
        destinationDetails: { cloudWatchLogsDetails: { logGroup: group.logGroupName } },
      };
    });

    const role = props.role ?? MembraneCacheRole.MAIN;
    // BullMQ's production guide: maxmemory-policy must be noeviction, the only setting under which queue keys are never
    // evicted (ElastiCache's default is volatile-lru). The policy takes effect immediately, without a reboot.
    this.parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: family ?? this.familyOfTokens(engine, engineVersion),
      description: `Membrane ${role} cache: maxmemory-policy noeviction, as BullMQ requires`,
      properties: { 'maxmemory-policy': 'noeviction', ...(clusterMode ? { 'cluster-enabled': 'yes' } : {}) },
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `Membrane ${role} cache`,
      engine,
      engineVersion,
      cacheNodeType,
      cacheParameterGroupName: this.parameterGroup.ref,
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

    // "Self-hosting on AWS": Redis holds only rebuildable cache data; a final snapshot on deletion costs little and allows a warm restart.
    this.replicationGroup.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.SNAPSHOT);

    this.replicationGroupId = this.replicationGroup.ref;
    this.endpointAddress = shards !== undefined
      ? this.replicationGroup.attrConfigurationEndPointAddress
      : this.replicationGroup.attrPrimaryEndPointAddress;

    // The URI is assembled by CloudFormation from a dynamic reference: the template holds
    // `{{resolve:secretsmanager:...}}`, never the token itself.
    const connectionSecret = new secretsmanager.Secret(this, 'ConnectionUri', {
      description: 'Membrane cache connection URI (rediss://, AUTH token included)',
      encryptionKey: props.encryptionKey,
      removalPolicy: retainedExceptOnCreate(secretRemovalPolicy),
      secretStringValue: SecretValue.unsafePlainText(`rediss://:${authToken.unsafeUnwrap()}@${this.endpointAddress}:${this.port}`),
    });
    this.connectionSecret = connectionSecret;

    acknowledgeSecretFindings(connectionSecret, NO_ROTATION_REASON, props.encryptionKey !== undefined);

    this.environmentContract = cacheEnvironment({
      role,
      clusterMode: shards !== undefined,
      uri: ecs.Secret.fromSecretsManager(connectionSecret),
      connectTimeoutMs: connectTimeout.toMilliseconds(),
    });

    this.alarms = this.memoryAlarms(role, replicas, shards);
    notify(this.alarms, props.alarmTopic);
  }

  /**
   * The parameter group family when the engine or its version is a token: a CloudFormation mapping from
   * `<engine><major version>` (only the major version decides the family).
   */
  private familyOfTokens(engine: string, engineVersion: string): string {
    const families = Object.entries(familiesByMajorVersion()).map(([key, family]) => [key, { family }]);
    const mapping = new CfnMapping(this, 'ParameterGroupFamilies', { mapping: Object.fromEntries(families) });
    return mapping.findInMap(Fn.join('', [engine, Fn.select(0, Fn.split('.', engineVersion))]), 'family');
  }

  /**
   * ElastiCache publishes `DatabaseMemoryUsagePercentage` per node only (`CacheClusterId` = `<group>-00N`, in cluster
   * mode `<group>-000S-00N`), and alarms cannot use SEARCH: so the alarms name every node, the fullest one counting,
   * at most 10 nodes per alarm.
   */
  private memoryAlarms(role: MembraneCacheRole, replicas: number, shards: number | undefined): cloudwatch.Alarm[] {
    if (!known(replicas) || (shards !== undefined && !known(shards))) {
      warn(this, 'noMemoryAlarm', 'replicasPerShard or clusterMode.shards is a token, so the cache nodes are unknown at synth time and the '
        + 'cache has no memory alarm: alarm on DatabaseMemoryUsagePercentage of each node yourself.');
      return [];
    }
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const perShard = (prefix: string) => Array.from({ length: 1 + replicas }, (_, n) => `${prefix}-${pad(n + 1, 3)}`);
    const nodes = shards === undefined
      ? perShard(this.replicationGroupId)
      : Array.from({ length: shards }, (_, s) => perShard(`${this.replicationGroupId}-${pad(s + 1, 4)}`)).flat();
    const chunks = Array.from({ length: Math.ceil(nodes.length / METRICS_PER_ALARM) },
      (_, i) => nodes.slice(i * METRICS_PER_ALARM, (i + 1) * METRICS_PER_ALARM));
    return chunks.map((chunk, i) => new cloudwatch.Alarm(this, chunks.length === 1 ? 'MemoryAlarm' : `MemoryAlarm${i + 1}`, {
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
}

/** A replication group created elsewhere. */
class ImportedCache extends MembraneCacheBase {
  public readonly environmentContract: MembraneEnvironmentContract;
  public readonly vpc: ec2.IVpc;
  public readonly replicationGroupId: string;
  public readonly endpointAddress: string;
  public readonly port: number;
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, attrs: MembraneCacheAttributes) {
    super(scope, id);
    requireInteger(this, 'port', attrs.port, 1, 65535);
    this.vpc = attrs.vpc;
    this.replicationGroupId = attrs.replicationGroupId;
    this.endpointAddress = attrs.endpointAddress;
    this.port = attrs.port;
    this.connections = new ec2.Connections({ securityGroups: [attrs.securityGroup], defaultPort: ec2.Port.tcp(attrs.port) });
    this.environmentContract = cacheEnvironment({
      role: attrs.role ?? MembraneCacheRole.MAIN,
      clusterMode: attrs.clusterMode ?? false,
      uri: ecs.Secret.fromSecretsManager(attrs.connectionSecret),
      connectTimeoutMs: (attrs.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT).toMilliseconds(),
    });
  }
}
