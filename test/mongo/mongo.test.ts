import { CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Membrane, MembraneAtlasProps, MembraneMongo, MembraneProps } from '../../lib';
import { membraneInputs } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { testStack } from '../rule-packs';

const ORG = '0123456789abcdef01234567';

function build(atlas: Partial<MembraneAtlasProps> = {}, overrides: Partial<MembraneProps> = {}, stack: Stack = testStack()) {
  const { mongoUri: _given, ...inputs } = membraneInputs(stack);
  const membrane = new Membrane(stack, 'Membrane', { ...inputs, mongo: MembraneMongo.atlas({ orgId: ORG, ...atlas }), ...overrides });
  return { stack, membrane, template: templateOf(stack) };
}

const only = (template: Template, type: string) => {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  const [id, resource] = found[0];
  return Object.assign({}, resource, { id });
};

describeCdkTest('MembraneMongo.atlas: MongoDB Atlas in the same deployment', () => {
  const { stack, membrane, template } = build();

  test('an Atlas project in the organization, on the default profile, named per deployment and per creation of the stack', () => {
    const stackUuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
    const lastGroupOfStackUuid = { 'Fn::Select': [4, { 'Fn::Split': ['-', stackUuid] }] };
    expect(only(template, 'MongoDB::Atlas::Project').Properties).toEqual({
      OrgId: ORG, Name: { 'Fn::Join': ['', [expect.stringMatching(/^Test-Membrane-Mongo-[0-9A-F]{8}-$/), lastGroupOfStackUuid]] }, Profile: 'default',
    });
  });

  test('the project is retained with the cluster: Atlas refuses to delete a project that holds a cluster', () => {
    const project = only(template, 'MongoDB::Atlas::Project');
    const cluster = only(template, 'MongoDB::Atlas::Cluster');
    expect([project.DeletionPolicy, project.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect([cluster.DeletionPolicy, cluster.UpdateReplacePolicy]).toEqual([project.DeletionPolicy, project.UpdateReplacePolicy]);
    expect(cluster.Properties.ProjectId).toEqual({ 'Fn::GetAtt': [project.id, 'Id'] });
  });

  test('two Membranes in one stack get projects of different names', () => {
    const stack2 = testStack();
    const { mongoUri: _given, ...inputs } = membraneInputs(stack2);
    const atlas = MembraneMongo.atlas({ orgId: ORG });
    new Membrane(stack2, 'Blue', { ...inputs, mongo: atlas });
    const otherHosts = { apiHost: 'api2', uiHost: 'ui2', consoleHost: 'console2', staticHost: 'static2' };
    new Membrane(stack2, 'Green', { ...inputs, mongo: atlas, domain: { ...inputs.domain, ...otherHosts } });
    const names = Object.values(templateOf(stack2).findResources('MongoDB::Atlas::Project')).map(p => p.Properties.Name['Fn::Join'][1][0]);
    expect(names).toEqual([expect.stringMatching(/^Test-Blue-Mongo-/), expect.stringMatching(/^Test-Green-Mongo-/)]);
  });

  test('an M10 replica set of three nodes in the stack\'s region, cloud backup with point-in-time restore, retained', () => {
    const cluster = only(template, 'MongoDB::Atlas::Cluster');
    expect(cluster.DeletionPolicy).toBe('Retain');
    expect(cluster.Properties).toMatchObject({
      Name: 'membrane',
      ClusterType: 'REPLICASET',
      BackupEnabled: true,
      PitEnabled: true,
      TerminationProtectionEnabled: true,
      MongoDBMajorVersion: '8.0',
      ReplicationSpecs: [{
        NumShards: 1,
        AdvancedRegionConfigs: [{
          RegionName: 'EU_CENTRAL_1', ProviderName: 'AWS', Priority: 7, ElectableSpecs: { InstanceSize: 'M10', NodeCount: 3 },
        }],
      }],
    });
    // Created once the PrivateLink endpoint is connected, so its private connection string exists.
    expect(cluster.DependsOn).toEqual(expect.arrayContaining([only(template, 'MongoDB::Atlas::PrivateEndpointAWS').id]));
  });

  test('a PrivateLink endpoint in the Membrane VPC, and no IP access list', () => {
    const service = only(template, 'MongoDB::Atlas::PrivateEndpointService');
    expect(service.Properties).toMatchObject({ Region: 'eu-central-1', CloudProvider: 'AWS' });
    const endpoint = only(template, 'AWS::EC2::VPCEndpoint');
    expect(endpoint.Properties).toMatchObject({
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: false,
      ServiceName: { 'Fn::GetAtt': [service.id, 'EndpointServiceName'] },
    });
    expect(only(template, 'MongoDB::Atlas::PrivateEndpointAWS').Properties).toMatchObject({
      EndpointServiceId: { 'Fn::GetAtt': [service.id, 'Id'] },
      Id: { Ref: endpoint.id },
    });
    template.resourceCountIs('MongoDB::Atlas::ProjectIpAccessList', 0);
  });

  test('the endpoint admits only the four services that read MONGO_URI, on the PrivateLink ports', () => {
    const endpoint = only(template, 'AWS::EC2::VPCEndpoint');
    const groupId = endpoint.Properties.SecurityGroupIds[0]['Fn::GetAtt'][0];
    const ofGroup = { Properties: { GroupId: { 'Fn::GetAtt': [groupId, 'GroupId'] } } };
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', ofGroup));
    const sourceOf = (svc: { service: ec2.IConnectable }) => stack.resolve(svc.service.connections.securityGroups[0].securityGroupId);
    const s = membrane.services;
    expect(ingress.map(i => i.Properties.SourceSecurityGroupId)).toEqual(
      [s.api, s.instantTasksWorker, s.queuedTasksWorker, s.orchestrator].map(sourceOf));
    for (const i of ingress) expect(i.Properties).toMatchObject({ IpProtocol: 'tcp', FromPort: 1024, ToPort: 65535 });
    // No egress from the endpoint's group.
    expect(template.toJSON().Resources[groupId].Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
  });

  test('the database user has a generated password and may read and write the Membrane database only', () => {
    const user = only(template, 'MongoDB::Atlas::DatabaseUser').Properties;
    expect(user).toMatchObject({ Username: 'membrane', DatabaseName: 'admin', Roles: [{ RoleName: 'readWrite', DatabaseName: 'membrane' }] });
    expect(JSON.stringify(user.Password)).toMatch(/\{\{resolve:secretsmanager:.*:SecretString:password::\}\}/);
  });

  test('MONGO_URI is assembled by CloudFormation from the private-endpoint host and a dynamic reference: no password in the template', () => {
    const uri = JSON.stringify(template.toJSON().Resources[stack.getLogicalId(membrane.mongoUri.node.defaultChild as CfnResource)]
      .Properties.SecretString);
    expect(uri).toContain('mongodb+srv://membrane:{{resolve:secretsmanager:');
    expect(uri).toContain('SecretString:password::}}@');
    expect(uri).toContain('ConnectionStrings.StandardSrv');
    expect(uri).toContain('-pl-0.');
    expect(uri).toContain('/membrane?retryWrites=true&w=majority&authSource=admin');
    // The services read that secret.
    const taskDefinitionId = stack.getLogicalId(membrane.services.api.taskDefinition.node.defaultChild as CfnResource);
    const api = templateOf(stack).toJSON().Resources[taskDefinitionId];
    const secret = api.Properties.ContainerDefinitions[0].Secrets.find((x: { Name: string }) => x.Name === 'MONGO_URI');
    expect(secret.ValueFrom).toEqual({ Ref: stack.getLogicalId(membrane.mongoUri.node.defaultChild as CfnResource) });
  });

  test('sizes, names and profile are configurable', () => {
    const names = { clusterName: 'prod', projectName: 'membrane-prod', profile: 'membrane', databaseName: 'integrations' };
    const t = build({ instanceSize: 'M30', ...names }).template;
    expect(only(t, 'MongoDB::Atlas::Project').Properties).toEqual({ OrgId: ORG, Name: 'membrane-prod', Profile: 'membrane' });
    t.hasResourceProperties('MongoDB::Atlas::Cluster', {
      Name: 'prod',
      Profile: 'membrane',
      ReplicationSpecs: [{ AdvancedRegionConfigs: [Match.objectLike({ ElectableSpecs: { InstanceSize: 'M30', NodeCount: 3 } })] }],
    });
    t.hasResourceProperties('MongoDB::Atlas::DatabaseUser', { Roles: [{ RoleName: 'readWrite', DatabaseName: 'integrations' }] });
  });

  test('the Atlas resources as synthesized', () => {
    const resources = Object.entries(template.toJSON().Resources as Record<string, { Type: string }>);
    const atlasOnly = Object.fromEntries(resources.filter(([, r]) => r.Type.startsWith('MongoDB::')));
    expect(atlasOnly).toMatchSnapshot();
  });
});

describeCdkTest('MembraneMongo rejects bad input', () => {
  test.each<[string, Partial<MembraneAtlasProps>, RegExp]>([
    ['an organization ID that is not one', { orgId: 'my-org' }, /invalid 'mongo.orgId': 'my-org' is not an Atlas organization ID/],
    ['a missing organization ID', { orgId: undefined as unknown as string }, /invalid 'mongo.orgId': it is missing/],
    ['a shared-tier size', { instanceSize: 'M5' }, /invalid 'mongo.instanceSize': 'M5' is not an Atlas size of M10 or larger/],
    ['a size that is not one', { instanceSize: 'large' }, /invalid 'mongo.instanceSize'/],
    ['a tier Atlas does not have', { instanceSize: 'M15' }, /invalid 'mongo.instanceSize': 'M15' is not an Atlas cluster tier on AWS/],
    ['a tier in lower case', { instanceSize: 'm30' }, /invalid 'mongo.instanceSize': 'm30' is not an Atlas cluster tier on AWS/],
    ['a cluster name with an underscore', { clusterName: 'membrane_prod' }, /invalid 'mongo.clusterName': 'membrane_prod' is not an Atlas cluster name/],
    ['a cluster name ending in a hyphen', { clusterName: 'membrane-' }, /invalid 'mongo.clusterName': 'membrane-' is not an Atlas cluster name/],
    ['a cluster name whose 23rd character is a hyphen', { clusterName: 'membrane-production-eu-central' },
      /invalid 'mongo.clusterName': 'membrane-production-eu-central': Atlas cuts host names to the first 23 characters/],
    ['a cluster name Atlas reserves', { clusterName: 'atlas-abc123' }, /invalid 'mongo.clusterName': 'atlas-abc123' looks like an Atlas host name/],
    ['a database name with a dot', { databaseName: 'membrane.prod' },
      /invalid 'mongo.databaseName': 'membrane.prod' is not a database name MongoDB and a connection string take/],
    ['a database name with a space', { databaseName: 'membrane prod' }, /invalid 'mongo.databaseName'/],
    ['MongoDB\'s own admin database', { databaseName: 'admin' }, /invalid 'mongo.databaseName': 'admin' is one of MongoDB's own databases/],
    ['MongoDB 4.2 (Membrane needs 4.4 or later)', { mongoDbMajorVersion: '4.2' },
      /invalid 'mongo.mongoDbMajorVersion': MongoDB 4.2 is older than 4.4, the oldest Membrane supports/],
    ['MongoDB 3.6', { mongoDbMajorVersion: '3.6' }, /invalid 'mongo.mongoDbMajorVersion': MongoDB 3.6 is older than 4.4/],
    ['a version that is no major version', { mongoDbMajorVersion: '8' }, /invalid 'mongo.mongoDbMajorVersion': '8' is not a MongoDB major version/],
    ['a profile name with a space', { profile: 'membrane prod' }, /invalid 'mongo.profile': 'membrane prod' cannot name the secret cfn\/atlas\/profile\/<profile>/],
    ['a project name Atlas refuses', { projectName: 'membrane/prod' }, /invalid 'mongo.projectName': 'membrane\/prod' is not an Atlas project name/],
    ['a project name over 64 characters', { projectName: 'm'.repeat(65) }, /invalid 'mongo.projectName'/],
  ])('%s', (_name, atlas, message) => {
    expect(() => build(atlas)).toThrow(message);
  });

  test.each<[string, Partial<MembraneAtlasProps>]>([
    ['MongoDB 4.4', { mongoDbMajorVersion: '4.4' }],
    ['a low-CPU tier', { instanceSize: 'R40' }],
    ['an NVMe tier', { instanceSize: 'M40_NVME' }],
    ['a 23-character cluster name', { clusterName: 'membrane-production-eu1' }],
  ])('accepts %s', (_name, atlas) => {
    expect(() => build(atlas)).not.toThrow();
  });

  test('names, size, version and profile known only at deploy time are taken as they are', () => {
    const stack = testStack();
    const param = (id: string) => new CfnParameter(stack, id, { type: 'String' }).valueAsString;
    const t = build({
      instanceSize: param('Size'),
      clusterName: param('Cluster'),
      databaseName: param('Database'),
      mongoDbMajorVersion: param('Version'),
      profile: param('Profile'),
      projectName: param('ProjectName'),
    }, {}, stack).template;
    t.hasResourceProperties('MongoDB::Atlas::Project', { Name: { Ref: 'ProjectName' }, Profile: { Ref: 'Profile' } });
    t.hasResourceProperties('MongoDB::Atlas::Cluster', {
      Name: { Ref: 'Cluster' },
      MongoDBMajorVersion: { Ref: 'Version' },
      ReplicationSpecs: [{ AdvancedRegionConfigs: [Match.objectLike({ ElectableSpecs: { InstanceSize: { Ref: 'Size' }, NodeCount: 3 } })] }],
    });
    t.hasResourceProperties('MongoDB::Atlas::DatabaseUser', { Roles: [{ RoleName: 'readWrite', DatabaseName: { Ref: 'Database' } }] });
  });

  test('both mongoUri and mongo', () => {
    const stack = testStack();
    expect(() => new Membrane(stack, 'Membrane', { ...membraneInputs(stack), mongo: MembraneMongo.atlas({ orgId: ORG }) }))
      .toThrow(/invalid 'mongo': both mongoUri and mongo are given/);
  });

  test('neither', () => {
    const stack = testStack();
    const { mongoUri: _given, ...inputs } = membraneInputs(stack);
    expect(() => new Membrane(stack, 'Membrane', inputs)).toThrow(/invalid 'mongoUri': no MongoDB is given/);
  });

  test('a stack without a region', () => {
    expect(() => build({}, {}, new Stack(undefined, 'NoRegion'))).toThrow(/invalid 'mongo': the stack has no region/);
  });

  test('MembraneMongo.fromSecret is what mongoUri does: nothing is created', () => {
    const stack = testStack();
    const { mongoUri, ...inputs } = membraneInputs(stack);
    const membrane = new Membrane(stack, 'Membrane', { ...inputs, mongo: MembraneMongo.fromSecret(mongoUri!) });
    expect(membrane.mongoUri).toBe(mongoUri);
    expect(membrane.node.tryFindChild('Mongo')).toBeUndefined();
  });
});

describe('without the Atlas library', () => {
  test('MembraneMongo.atlas says how to install it (the consumer check installs the library without it)', () => {
    jest.isolateModules(() => {
      jest.doMock('awscdk-resources-mongodbatlas', () => {
        throw new Error('Cannot find module \'awscdk-resources-mongodbatlas\'');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lib = require('../../lib') as typeof import('../../lib');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
      const stack = new cdk.Stack(new cdk.App(), 'Test', { env: { region: 'eu-central-1' } });
      const atlas = lib.MembraneMongo.atlas({ orgId: ORG });
      expect(() => atlas.bind(stack, { vpc: undefined as unknown as ec2.IVpc }))
        .toThrow(/npm install awscdk-resources-mongodbatlas@\^4/);
    });
  });
});
