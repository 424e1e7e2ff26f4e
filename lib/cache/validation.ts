import { IConstruct } from 'constructs';
import { CACHE_LIMITS, CacheSettings, DEFAULT_ENGINE_VERSION, DEFAULT_NODE_TYPE } from './defaults';
import { ENGINE_NAMES, engineVersions, isEngine, nodeTypeProblem, parameterGroupFamily } from './private/engines';
import { MembraneCacheEngine, MembraneCacheProps } from './props';
import { known, propError, requireInteger, requireUsableKey, requireWholeDuration, warn } from '../common/validation';

/** Checks the props of a `MembraneCache` (with their defaults filled in as `settings`), and warns on risky ones. */
export function validateCacheProps(scope: IConstruct, props: MembraneCacheProps, settings: CacheSettings): void {
  checkEngine(scope, props, settings);
  const { replicasPerShard, shards, port, snapshotRetentionDays } = CACHE_LIMITS;
  requireInteger(scope, 'replicasPerShard', settings.replicas, replicasPerShard.min, replicasPerShard.max);
  requireInteger(scope, 'clusterMode.shards', settings.shards, shards.min, shards.max);
  requireInteger(scope, 'port', settings.port, port.min, port.max);
  requireInteger(scope, 'snapshotRetentionDays', props.snapshotRetentionDays, snapshotRetentionDays.min, snapshotRetentionDays.max);
  requireUsableKey(scope, 'encryptionKey', props.encryptionKey);
  // REDIS_CONNECT_TIMEOUT_MS takes whole milliseconds.
  requireWholeDuration(scope, 'connectTimeout', props.connectTimeout, 'milliseconds');
  checkEngineVersion(scope, settings);
  checkNodeType(scope, settings);
  checkAvailability(scope, settings);
}

function checkEngine(scope: IConstruct, props: MembraneCacheProps, settings: CacheSettings): void {
  const engine = settings.engine;
  if (known(engine) && !isEngine(engine)) {
    throw propError(scope, 'engine', `'${engine}' is not an engine of an ElastiCache replication group (${ENGINE_NAMES.join(', ')})`,
      'Use MembraneCacheEngine.VALKEY (the default) or MembraneCacheEngine.REDIS; Memcached has no replication or AUTH token, and '
      + 'ElastiCache Serverless does not work with Membrane ("Frequently Asked Questions").');
  }
  if (settings.knownEngine === undefined && props.engineVersion === undefined) {
    throw propError(scope, 'engineVersion', 'engine is a token, so the default version of the engine cannot be chosen',
      `Give engineVersion too, e.g. '${DEFAULT_ENGINE_VERSION[MembraneCacheEngine.VALKEY]}' for Valkey or `
      + `'${DEFAULT_ENGINE_VERSION[MembraneCacheEngine.REDIS]}' for Redis OSS.`);
  }
}

function checkEngineVersion(scope: IConstruct, settings: CacheSettings): void {
  const { engine, knownEngine, engineVersion } = settings;
  if (knownEngine !== undefined && known(engineVersion) && parameterGroupFamily(knownEngine, engineVersion) === undefined) {
    throw propError(scope, 'engineVersion', `ElastiCache does not offer ${engine} '${engineVersion}'`,
      `Use one of ${engineVersions(knownEngine).join(', ')} (the default is '${DEFAULT_ENGINE_VERSION[knownEngine]}').`);
  }
}

function checkNodeType(scope: IConstruct, settings: CacheSettings): void {
  const { cacheNodeType, knownEngine } = settings;
  const nodeType = known(cacheNodeType) ? nodeTypeProblem(cacheNodeType, knownEngine, DEFAULT_NODE_TYPE) : undefined;
  if (nodeType) {
    throw propError(scope, 'cacheNodeType', nodeType.problem, nodeType.fix);
  }
  if (knownEngine === MembraneCacheEngine.REDIS) {
    warn(scope, 'redisEngine', 'engine is Redis OSS: Valkey nodes cost about 20 % less and AWS documents Valkey as a drop-in replacement. '
      + 'To switch, remove engine (or set MembraneCacheEngine.VALKEY) and deploy: CloudFormation upgrades the replication group in place '
      + '(same endpoint, keys and AUTH token); see the migration notes in CHANGELOG.md and docs/upgrading.md.');
  }
}

function checkAvailability(scope: IConstruct, settings: CacheSettings): void {
  const { multiAz, replicas, shards, connectTimeout } = settings;
  if (multiAz && known(replicas) && replicas < 1) {
    throw propError(scope, 'multiAz', 'Multi-AZ with automatic failover needs a replica to fail over to, but replicasPerShard is 0',
      'Set replicasPerShard to 1 or more, or set multiAz to false (not recommended for production).');
  }
  if (known(shards) && known(replicas) && replicas < 1 && shards > 1) {
    warn(scope, 'clusterWithoutReplicas', 'Cluster mode without replicas loses a shard\'s keys when its node fails; set replicasPerShard >= 1.');
  }
  if (!connectTimeout.isUnresolved() && connectTimeout.toMilliseconds() < 1000) {
    throw propError(scope, 'connectTimeout', `${connectTimeout.toHumanString()} is too short to open a TLS connection`,
      'Use at least Duration.seconds(1); "Self-hosting on AWS" recommends 60 seconds.');
  }
  if (!multiAz) {
    warn(scope, 'singleAz', 'multiAz is false: the cache has no automatic failover and a node or AZ failure interrupts Membrane.');
  }
}
