import { duplicateNames, retainedFixedNames, retainedInDeletedParent } from './names';
import { exclusiveAssociations, replacedNames, replacements, staleSecretReads } from './replacement';
import { incompleteKmsReplication } from './replication';
import { CfnResource, CfnTemplate, DeployedStack } from './template';
import { describeCdkTest } from '../harness';

/**
 * Each deployability check on small hand-made templates: one with the fault, which the check must report, and
 * clean ones it must leave alone. The checks over the real apps are in apps.test.ts.
 */

type Resources = Record<string, CfnResource>;
const stack = (name: string, Resources: Resources, env: Partial<Pick<DeployedStack, 'account' | 'region'>> = {}): DeployedStack =>
  ({ name, account: env.account ?? '111111111111', region: env.region ?? 'eu-central-1', template: { Resources } });
const logGroup = (name: unknown, DeletionPolicy?: string): CfnResource =>
  ({ Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: name }, DeletionPolicy });
const record = (Name: string, Type = 'A', zone: Record<string, string> = { HostedZoneId: 'Z1' }): CfnResource =>
  ({ Type: 'AWS::Route53::RecordSet', Properties: { ...zone, Name, Type, AliasTarget: { DNSName: 'x', HostedZoneId: 'Z2' } } });
const distribution = (...Aliases: string[]): CfnResource =>
  ({ Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { Aliases, Enabled: true } } });

