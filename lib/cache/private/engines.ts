import { CfnMapping, Fn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MembraneCacheEngine } from '../props';

/**
 * The engine versions ElastiCache offers for a replication group, with their parameter group family. Every one
 * supports encryption in transit with an AUTH token, encryption at rest and Multi-AZ.
 */
const VERSIONS: Record<MembraneCacheEngine, { [version: string]: string }> = {
  [MembraneCacheEngine.REDIS]: { '6.2': 'redis6.x', '7.0': 'redis7', '7.1': 'redis7' },
  [MembraneCacheEngine.VALKEY]: { '7.2': 'valkey7', '8.0': 'valkey8', '8.1': 'valkey8' },
};

const ENGINES = Object.keys(VERSIONS) as MembraneCacheEngine[];

const BURSTABLE = ['micro', 'small', 'medium'];
const INTEL = ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge'];
const GRAVITON = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'];

/**
 * Current-generation node families and their sizes, per engine, from the ElastiCache User Guide, "Supported node
 * types": the Valkey tables list m8g, r8g and c8gn, the Redis OSS tables do not; every other family here runs
 * Redis OSS 6.2+ and Valkey 7.2+ (all versions above). t2, m4 and r4 are previous generation.
 */
const NODE_FAMILIES: Record<string, { sizes: string[]; engines: MembraneCacheEngine[] }> = {
  t3: { sizes: BURSTABLE, engines: ENGINES },
  t4g: { sizes: BURSTABLE, engines: ENGINES },
  m5: { sizes: INTEL, engines: ENGINES },
  r5: { sizes: INTEL, engines: ENGINES },
  m6g: { sizes: GRAVITON, engines: ENGINES },
  r6g: { sizes: GRAVITON, engines: ENGINES },
  m7g: { sizes: GRAVITON, engines: ENGINES },
  r7g: { sizes: GRAVITON, engines: ENGINES },
  c7gn: { sizes: GRAVITON, engines: ENGINES },
  m8g: { sizes: GRAVITON, engines: [MembraneCacheEngine.VALKEY] },
  r8g: { sizes: GRAVITON, engines: [MembraneCacheEngine.VALKEY] },
  c8gn: { sizes: GRAVITON, engines: [MembraneCacheEngine.VALKEY] },
};

/** The data-tiering family: ElastiCache creates it only with `DataTieringEnabled`. */
const DATA_TIERING_FAMILY = 'r6gd';

/** Whether `value` is an engine a replication group runs (`redis` or `valkey`; never `memcached`). */
export function isEngine(value: string): value is MembraneCacheEngine {
  return (ENGINES as string[]).includes(value);
}

/** The engines, for messages. */
export const ENGINE_NAMES = ENGINES;

/** The versions offered for `engine`, for messages. */
export function engineVersions(engine: MembraneCacheEngine): string[] {
  return Object.keys(VERSIONS[engine]);
}

/** The parameter group family of a version (`redis6.x`, `redis7`, `valkey7`, `valkey8`), or undefined when not offered. */
export function parameterGroupFamily(engine: MembraneCacheEngine, version: string): string | undefined {
  return VERSIONS[engine][version];
}

/**
 * The family of every `<engine><major version>` (`redis7` -> `redis7`, `redis6` -> `redis6.x`), for a CloudFormation
 * mapping when the engine or the version is a token: both decide the family, and only a major version decides it.
 */
function familiesByMajorVersion(): Record<string, string> {
  const families: Record<string, string> = {};
  for (const engine of ENGINES) {
    for (const [version, family] of Object.entries(VERSIONS[engine])) {
      families[`${engine}${version.split('.')[0]}`] = family;
    }
  }
  return families;
}

/**
 * The parameter group family when the engine or its version is a token: a CloudFormation mapping (`ParameterGroupFamilies`
 * in `scope`) from `<engine><major version>` (only the major version decides the family).
 */
export function familyOfTokens(scope: Construct, engine: string, engineVersion: string): string {
  const families = Object.entries(familiesByMajorVersion()).map(([key, family]) => [key, { family }]);
  const mapping = new CfnMapping(scope, 'ParameterGroupFamilies', { mapping: Object.fromEntries(families) });
  return mapping.findInMap(Fn.join('', [engine, Fn.select(0, Fn.split('.', engineVersion))]), 'family');
}

/** What is wrong with a node type for an engine (undefined: nothing), and the fix. */
export interface NodeTypeProblem {
  readonly problem: string;
  readonly fix: string;
}

/**
 * Checks a node type against the families and sizes ElastiCache offers; with a known engine also against that
 * engine's families.
 */
export function nodeTypeProblem(nodeType: string, engine: MembraneCacheEngine | undefined, example: string): NodeTypeProblem | undefined {
  const match = /^cache\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(nodeType);
  const families = Object.keys(NODE_FAMILIES).filter(f => engine === undefined || NODE_FAMILIES[f].engines.includes(engine));
  const useFamily = `Use 'cache.<family>.<size>' with a family of ${families.join(', ')}, e.g. '${example}'.`;
  if (!match) {
    return { problem: `'${nodeType}' is not a cache node type`, fix: useFamily };
  }
  const [, family, size] = match;
  if (family === DATA_TIERING_FAMILY) {
    const same = `cache.r7g.${size}`;
    return {
      problem: `'${nodeType}' is a data-tiering node type: ElastiCache creates r6gd nodes only with data tiering (DataTieringEnabled), which `
        + 'this construct does not turn on, because it moves values to SSD once memory is full (slower queue operations), a snapshot '
        + 'restores only onto r6gd, and the group can never scale to another family',
      fix: `Use a node type of the same memory without SSD, e.g. '${GRAVITON.includes(size) ? same : 'cache.r7g.xlarge'}'.`,
    };
  }
  const offered = NODE_FAMILIES[family];
  if (!offered) {
    return { problem: `'${nodeType}' is not a current-generation cache node type that runs ${engine ?? 'Valkey or Redis OSS'}`, fix: useFamily };
  }
  if (!offered.sizes.includes(size)) {
    return {
      problem: `ElastiCache has no '${nodeType}': ${family} comes in ${offered.sizes.join(', ')}`,
      fix: `Use one of those sizes, e.g. 'cache.${family}.${offered.sizes[0]}'.`,
    };
  }
  if (engine !== undefined && !offered.engines.includes(engine)) {
    return {
      problem: `ElastiCache offers ${family} nodes for ${offered.engines.join(', ')} only, not for ${engine}`,
      fix: `Use engine ${offered.engines.map(e => `MembraneCacheEngine.${e.toUpperCase()}`).join(' or ')}, or a family of ${families.join(', ')}.`,
    };
  }
  return undefined;
}
