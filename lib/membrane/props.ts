import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { MembraneDataOptions, MembraneFrontDoorOptions, MembraneNetworkPlacementOptions, MembraneOperationOptions } from './concerns';
import { MembraneDomain } from './domain';
import { MembraneMongo } from '../mongo';
import { MembraneAuth, MembraneVersion } from '../services';

/**
 * Properties for `Membrane`: what Membrane itself needs (a release, the registry login, its host names, MongoDB, the
 * self-hosting token, sign-in), and by concern the front door, the network, the data and the operation.
 */
export interface MembraneProps extends MembraneFrontDoorOptions, MembraneNetworkPlacementOptions, MembraneDataOptions, MembraneOperationOptions {
  /** Membrane release: an immutable tag such as `MembraneVersion.of('2026-01-14')`. */
  readonly version: MembraneVersion;

  /** Registry login (`{"username": "robot$<company>", "password": "..."}`) in Secrets Manager. */
  readonly registryCredentials: secretsmanager.ISecret;

  /**
   * Registry host.
   *
   * @default MembraneRegistry.GETMEMBRANE
   */
  readonly registry?: string;

  /** Public host names. */
  readonly domain: MembraneDomain;

  /**
   * Secret whose value is the MongoDB connection string (`MONGO_URI`). MongoDB 4.4 or later: MongoDB Atlas
   * (M10+ for production) or self-hosted. Amazon DocumentDB is technically compatible but not recommended, with possible
   * compatibility issues ("Self-hosting on AWS").
   * Give this or `mongo`.
   *
   * @default - from `mongo`
   */
  readonly mongoUri?: secretsmanager.ISecret;

  /**
   * Where MongoDB comes from: `MembraneMongo.fromSecret(secret)` (what `mongoUri` does) or `MembraneMongo.atlas({...})`,
   * an Atlas cluster created in the same deployment and reached over AWS PrivateLink. Give this or `mongoUri`.
   *
   * @default - `mongoUri`
   */
  readonly mongo?: MembraneMongo;

  /** Secret whose value is the `SELF_HOSTING_TOKEN` from your Membrane organisation settings. */
  readonly selfHostingToken: secretsmanager.ISecret;

  /** Auth0 or username/password sign-in. */
  readonly auth: MembraneAuth;
}