describeCdkTest('check a: no name or host claimed twice in one app', () => {
  test('a log group name claimed by two stacks in one account and region', () => {
    const findings = duplicateNames([stack('One', { Logs: logGroup('/membrane/cache') }), stack('Two', { CacheLogs: logGroup('/membrane/cache') })]);
    expect(findings).toEqual([expect.stringContaining("AWS::Logs::LogGroup.LogGroupName '/membrane/cache'")]);
    expect(findings[0]).toMatch(/One\/Logs \(LogGroupName\) and Two\/CacheLogs/);
  });

  test('an Fn::Join of constant parts is the name it spells; names with different stack names differ', () => {
    expect(duplicateNames([
      stack('One', { Logs: logGroup('membrane-eu-central-1-logs') }),
      stack('Two', { Logs: logGroup({ 'Fn::Join': ['-', ['membrane', { Ref: 'AWS::Region' }, 'logs']] }) }),
    ])).toHaveLength(1);
    expect(duplicateNames([
      stack('One', { Logs: logGroup({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-logs']] }) }),
      stack('Two', { Logs: logGroup({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-logs']] }) }),
    ])).toEqual([]);
    expect(duplicateNames([
      stack('One', { Logs: logGroup({ 'Fn::Sub': 'membrane-${AWS::StackId}' }) }),
      stack('Two', { Logs: logGroup({ 'Fn::Sub': 'membrane-${AWS::StackId}' }) }),
    ])).toEqual([]);
  });

  test('regional names in two regions do not collide; bucket names are global to the partition', () => {
    const bucket = { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'membrane-static' } };
    expect(duplicateNames([stack('One', { Logs: logGroup('x') }), stack('Two', { Logs: logGroup('x') }, { region: 'us-east-1' })])).toEqual([]);
    expect(duplicateNames([stack('One', { Bucket: bucket }), stack('Two', { Bucket: bucket }, { region: 'us-east-1', account: '222222222222' })]))
      .toEqual([expect.stringContaining("AWS::S3::Bucket.BucketName 'membrane-static' (partition aws)")]);
  });

  test('a record with the same name and type in one hosted zone, whatever the case and trailing dot', () => {
    const first = stack('One', { R: record('static.example.com.') });
    expect(duplicateNames([first, stack('Two', { R: record('Static.example.com') })]))
      .toEqual([expect.stringContaining("'static.example.com A' (hosted zone Z1)")]);
    expect(duplicateNames([first, stack('Two', { R: record('static.example.com.', 'AAAA') })])).toEqual([]);
    expect(duplicateNames([first, stack('Two', { R: record('static.example.com.', 'A', { HostedZoneId: 'Z9' }) })])).toEqual([]);
  });

  test('a CloudFront alias claimed twice, even in other accounts', () => {
    const other = stack('Two', { D: distribution('static.example.com') }, { account: '222222222222' });
    expect(duplicateNames([stack('One', { D: distribution('static.example.com') }), other]))
      .toEqual([expect.stringContaining("CloudFront alternate domain name 'static.example.com' (every account) is claimed by One/D")]);
  });

  test('a clean app: distinct names, generated names, resources without names', () => {
    const app = ['one', 'two'].map(name => stack(name, {
      Logs: logGroup(`/${name}`),
      Generated: logGroup({ 'Fn::Join': ['', ['/membrane/', { Ref: 'AWS::StackName' }]] }),
      R: record(`${name}.example.com`),
      D: distribution(`static-${name}.example.com`),
      Unnamed: { Type: 'AWS::Logs::LogGroup' },
    }));
    expect(duplicateNames(app)).toEqual([]);
  });
});

const PROJECT_ID = { 'Fn::GetAtt': ['Project', 'Id'] };

describeCdkTest('check b: no retained resource with a fixed name', () => {
  test('a retained log group with a literal name, or one built from constants only', () => {
    const findings = retainedFixedNames(stack('S', {
      Literal: logGroup('aws-waf-logs-membrane', 'Retain'),
      Built: logGroup({ 'Fn::Join': ['/', ['/aws/vendedlogs', { Ref: 'AWS::StackName' }, { Ref: 'AWS::Region' }]] }, 'RetainExceptOnCreate'),
    }));
    expect(findings).toEqual([
      expect.stringMatching(/^S\/Literal \(AWS::Logs::LogGroup\) has DeletionPolicy Retain and the fixed LogGroupName 'aws-waf-logs-membrane'.*a retry after a failed creation/),
      expect.stringMatching(/^S\/Built .* RetainExceptOnCreate and the fixed LogGroupName '\/aws\/vendedlogs\/S\/eu-central-1'.*: a re-creation after deletion/),
    ]);
  });

  test('a retained backup vault, and a third-party type the specification does not know (an Atlas project)', () => {
    const findings = retainedFixedNames(stack('S', {
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'SVault1234' }, DeletionPolicy: 'Retain' },
      Project: { Type: 'MongoDB::Atlas::Project', Properties: { Name: 'S-membrane', OrgId: 'org' }, DeletionPolicy: 'Retain' },
    }));
    expect(findings).toEqual([expect.stringMatching(/^S\/Vault .*BackupVaultName 'SVault1234'/), expect.stringMatching(/^S\/Project .*Name 'S-membrane'/)]);
  });

  test('clean: a generated part in the name or its parent, not retained, no name, or deleted after a snapshot', () => {
    expect(retainedFixedNames(stack('S', {
      StackId: logGroup({ 'Fn::Join': ['-', ['logs', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] }, 'Retain'),
      Attribute: logGroup({ 'Fn::Join': ['-', ['logs', { Ref: 'Bucket' }]] }, 'Retain'),
      Bucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' },
      Deleted: logGroup('/fixed', 'Delete'),
      Unnamed: { Type: 'AWS::Logs::LogGroup', DeletionPolicy: 'Retain' },
      Cache: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { ReplicationGroupId: 'membrane' }, DeletionPolicy: 'Snapshot' },
      Project: { Type: 'MongoDB::Atlas::Project', Properties: { Name: 'p', OrgId: 'org' }, DeletionPolicy: 'Delete' },
      Cluster: { Type: 'MongoDB::Atlas::Cluster', Properties: { Name: 'membrane', ProjectId: PROJECT_ID }, DeletionPolicy: 'Retain' },
    }))).toEqual([]);
  });

  test('a retained resource in a parent that is deleted (an Atlas cluster in its project)', () => {
    const cluster: CfnResource = { Type: 'MongoDB::Atlas::Cluster', Properties: { Name: 'm', ProjectId: PROJECT_ID }, DeletionPolicy: 'Retain' };
    const project = (DeletionPolicy?: string): CfnResource =>
      ({ Type: 'MongoDB::Atlas::Project', Properties: { Name: 'p', OrgId: 'o' }, DeletionPolicy });
    expect(retainedInDeletedParent(stack('S', { Cluster: cluster, Project: project() })))
      .toEqual([expect.stringMatching(/^S\/Cluster \(MongoDB::Atlas::Cluster\) has DeletionPolicy Retain but its parent S\/Project .* no DeletionPolicy/)]);
    expect(retainedInDeletedParent(stack('S', { Cluster: cluster, Project: project('Retain') }))).toEqual([]);
  });
});

const ELB = 'AWS::ElasticLoadBalancingV2';
const lb = (Scheme: string): CfnResource => ({ Type: `${ELB}::LoadBalancer`, Properties: { Scheme, Subnets: ['s-1', 's-2'] } });
const group = (Protocol = 'HTTP', Name?: string): CfnResource =>
  ({ Type: `${ELB}::TargetGroup`, Properties: { Port: 80, Protocol, VpcId: 'vpc-1', Name } });
const listener = (lbId: string, groupId: string): CfnResource => ({
  Type: `${ELB}::Listener`,
  Properties: { LoadBalancerArn: { Ref: lbId }, Port: 443, DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: groupId } }] },
});
const rule = (listenerId: string, groupId: string): CfnResource => ({
  Type: `${ELB}::ListenerRule`,
  Properties: { ListenerArn: { Ref: listenerId }, Priority: 1, Actions: [{ Type: 'forward', TargetGroupArn: { Ref: groupId } }], Conditions: [] },
});
const template = (Resources: Resources): CfnTemplate => ({ Resources });

describeCdkTest('check c: a change replaces the dependants with their parents', () => {
  const before = template({ Lb: lb('internet-facing'), Api: group(), Ui: group(), Https: listener('Lb', 'Api'), UiRule: rule('Https', 'Ui') });

  test('replacements: a changed create-only property, and what refers to a replaced resource in a create-only property', () => {
    const after = template({ ...before.Resources, Lb: lb('internal') });
    expect(Object.fromEntries(replacements(before, after))).toEqual({
      Lb: 'create-only Scheme changed',
      Https: 'create-only LoadBalancerArn refers to Lb, which is replaced',
      UiRule: 'create-only ListenerArn refers to Https, which is replaced',
    });
  });

  test('(i) a load balancer replaced while its target groups stay: each stays attached to the old one', () => {
    const after = template({ ...before.Resources, Lb: lb('internal') });
    const findings = exclusiveAssociations('S', after, before);
    expect(findings).toEqual([
      expect.stringMatching(/^S\/Lb \(AWS::ElasticLoadBalancingV2::LoadBalancer\) is replaced \(create-only Scheme changed\) but S\/Api .* is not, .*Lb when Https links it/),
      expect.stringMatching(/but S\/Ui .* when UiRule links it to the new one: .*only one load balancer/),
    ]);
  });

  test('(i) clean: new target groups with the new load balancer, and an update that replaces nothing', () => {
    const after = template({ Lb: lb('internal'), Api2: group(), Ui2: group(), Https: listener('Lb', 'Api2'), UiRule: rule('Https', 'Ui2') });
    expect(exclusiveAssociations('S', after, before)).toEqual([]);
    expect(exclusiveAssociations('S', before, before)).toEqual([]);
  });

  test('(i) a target group that listeners of two load balancers forward to, in one template', () => {
    const both = template({ ...before.Resources, Edge: lb('internet-facing'), EdgeHttps: listener('Edge', 'Api') });
    expect(exclusiveAssociations('S', both)).toEqual([expect.stringMatching(/^S\/Api \(.*TargetGroup\) is linked to Lb and Edge/)]);
  });

  test('a replaced resource that keeps its custom name, or a new one that takes the name of one being deleted', () => {
    const named = stack('S', { Api: group('HTTP', 'membrane-api') });
    expect(replacedNames(named, stack('S', { Api: group('HTTPS', 'membrane-api') })))
      .toEqual([expect.stringMatching(/^S\/Api .* is replaced \(create-only Protocol changed\) and keeps Name 'membrane-api', which S\/Api holds/)]);
    expect(replacedNames(named, stack('S', { Api2: group('HTTP', 'membrane-api') })))
      .toEqual([expect.stringMatching(/^S\/Api2 .* is created \(new logical id\) with Name 'membrane-api', which S\/Api holds/)]);
    expect(replacedNames(named, stack('S', { Api: group('HTTPS', 'membrane-api-2') }))).toEqual([]);
    expect(replacedNames(named, stack('S', { Api: group('HTTP', 'membrane-api') }))).toEqual([]);
  });

  const cache: CfnResource = { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { ReplicationGroupDescription: 'c', Engine: 'valkey' } };
  const uri: CfnResource = {
    Type: 'AWS::SecretsManager::Secret',
    Properties: { SecretString: { 'Fn::Join': ['', ['rediss://', { 'Fn::GetAtt': ['Cache', 'PrimaryEndPoint.Address'] }, ':6379']] } },
  };
  const task = (environment: Array<{ Name: string; Value: unknown }> = []): CfnResource => ({
    Type: 'AWS::ECS::TaskDefinition',
    Properties: { ContainerDefinitions: [{ Name: 'api', Environment: environment, Secrets: [{ Name: 'REDIS_URI', ValueFrom: { Ref: 'Uri' } }] }] },
  });

  test('(ii) task definitions that read a secret built from the cache endpoint, without referring to the endpoint', () => {
    expect(staleSecretReads('S', template({ Cache: cache, Uri: uri, Task: task(), Worker: task() }))).toEqual([
      expect.stringMatching(/^S\/Task, S\/Worker \(AWS::ECS::TaskDefinition\) read Uri, whose value is built from GetAtt Cache.PrimaryEndPoint.Address, but do not/),
    ]);
  });

  test('(ii) through another secret, and clean when the task definition refers to what the secret is built from', () => {
    const token: CfnResource = { Type: 'AWS::SecretsManager::Secret', Properties: { GenerateSecretString: { PasswordLength: 64 } } };
    const withToken: CfnResource = {
      ...uri, Properties: { SecretString: { 'Fn::Sub': 'rediss://:{{resolve:secretsmanager:${Token}}}@${Cache.PrimaryEndPoint.Address}' } },
    };
    expect(staleSecretReads('S', template({ Cache: cache, Token: token, Uri: withToken, Task: task() })))
      .toEqual([expect.stringMatching(/built from Ref Token,/), expect.stringMatching(/built from GetAtt Cache.PrimaryEndPoint.Address,/)]);
    const endpoint = { Name: 'REDIS_ENDPOINT', Value: { 'Fn::GetAtt': ['Cache', 'PrimaryEndPoint.Address'] } };
    expect(staleSecretReads('S', template({ Cache: cache, Uri: uri, Task: task([endpoint]) }))).toEqual([]);
    const tokenArn = { Name: 'TOKEN_ARN', Value: { Ref: 'Token' } };
    expect(staleSecretReads('S', template({ Cache: cache, Token: token, Uri: withToken, Task: task([endpoint, tokenArn]) }))).toEqual([]);
  });
});

describeCdkTest('check d: SSE-KMS replication configured whole', () => {
  const key: CfnResource = { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: {} } };
  const REPLICA_KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1';
  const KMS = { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['Key', 'Arn'] } };
  const bucket = (replication: Record<string, unknown>, sse: Record<string, unknown> = KMS): CfnResource => ({
    Type: 'AWS::S3::Bucket',
    Properties: {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: sse, BucketKeyEnabled: true }] },
      ReplicationConfiguration: {
        Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
        Rules: [{ Id: 'dr', Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::dr' }, ...replication }],
      },
    },
  });
  const role: CfnResource = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {} } };
  const policy = (...Statement: unknown[]): CfnResource =>
    ({ Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: [{ Ref: 'Role' }], PolicyDocument: { Statement } } });
  const s3Only = { Effect: 'Allow', Action: ['s3:ReplicateObject'], Resource: 'arn:aws:s3:::dr/*' };
  const complete = {
    SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
    Destination: { Bucket: 'arn:aws:s3:::dr', EncryptionConfiguration: { ReplicaKmsKeyID: REPLICA_KEY } },
  };

  test('a rule without the SSE-KMS opt-in and replica key, and a role without kms:Decrypt', () => {
    expect(incompleteKmsReplication('S', template({ Key: key, Role: role, Policy: policy(s3Only), Bucket: bucket({}) }))).toEqual([
      expect.stringMatching(/^S\/Bucket \(AWS::S3::Bucket, SSE-KMS\): the replication role Role may not kms:Decrypt/),
      expect.stringMatching(/rule dr lacks SourceSelectionCriteria.SseKmsEncryptedObjects.Status Enabled/),
      expect.stringMatching(/rule dr lacks Destination.EncryptionConfiguration.ReplicaKmsKeyID/),
    ]);
  });

  test('a replica key the role may not encrypt with', () => {
    const decrypt = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': ['Key', 'Arn'] } };
    expect(incompleteKmsReplication('S', template({ Key: key, Role: role, Policy: policy(s3Only, decrypt), Bucket: bucket(complete) })))
      .toEqual([expect.stringMatching(/may not kms:Encrypt with the replica key "arn:aws:kms:eu-west-1:111111111111:key\/1" of rule dr/)]);
  });

  test('clean: complete rules and permissions (inline or attached, wildcards), and replication of an SSE-S3 bucket', () => {
    const kms = { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt*'], Resource: [{ 'Fn::GetAtt': ['Key', 'Arn'] }, REPLICA_KEY] };
    expect(incompleteKmsReplication('S', template({ Key: key, Role: role, Policy: policy(s3Only, kms), Bucket: bucket(complete) }))).toEqual([]);
    const anyKey = { Effect: 'Allow', Action: 'kms:*', Resource: '*' };
    const inline: CfnResource = { ...role, Properties: { Policies: [{ PolicyName: 'kms', PolicyDocument: { Statement: [anyKey] } }] } };
    expect(incompleteKmsReplication('S', template({ Key: key, Role: inline, Bucket: bucket(complete) }))).toEqual([]);
    const sseS3 = bucket({}, { SSEAlgorithm: 'AES256' });
    expect(incompleteKmsReplication('S', template({ Role: role, Policy: policy(s3Only), Bucket: sseS3 }))).toEqual([]);
  });

  test('a bucket key named by an alias ARN: the grant must name the key the template\'s alias points to', () => {
    const aliasArn = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-central-1:', { Ref: 'AWS::AccountId' }, ':alias/static-',
        { Ref: 'Suffix' }]],
    };
    const alias: CfnResource = {
      Type: 'AWS::KMS::Alias',
      Properties: { AliasName: { 'Fn::Join': ['', ['alias/static-', { Ref: 'Suffix' }]] }, TargetKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } },
    };
    const viaAlias = bucket(complete, { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: aliasArn });
    const kms = { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: [{ 'Fn::GetAtt': ['Key', 'Arn'] }, REPLICA_KEY] };
    expect(incompleteKmsReplication('S', template({ Key: key, Alias: alias, Role: role, Policy: policy(s3Only, kms), Bucket: viaAlias })))
      .toEqual([]);
    const other = { ...kms, Resource: [{ 'Fn::GetAtt': ['OtherKey', 'Arn'] }, REPLICA_KEY] };
    expect(incompleteKmsReplication('S', template({
      Key: key,
      OtherKey: key,
      Alias: alias,
      Role: role,
      Policy: policy(s3Only, other),
      Bucket: viaAlias,
    }))).toEqual([expect.stringMatching(/may not kms:Decrypt with the bucket key/)]);
  });
});
