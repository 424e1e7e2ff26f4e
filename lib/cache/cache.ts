import { Names, RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { MembraneCacheBase } from './cache-base';
import { defaultParameterGroup, engineVersions, isSupportedNodeType, SUPPORTED_NODE_FAMILIES } from './engines';
import { cacheEnvironment, DEFAULT_CONNECT_TIMEOUT } from './environment';
import { MembraneCacheAttributes, MembraneCacheEngine, MembraneCacheProps, MembraneCacheRole } from './props';
import { IMembraneCache, MembraneEnvironmentContract } from '../common/environment';
import { acknowledgeSecretFindings, createGeneratedSecret, createLogGroup } from '../common/resources';
import { known, propError, requireInteger, warn } from '../common/validation';

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

/**
 * An ElastiCache (Redis OSS or Valkey) replication group for Membrane: TLS in transit, encryption at
 * rest, an AUTH token generated in Secrets Manager, Multi-AZ with automatic failover, its own subnet
 * group and security group, and slow/engine logs in CloudWatch.
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

  constructor(scope: Construct, id: string, props: MembraneCacheProps) {
    super(scope, id);

    const engine = props.engine ?? DEFAULT_ENGINE;
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
    const clusterMode = shards !== undefined;
    const parameterGroup = known(engineVersion) ? defaultParameterGroup(engine, engineVersion, clusterMode) : undefined;
    if (known(engineVersion) && parameterGroup === undefined) {
      throw propError(this, 'engineVersion', `ElastiCache does not offer ${engine} '${engineVersion}'`,
        `Use one of ${engineVersions(engine).join(', ')} (the default is '${DEFAULT_ENGINE_VERSION[engine]}').`);
    }
    const cacheNodeType = props.cacheNodeType ?? DEFAULT_NODE_TYPE;
    if (known(cacheNodeType) && !isSupportedNodeType(cacheNodeType)) {
      throw propError(this, 'cacheNodeType', `'${cacheNodeType}' is not a cache node type that runs ${engine} with TLS and Multi-AZ`,
        `Use 'cache.<family>.<size>' with a family of ${SUPPORTED_NODE_FAMILIES.join(', ')}, e.g. '${DEFAULT_NODE_TYPE}'.`);
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
    // CloudWatch Logs resource policy, which is limited to 5,120 characters and fills up with many caches.
    const vendedPrefix = `/aws/vendedlogs/membrane/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`;
    const logGroups = ['slow-log', 'engine-log'].map(type => {
      const group = createLogGroup(this, type === 'slow-log' ? 'SlowLog' : 'EngineLog', props.logRetention ?? logs.RetentionDays.ONE_MONTH,
        `these ${type}s (command timings, no data)`, props.encryptionKey, props.logRemovalPolicy, `${vendedPrefix}/${type}`);
      return {
        logType: type,
        logFormat: 'json',
        destinationType: 'cloudwatch-logs',
        destinationDetails: { cloudWatchLogsDetails: { logGroup: group.logGroupName } },
      };
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: `Membrane ${props.role ?? MembraneCacheRole.MAIN} cache`,
      engine,
      engineVersion,
      cacheNodeType,
      cacheParameterGroupName: parameterGroup,
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
