import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * A MongoDB Atlas cluster created with the deployment (`MembraneMongo.atlas`), on MongoDB's own CloudFormation
 * resource types (`MongoDB::Atlas::*`, through the `awscdk-resources-mongodbatlas` library).
 */
export interface MembraneAtlasProps {
  /** Atlas organization ID (24 hexadecimal characters), from Atlas: Organization Settings. */
  readonly orgId: string;

  /**
   * The CloudFormation profile of the Atlas resource types: the secret `cfn/atlas/profile/<profile>` that holds the
   * Atlas API key pair (see docs/mongodb.md, prerequisites). Letters, digits and /_+=.@- only.
   *
   * @default 'default'
   */
  readonly profile?: string;

  /**
   * Name of the Atlas project: at most 64 letters, digits, spaces and ( ) @ & + : . _ - ' , characters. The project
   * is retained with the cluster when the stack is deleted, so a fixed name collides with it when the stack is created
   * again: delete the cluster, then the project, in Atlas first (docs/mongodb.md).
   *
   * @default - unique per deployment and per creation of the stack: the construct path (with the stack's name), a
   * hash of it, and the last group of the stack's UUID
   */
  readonly projectName?: string;

  /**
   * Name of the cluster: ASCII letters, digits and hyphens, starting and ending with a letter or digit, at most 64
   * characters (Atlas uses the first 23 in host names). Unique within the project.
   *
   * @default 'membrane'
   */
  readonly clusterName?: string;

  /**
   * Atlas instance size: a dedicated tier on AWS, M10 or larger ("Self-hosting on AWS" recommends M10+ for
   * production), e.g. 'M10', 'M30', a low-CPU 'R40' or an NVMe 'M40_NVME'.
   *
   * @default 'M10'
   */
  readonly instanceSize?: string;

  /**
   * MongoDB major version, 4.4 or later ("Frequently Asked Questions": Membrane needs MongoDB 4.4 or higher).
   *
   * @default '8.0'
   */
  readonly mongoDbMajorVersion?: string;

  /**
   * Database Membrane uses; the database user may read and write it only. At most 63 letters, digits, underscores
   * and hyphens (it is the path of `MONGO_URI`); not `admin`, `local` or `config`.
   *
   * @default 'membrane'
   */
  readonly databaseName?: string;
}

/** What a MongoDB choice gives the deployment. */
export interface MembraneMongoConfig {
  /** The secret with the connection string (`MONGO_URI`). */
  readonly mongoUri: secretsmanager.ISecret;
  /** The security group the tasks must be allowed into, when the database is reached through an endpoint here. */
  readonly endpointSecurityGroup?: ec2.ISecurityGroup;
}

/** What `bind` needs from the deployment. */
export interface MembraneMongoBindOptions {
  /** The VPC of the Membrane tasks. */
  readonly vpc: ec2.IVpc;
  /** Key for the generated secrets. @default - AWS managed key */
  readonly encryptionKey?: kms.IKey;
  /** What happens to the generated secrets when they leave the stack. @default RemovalPolicy.RETAIN */
  readonly secretRemovalPolicy?: RemovalPolicy;
}
