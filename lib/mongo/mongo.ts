import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { bindAtlas } from './private/atlas';
import { MembraneAtlasProps, MembraneMongoBindOptions, MembraneMongoConfig } from './props';

/**
 * Where Membrane's MongoDB comes from: a connection string you provide (the default), or an Atlas cluster created
 * in the same deployment, reached over AWS PrivateLink.
 */
export abstract class MembraneMongo {
  /** A `MONGO_URI` you provide, e.g. of an Atlas cluster managed elsewhere. */
  public static fromSecret(secret: secretsmanager.ISecret): MembraneMongo {
    return new SecretMongo(secret);
  }

  /**
   * An Atlas project and an M10+ replica set in the stack's region (three nodes across three zones), cloud backup
   * with point-in-time restore, a database user with a generated password, an AWS PrivateLink endpoint in the
   * Membrane VPC and no IP access list. Needs `awscdk-resources-mongodbatlas` installed next to this library and
   * the `MongoDB::Atlas::*` extensions activated in the account and region (docs/mongodb.md).
   */
  public static atlas(props: MembraneAtlasProps): MembraneMongo {
    return new AtlasMongo(props);
  }

  /** Creates what the choice needs under `scope`. */
  public abstract bind(scope: Construct, options: MembraneMongoBindOptions): MembraneMongoConfig;
}

class SecretMongo extends MembraneMongo {
  constructor(private readonly secret: secretsmanager.ISecret) {
    super();
  }

  public bind(): MembraneMongoConfig {
    return { mongoUri: this.secret };
  }
}

/** Atlas, created with the deployment (private/atlas.ts). */
class AtlasMongo extends MembraneMongo {
  constructor(private readonly props: MembraneAtlasProps) {
    super();
  }

  public bind(scope: Construct, options: MembraneMongoBindOptions): MembraneMongoConfig {
    return bindAtlas(scope, this.props, options);
  }
}
