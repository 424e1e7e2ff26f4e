import * as ecs from 'aws-cdk-lib/aws-ecs';
import { MembraneEnvironmentContract } from '../../common/environment';
import { MembraneCacheRole } from '../props';

/**
 * Values that make up the cache part of the Membrane environment.
 */
export interface CacheEnvironmentInputs {
  readonly role: MembraneCacheRole;
  readonly clusterMode: boolean;
  readonly uri: ecs.Secret;
  readonly connectTimeoutMs: number;
}

/**
 * The cache environment contract ("Self-hosting"): `[WORKER_]REDIS_URI` or `[WORKER_]REDIS_CLUSTER_URI_1` as a
 * secret; "Self-hosting on AWS": `REDIS_DISABLE_TLS_VERIFICATION=true` because ElastiCache TLS certificates do not
 * pass standard verification, and `REDIS_CONNECT_TIMEOUT_MS`.
 */
export function cacheEnvironment(inputs: CacheEnvironmentInputs): MembraneEnvironmentContract {
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
