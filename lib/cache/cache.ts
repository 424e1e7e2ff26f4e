import { Names, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { IMembraneCache, MembraneCacheBase } from './cache-base';
import { CacheSettings, cacheSettings, DEFAULT_LOG_RETENTION, DEFAULT_REMOVAL_POLICY, DEFAULT_SNAPSHOT_RETENTION_DAYS } from './defaults';
import { memoryAlarms } from './private/alarms';
import { familyOfTokens, parameterGroupFamily } from './private/engines';
import { cacheEnvironment } from './private/environment';
import { ImportedCache } from './private/imported-cache';
import { MembraneCacheAttributes, MembraneCacheProps } from './props';
import { validateCacheProps } from './validation';
import { notify } from '../common/alarms';
import { MembraneEnvironmentContract } from '../common/environment';
import { acknowledgeSecretFindings, createGeneratedSecret, createLogGroup, creationUniqueSuffix, retainedExceptOnCreate } from '../common/resources';
import { known } from '../common/validation';

const NO_ROTATION_REASON = 'Rotating an ElastiCache AUTH token is a two-step ModifyReplicationGroup (ROTATE then SET) that must be coordinated with '
  + 'a rolling restart of every Membrane service; there is no managed rotation function for it.';

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
    const settings = cacheSettings(props);
    validateCacheProps(this, props, settings);

    this.vpc = props.vpc;
    this.port = settings.port;
    const securityGroup = this.buildSecurityGroup(props);
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(this.port) });
    const subnetGroup = this.buildSubnetGroup(props);
    this.authTokenSecret = this.buildAuthToken(props, settings);
    const authToken = this.authTokenSecret.secretValueFromJson('authToken');
    const logDelivery = this.buildLogGroups(props);
    this.parameterGroup = this.buildParameterGroup(settings);

    this.replicationGroup = this.buildReplicationGroup(props, settings, {
      securityGroup, subnetGroup, authToken, logDelivery,
    });
    this.replicationGroupId = this.replicationGroup.ref;
    this.endpointAddress = settings.shards !== undefined
      ? this.replicationGroup.attrConfigurationEndPointAddress
      : this.replicationGroup.attrPrimaryEndPointAddress;

    this.connectionSecret = this.buildConnectionSecret(props, settings, authToken);
    this.environmentContract = cacheEnvironment({
      role: settings.role,
      clusterMode: settings.shards !== undefined,
      uri: ecs.Secret.fromSecretsManager(this.connectionSecret),
      connectTimeoutMs: settings.connectTimeout.toMilliseconds(),
    });

    this.alarms = memoryAlarms(this, this.replicationGroupId, settings.role, settings.replicas, settings.shards);
    notify(this.alarms, props.alarmTopic);
  }

  /** A security group of its own, closed until `connections` admits the services. */
  private buildSecurityGroup(props: MembraneCacheProps): ec2.SecurityGroup {
    return new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Membrane cache: admits only what connections allows',
      allowAllOutbound: false,
    });
  }

  /** The subnet group: the VPC's isolated subnets if it has any, else its private subnets with egress. */
  private buildSubnetGroup(props: MembraneCacheProps): elasticache.CfnSubnetGroup {
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ??
      { subnetType: props.vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS });
    return new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'Membrane cache subnets',
      subnetIds: subnets.subnetIds,
    });
  }

  /** The generated AUTH token. */
  private buildAuthToken(props: MembraneCacheProps, settings: CacheSettings): secretsmanager.ISecret {
    // AUTH tokens allow printable ASCII except '/', '"' and '@'; letters and digits also keep the URI unambiguous.
    return createGeneratedSecret(this, 'AuthToken', {
      description: 'Membrane cache AUTH token',
      encryptionKey: props.encryptionKey,
      removalPolicy: settings.secretRemovalPolicy,
      jsonKey: 'authToken',
      noRotationReason: NO_ROTATION_REASON,
    });
  }

  /** The slow-log and engine-log groups, as the replication group's log delivery configurations. */
  private buildLogGroups(props: MembraneCacheProps): elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty[] {
    // ElastiCache delivers its logs as vended logs: a group under /aws/vendedlogs/ needs no entry in the account's
    // CloudWatch Logs resource policy, which is limited to 5,120 characters and fills up with many caches. The name has
    // the stack's creation UUID: a retained group of an earlier creation (a rolled-back first create, a deleted stack)
    // would otherwise fail the next create with "already exists". Retained groups are kept except when their own
    // creation fails (RetainExceptOnCreate), so a failed first create leaves nothing behind.
    const uniqueName = Names.uniqueResourceName(this, { maxLength: 128, separator: '-' });
    const vendedPrefix = `/aws/vendedlogs/membrane/${creationUniqueSuffix(this)}/${uniqueName}`;
    const logRemovalPolicy = props.logRemovalPolicy ?? RemovalPolicy.RETAIN;
    return ['slow-log', 'engine-log'].map(type => {
      const group = createLogGroup(this, type === 'slow-log' ? 'SlowLog' : 'EngineLog', props.logRetention ?? DEFAULT_LOG_RETENTION,
        `these ${type}s (command timings, no data)`, props.encryptionKey, logRemovalPolicy, `${vendedPrefix}/${type}`);
      return {
        logType: type,
        logFormat: 'json',
        destinationType: 'cloudwatch-logs',
        destinationDetails: { cloudWatchLogsDetails: { logGroup: group.logGroupName } },
      };
    });
  }

  /** The parameter group: the engine family's defaults with `maxmemory-policy noeviction`. */
  private buildParameterGroup(settings: CacheSettings): elasticache.CfnParameterGroup {
    const { engine, knownEngine, engineVersion } = settings;
    const family = knownEngine !== undefined && known(engineVersion) ? parameterGroupFamily(knownEngine, engineVersion) : undefined;
    // BullMQ's production guide: maxmemory-policy must be noeviction, the only setting under which queue keys are never
    // evicted (ElastiCache's default is volatile-lru). The policy takes effect immediately, without a reboot.
    return new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: family ?? familyOfTokens(this, engine, engineVersion),
      description: `Membrane ${settings.role} cache: maxmemory-policy noeviction, as BullMQ requires`,
      properties: { 'maxmemory-policy': 'noeviction', ...(settings.shards !== undefined ? { 'cluster-enabled': 'yes' } : {}) },
    });
  }

  /** The replication group: TLS required, encrypted at rest, AUTH token, Multi-AZ. */
  private buildReplicationGroup(props: MembraneCacheProps, settings: CacheSettings, parts: ReplicationGroupParts): elasticache.CfnReplicationGroup {
    const { shards, replicas, multiAz } = settings;
    const group = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `Membrane ${settings.role} cache`,
      engine: settings.engine,
      engineVersion: settings.engineVersion,
      cacheNodeType: settings.cacheNodeType,
      cacheParameterGroupName: this.parameterGroup.ref,
      port: this.port,
      cacheSubnetGroupName: parts.subnetGroup.ref,
      securityGroupIds: [parts.securityGroup.securityGroupId],
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: props.encryptionKey?.keyArn,
      authToken: parts.authToken.unsafeUnwrap(),
      multiAzEnabled: multiAz,
      automaticFailoverEnabled: multiAz || shards !== undefined,
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: props.snapshotRetentionDays ?? DEFAULT_SNAPSHOT_RETENTION_DAYS,
      logDeliveryConfigurations: parts.logDelivery,
      ...(shards !== undefined
        ? { clusterMode: 'enabled', numNodeGroups: shards, replicasPerNodeGroup: replicas }
        : { numCacheClusters: 1 + replicas }),
    });
    group.applyRemovalPolicy(props.removalPolicy ?? DEFAULT_REMOVAL_POLICY);
    return group;
  }

  /** The `rediss://` connection URI, AUTH token included. */
  private buildConnectionSecret(props: MembraneCacheProps, settings: CacheSettings, authToken: SecretValue): secretsmanager.ISecret {
    // The URI is assembled by CloudFormation from a dynamic reference: the template holds
    // `{{resolve:secretsmanager:...}}`, never the token itself.
    const connectionSecret = new secretsmanager.Secret(this, 'ConnectionUri', {
      description: 'Membrane cache connection URI (rediss://, AUTH token included)',
      encryptionKey: props.encryptionKey,
      removalPolicy: retainedExceptOnCreate(settings.secretRemovalPolicy),
      secretStringValue: SecretValue.unsafePlainText(`rediss://:${authToken.unsafeUnwrap()}@${this.endpointAddress}:${this.port}`),
    });
    acknowledgeSecretFindings(connectionSecret, NO_ROTATION_REASON, props.encryptionKey !== undefined);
    return connectionSecret;
  }
}

/** What the replication group is made of. */
interface ReplicationGroupParts {
  readonly securityGroup: ec2.ISecurityGroup;
  readonly subnetGroup: elasticache.CfnSubnetGroup;
  readonly authToken: SecretValue;
  readonly logDelivery: elasticache.CfnReplicationGroup.LogDeliveryConfigurationRequestProperty[];
}
