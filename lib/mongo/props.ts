/**
 * A MongoDB Atlas cluster created with the deployment (`MembraneMongo.atlas`), on MongoDB's own CloudFormation
 * resource types (`MongoDB::Atlas::*`, through the `awscdk-resources-mongodbatlas` library).
 */
export interface MembraneAtlasProps {
  /** Atlas organization ID (24 hexadecimal characters), from Atlas: Organization Settings. */
  readonly orgId: string;

  /**
   * The CloudFormation profile of the Atlas resource types: the secret `cfn/atlas/profile/<profile>` that holds the
   * Atlas API key pair (see the README's prerequisites).
   *
   * @default 'default'
   */
  readonly profile?: string;

  /**
   * Name of the Atlas project.
   *
   * @default - `<stack name>-membrane`
   */
  readonly projectName?: string;

  /**
   * Name of the cluster.
   *
   * @default 'membrane'
   */
  readonly clusterName?: string;

  /**
   * Atlas instance size: M10 or larger ("Self-hosting on AWS" recommends M10+ for production).
   *
   * @default 'M10'
   */
  readonly instanceSize?: string;

  /**
   * MongoDB major version.
   *
   * @default '8.0'
   */
  readonly mongoDbMajorVersion?: string;

  /**
   * Database Membrane uses; the database user may read and write it only.
   *
   * @default 'membrane'
   */
  readonly databaseName?: string;
}
