/** "Self-hosting on AWS" recommends an Atlas M10 or larger for production. */
export const DEFAULT_INSTANCE_SIZE = 'M10';

/** The newest MongoDB major version Atlas offers; "Frequently Asked Questions": Membrane needs MongoDB 4.4 or higher. */
export const DEFAULT_MONGODB_MAJOR_VERSION = '8.0';

/** The oldest MongoDB Membrane supports ("Frequently Asked Questions": MongoDB 4.4 or higher). */
export const MIN_MONGODB_VERSION: readonly [number, number] = [4, 4];

/** "Frequently Asked Questions": an Atlas M10+ cluster as a 3-node replica set, one node per zone. */
export const NODE_COUNT = 3;

/** The CloudFormation profile of the Atlas resource types (the secret `cfn/atlas/profile/default`). */
export const DEFAULT_PROFILE = 'default';

/** The database Membrane uses, the cluster's name and the database user's name (choices of this library). */
export const DEFAULT_DATABASE_NAME = 'membrane';
export const DEFAULT_CLUSTER_NAME = 'membrane';
export const DATABASE_USER = 'membrane';
