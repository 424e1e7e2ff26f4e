import { Fn, Names, RemovalPolicy, SecretValue, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as atlas from 'awscdk-resources-mongodbatlas';
import { Construct } from 'constructs';
import { MembraneAtlasProps } from './props';
import { validateAtlasProps } from './validation';
import { acknowledgeSecretFindings, creationUniqueShortSuffix, retainedExceptOnCreate } from '../common/resources';
import { propError } from '../common/validation';

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
   * the `MongoDB::Atlas::*` extensions activated in the account and region (README: "MongoDB in the same deployment").
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

/** The Atlas library, loaded only when an Atlas cluster is asked for. */
function atlasLibrary(scope: Construct): typeof atlas {
  try {
    // Optional on purpose: installed by the users of MembraneMongo.atlas only (docs/mongodb.md, "Why the library is not a dependency").
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
    return require('awscdk-resources-mongodbatlas');
  } catch {
    throw propError(scope, 'mongo', 'MembraneMongo.atlas needs the awscdk-resources-mongodbatlas library, which is not installed',
      'Run `npm install awscdk-resources-mongodbatlas@^4` in your CDK app, or use MembraneMongo.fromSecret(secret).');
  }
}

/** Atlas names AWS regions in upper case with underscores. */
function atlasRegion(region: string): string {
  return region.toUpperCase().replace(/-/g, '_');
}

/**
 * The private-endpoint SRV host of a single-region cluster behind one AWS PrivateLink endpoint: Atlas adds `-pl-0`
 * to the first label of the standard SRV host (`cluster0.abcde.mongodb.net` -> `cluster0-pl-0.abcde.mongodb.net`).
 */
function privateEndpointHost(standardSrv: string): string {
  const host = Fn.select(1, Fn.split('://', standardSrv));
  const labels = Fn.split('.', host);
  return Fn.join('', [Fn.select(0, labels), '-pl-0.', Fn.select(1, labels), '.', Fn.select(2, labels), '.', Fn.select(3, labels)]);
}

class AtlasMongo extends MembraneMongo {
  constructor(private readonly props: MembraneAtlasProps) {
    super();
  }

  public bind(scope: Construct, options: MembraneMongoBindOptions): MembraneMongoConfig {
    const props = this.props;
    const construct = new Construct(scope, 'Mongo');
    const stack = Stack.of(construct);
    validateAtlasProps(construct, props);
    const size = props.instanceSize ?? 'M10';
    if (Token.isUnresolved(stack.region)) {
      throw propError(construct, 'mongo', 'the stack has no region, and the Atlas cluster and its endpoint are created in it',
        'Set env: { region } on the stack.');
    }
    const lib = atlasLibrary(construct);
    const profile = props.profile ?? 'default';
    const database = props.databaseName ?? 'membrane';

    // The project holds the retained cluster, and Atlas refuses to delete a project with a cluster in it
    // (CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_CLUSTERS): it is retained with the cluster. Its name is unique per deployment
    // (the construct path with the stack's name) and per creation of the stack (the stack UUID's last group), so a retained project
    // never collides with the next creation. Atlas renames a project in place: changing the name replaces nothing.
    const project = new lib.CfnProject(construct, 'Project', {
      orgId: props.orgId,
      name: props.projectName ?? `${Names.uniqueResourceName(construct, { maxLength: 51, separator: '-' })}-${creationUniqueShortSuffix(construct)}`,
      profile,
    });
    project.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const endpointService = new lib.CfnPrivateEndpointService(construct, 'EndpointService', {
      projectId: project.attrId,
      region: stack.region,
      cloudProvider: lib.CfnPrivateEndpointServicePropsCloudProvider.AWS,
      profile,
    });
    const securityGroup = new ec2.SecurityGroup(construct, 'EndpointSecurityGroup', {
      vpc: options.vpc,
      description: 'MongoDB Atlas PrivateLink endpoint: the Membrane tasks only',
      allowAllOutbound: false,
    });
    const endpoint = new ec2.InterfaceVpcEndpoint(construct, 'Endpoint', {
      vpc: options.vpc,
      service: new ec2.InterfaceVpcEndpointService(endpointService.attrEndpointServiceName),
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      privateDnsEnabled: false,
      open: false,
    });
    const atlasEndpoint = new lib.CfnPrivateEndpointAws(construct, 'AtlasEndpoint', {
      projectId: project.attrId,
      endpointServiceId: endpointService.attrId,
      id: endpoint.vpcEndpointId,
      profile,
    });

    const user = new secretsmanager.Secret(construct, 'UserPassword', {
      description: 'Membrane MongoDB Atlas database user',
      encryptionKey: options.encryptionKey,
      removalPolicy: retainedExceptOnCreate(options.secretRemovalPolicy ?? RemovalPolicy.RETAIN),
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'membrane' }),
        generateStringKey: 'password',
        passwordLength: 40,
        excludePunctuation: true,
      },
    });
    acknowledgeSecretFindings(user, 'The Atlas database user\'s password is set by the MongoDB::Atlas::DatabaseUser resource; rotating it '
      + 'needs Atlas API keys in a rotation function. Rotate with a deployment after changing the secret (docs/operations.md, "Rotating secrets").',
    options.encryptionKey !== undefined);
    const password = user.secretValueFromJson('password').unsafeUnwrap();
    new lib.CfnDatabaseUser(construct, 'DatabaseUser', {
      projectId: project.attrId,
      username: 'membrane',
      password,
      databaseName: 'admin',
      roles: [{ roleName: 'readWrite', databaseName: database }],
      profile,
    });

    const cluster = new lib.CfnCluster(construct, 'Cluster', {
      projectId: project.attrId,
      name: props.clusterName ?? 'membrane',
      clusterType: 'REPLICASET',
      mongoDbMajorVersion: props.mongoDbMajorVersion ?? '8.0',
      backupEnabled: true,
      pitEnabled: true,
      terminationProtectionEnabled: true,
      replicationSpecs: [{
        numShards: 1,
        advancedRegionConfigs: [{
          regionName: atlasRegion(stack.region),
          providerName: lib.AdvancedRegionConfigProviderName.AWS,
          priority: 7,
          electableSpecs: { instanceSize: size, nodeCount: 3 },
          autoScaling: { diskGb: { enabled: true } },
        }],
      }],
      profile,
    });
    // The cluster is created once the endpoint is connected, so its private connection string exists.
    cluster.addDependency(atlasEndpoint);
    // Retained with termination protection on: CloudFormation could not delete it on the rollback of a failed first
    // create either (RetainExceptOnCreate would leave the stack in ROLLBACK_FAILED), so docs/mongodb.md says how to clean up.
    cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);

    // MONGO_URI is assembled by CloudFormation: the template holds a dynamic reference, never the password.
    const host = privateEndpointHost(cluster.getAtt('ConnectionStrings.StandardSrv').toString());
    const mongoUri = new secretsmanager.Secret(construct, 'ConnectionUri', {
      description: 'Membrane MONGO_URI (MongoDB Atlas over PrivateLink)',
      encryptionKey: options.encryptionKey,
      removalPolicy: retainedExceptOnCreate(options.secretRemovalPolicy ?? RemovalPolicy.RETAIN),
      secretStringValue: SecretValue.unsafePlainText(
        `mongodb+srv://membrane:${password}@${host}/${database}?retryWrites=true&w=majority&authSource=admin`),
    });
    acknowledgeSecretFindings(mongoUri, 'The connection string follows the database user\'s password secret; it changes with it.',
      options.encryptionKey !== undefined);
    return { mongoUri, endpointSecurityGroup: securityGroup };
  }
}
