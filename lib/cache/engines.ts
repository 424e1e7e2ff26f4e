import { MembraneCacheEngine } from './props';

/**
 * The engine versions ElastiCache offers for a replication group, with the family of their default parameter
 * groups (`default.<family>`, `default.<family>.cluster.on`). Every one supports encryption in transit with an
 * AUTH token, encryption at rest and Multi-AZ.
 */
const VERSIONS: Record<MembraneCacheEngine, { [version: string]: string }> = {
  [MembraneCacheEngine.REDIS]: { '6.2': 'redis6.x', '7.0': 'redis7', '7.1': 'redis7' },
  [MembraneCacheEngine.VALKEY]: { '7.2': 'valkey7', '8.0': 'valkey8', '8.1': 'valkey8' },
};

/** Node families that run Redis OSS and Valkey with encryption in transit and Multi-AZ. */
const NODE_FAMILIES = ['t3', 't4g', 'm5', 'm6g', 'm7g', 'r5', 'r6g', 'r6gd', 'r7g', 'c7gn'];

/** The versions offered for `engine`, for messages. */
export function engineVersions(engine: MembraneCacheEngine): string[] {
  return Object.keys(VERSIONS[engine]);
}

/** The default parameter group of a version, or undefined when ElastiCache does not offer it. */
export function defaultParameterGroup(engine: MembraneCacheEngine, version: string, clusterMode: boolean): string | undefined {
  const family = VERSIONS[engine][version];
  return family === undefined ? undefined : `default.${family}${clusterMode ? '.cluster.on' : ''}`;
}

/** Whether `nodeType` is a cache node type of a family that supports what this library requires. */
export function isSupportedNodeType(nodeType: string): boolean {
  const match = /^cache\.([a-z0-9]+)\.[a-z0-9]+$/.exec(nodeType);
  return match !== null && NODE_FAMILIES.includes(match[1]);
}

/** The node families accepted, for messages. */
export const SUPPORTED_NODE_FAMILIES = NODE_FAMILIES;
