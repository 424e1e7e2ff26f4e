import { Fn, Names, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as atlas from 'awscdk-resources-mongodbatlas';
import { Construct } from 'constructs';
import { acknowledgeSecretFindings, creationUniqueShortSuffix, retainedExceptOnCreate } from '../../common/resources';
import { propError } from '../../common/validation';
import {
  DATABASE_USER, DEFAULT_CLUSTER_NAME, DEFAULT_DATABASE_NAME, DEFAULT_INSTANCE_SIZE, DEFAULT_MONGODB_MAJOR_VERSION, DEFAULT_PROFILE, NODE_COUNT,
} from '../defaults';
import { MembraneAtlasProps, MembraneMongoBindOptions, MembraneMongoConfig } from '../props';
import { validateAtlasProps } from '../validation';

/**
 * An Atlas project and cluster reached over AWS PrivateLink, under `scope`/Mongo: validate, load the Atlas library,
 * then the project, the private endpoint, the database user, the cluster and the `MONGO_URI` secret.
 */
export function bindAtlas(scope: Construct, props: MembraneAtlasProps, options: MembraneMongoBindOptions): MembraneMongoConfig {
  const construct = new Construct(scope, 'Mongo');
  validateAtlasProps(construct, props);
  const resources = new AtlasResources(construct, atlasLibrary(construct), props, options);
  const project = resources.createProject();
  const endpoint = resources.connectPrivateEndpoint(project);
  const password = resources.createDatabaseUser(project);
  const cluster = resources.createCluster(project, endpoint.atlasEndpoint);
  const mongoUri = resources.createConnectionSecret(cluster, password);
  return { mongoUri, endpointSecurityGroup: endpoint.securityGroup };
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

/** The Atlas resources of one binding, created in `construct`, each by a step of `bindAtlas`. */
class AtlasResources {
  private readonly profile: string;
  private readonly database: string;
  private readonly region: string;

  constructor(private readonly construct: Construct, private readonly lib: typeof atlas, private readonly props: MembraneAtlasProps,
    private readonly options: MembraneMongoBindOptions) {
    this.profile = props.profile ?? DEFAULT_PROFILE;
    this.database = props.databaseName ?? DEFAULT_DATABASE_NAME;
    this.region = Stack.of(construct).region;
  }

  /**
   * The project holds the retained cluster, and Atlas refuses to delete a project with a cluster in it
   * (CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_CLUSTERS): it is retained with the cluster. Its name is unique per deployment
   * (the construct path with the stack's name) and per creation of the stack (the stack UUID's last group), so a retained project
   * never collides with the next creation. Atlas renames a project in place: changing the name replaces nothing.
   */
  public createProject(): atlas.CfnProject {
    const construct = this.construct;
    const project = new this.lib.CfnProject(construct, 'Project', {
      orgId: this.props.orgId,
      name: this.props.projectName
        ?? `${Names.uniqueResourceName(construct, { maxLength: 51, separator: '-' })}-${creationUniqueShortSuffix(construct)}`,
      profile: this.profile,
    });
    project.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return project;
  }

  /** Atlas's endpoint service, an interface endpoint in the Membrane VPC behind its own security group, and their link. */
  public connectPrivateEndpoint(project: atlas.CfnProject): { securityGroup: ec2.SecurityGroup; atlasEndpoint: atlas.CfnPrivateEndpointAws } {
    const { construct, lib, profile, options } = this;
    const endpointService = new lib.CfnPrivateEndpointService(construct, 'EndpointService', {
      projectId: project.attrId,
      region: this.region,
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
    return { securityGroup, atlasEndpoint };
  }

  /** The database user, with a generated password in Secrets Manager; returns the password's dynamic reference. */
  public createDatabaseUser(project: atlas.CfnProject): string {
    const { construct, options } = this;
    const user = new secretsmanager.Secret(construct, 'UserPassword', {
      description: 'Membrane MongoDB Atlas database user',
      encryptionKey: options.encryptionKey,
      removalPolicy: retainedExceptOnCreate(options.secretRemovalPolicy ?? RemovalPolicy.RETAIN),
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: DATABASE_USER }),
        generateStringKey: 'password',
        passwordLength: 40,
        excludePunctuation: true,
      },
    });
    acknowledgeSecretFindings(user, 'The Atlas database user\'s password is set by the MongoDB::Atlas::DatabaseUser resource; rotating it '
      + 'needs Atlas API keys in a rotation function. Rotate with a deployment after changing the secret (docs/operations.md, "Rotating secrets").',
    options.encryptionKey !== undefined);
    const password = user.secretValueFromJson('password').unsafeUnwrap();
    new this.lib.CfnDatabaseUser(construct, 'DatabaseUser', {
      projectId: project.attrId,
      username: DATABASE_USER,
      password,
      databaseName: 'admin',
      roles: [{ roleName: 'readWrite', databaseName: this.database }],
      profile: this.profile,
    });
    return password;
  }

  /** The replica set: three nodes across three zones, cloud backup with point-in-time restore, termination protection. */
  public createCluster(project: atlas.CfnProject, atlasEndpoint: atlas.CfnPrivateEndpointAws): atlas.CfnCluster {
    const { lib, props } = this;
    const cluster = new lib.CfnCluster(this.construct, 'Cluster', {
      projectId: project.attrId,
      name: props.clusterName ?? DEFAULT_CLUSTER_NAME,
      clusterType: 'REPLICASET',
      mongoDbMajorVersion: props.mongoDbMajorVersion ?? DEFAULT_MONGODB_MAJOR_VERSION,
      backupEnabled: true,
      pitEnabled: true,
      terminationProtectionEnabled: true,
      replicationSpecs: [{
        numShards: 1,
        advancedRegionConfigs: [{
          regionName: atlasRegion(this.region),
          providerName: lib.AdvancedRegionConfigProviderName.AWS,
          priority: 7,
          electableSpecs: { instanceSize: props.instanceSize ?? DEFAULT_INSTANCE_SIZE, nodeCount: NODE_COUNT },
          autoScaling: { diskGb: { enabled: true } },
        }],
      }],
      profile: this.profile,
    });
    // The cluster is created once the endpoint is connected, so its private connection string exists.
    cluster.addDependency(atlasEndpoint);
    // Retained with termination protection on: CloudFormation could not delete it on the rollback of a failed first
    // create either (RetainExceptOnCreate would leave the stack in ROLLBACK_FAILED), so docs/mongodb.md says how to clean up.
    cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return cluster;
  }

  /** `MONGO_URI`, assembled by CloudFormation: the template holds a dynamic reference, never the password. */
  public createConnectionSecret(cluster: atlas.CfnCluster, password: string): secretsmanager.ISecret {
    const options = this.options;
    const host = privateEndpointHost(cluster.getAtt('ConnectionStrings.StandardSrv').toString());
    const mongoUri = new secretsmanager.Secret(this.construct, 'ConnectionUri', {
      description: 'Membrane MONGO_URI (MongoDB Atlas over PrivateLink)',
      encryptionKey: options.encryptionKey,
      removalPolicy: retainedExceptOnCreate(options.secretRemovalPolicy ?? RemovalPolicy.RETAIN),
      secretStringValue: SecretValue.unsafePlainText(
        `mongodb+srv://${DATABASE_USER}:${password}@${host}/${this.database}?retryWrites=true&w=majority&authSource=admin`),
    });
    acknowledgeSecretFindings(mongoUri, 'The connection string follows the database user\'s password secret; it changes with it.',
      options.encryptionKey !== undefined);
    return mongoUri;
  }
}
