import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { MembraneCache, MembraneCacheEngine, MembraneCacheProps, MembraneCacheRole } from '../lib';
import { describeCdkTest, expectFindings } from './harness';
import { acknowledgements, expectNoNagFindings, ownAcknowledgements, testStack } from './nag';

function vpcIn(stack: Stack): ec2.Vpc {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return vpc;
}

function build(props: Partial<MembraneCacheProps> = {}) {
  const stack = testStack();
  const vpc = vpcIn(stack);
  const cache = new MembraneCache(stack, 'Cache', { vpc, ...props });
  return { stack, vpc, cache, template: Template.fromStack(stack) };
}

describeCdkTest('MembraneCache defaults', () => {
  const { template, stack, cache, vpc } = build();

  test('a Valkey 8.0 replication group with TLS required, encryption at rest, AUTH, Multi-AZ and failover', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '8.0',
      CacheParameterGroupName: 'default.valkey8',
      CacheNodeType: 'cache.t4g.small',
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
      NumCacheClusters: 2,
      Port: 6380,
      SnapshotRetentionLimit: 15,
      AutoMinorVersionUpgrade: true,
      NumNodeGroups: Match.absent(),
      ClusterMode: Match.absent(),
    });
  });

  test('a final snapshot is taken when the replication group is deleted or replaced', () => {
    const group = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'))[0];
    expect([group.DeletionPolicy, group.UpdateReplacePolicy]).toEqual(['Snapshot', 'Snapshot']);
  });

  test('never ElastiCache Serverless', () => {
    template.resourceCountIs('AWS::ElastiCache::ServerlessCache', 0);
  });

  test('the AUTH token comes from a generated secret through a dynamic reference', () => {
    const group = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'))[0];
    const authToken = JSON.stringify(group.Properties.AuthToken);
    expect(authToken).toMatch(/\{\{resolve:secretsmanager:/);
    expect(authToken).toMatch(/:SecretString:authToken::\}\}/);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: '{}', GenerateStringKey: 'authToken', PasswordLength: 64, ExcludePunctuation: true },
    });
  });

  test('the connection URI secret is built by CloudFormation: rediss://, token by reference, primary endpoint, port', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret', { Properties: { SecretString: Match.anyValue() } });
    expect(Object.keys(secrets)).toHaveLength(1);
    const value = Object.values(secrets)[0].Properties.SecretString;
    const groupId = stack.getLogicalId(cache.replicationGroup);
    expect(value['Fn::Join'][1][0]).toBe('rediss://:{{resolve:secretsmanager:');
    expect(value['Fn::Join'][1]).toEqual(expect.arrayContaining([
      ':SecretString:authToken::}}@',
      { 'Fn::GetAtt': [groupId, 'PrimaryEndPoint.Address'] },
      ':6380',
    ]));
  });

  test('no generated secret value appears anywhere in the template', () => {
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toMatch(/rediss:\/\/:[A-Za-z0-9]{16,}@/);
  });

  test('secrets and log groups are retained', () => {
    for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) {
      expect(secret.DeletionPolicy).toBe('Retain');
    }
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.DeletionPolicy).toBe('Retain');
    }
  });

  test('its own subnet group in the isolated subnets', () => {
    const isolated = vpc.isolatedSubnets.map(s => stack.resolve(s.subnetId));
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: isolated });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheSubnetGroupName: { Ref: Match.stringLikeRegexp('CacheSubnetGroup') },
    });
  });

  test('its own security group with no ingress and no egress until connections allows it', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Membrane cache: admits only what connections allows',
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('slow and engine logs are delivered to CloudWatch log groups with one-month retention', () => {
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 2);
    // Vended-log groups need no entry in the account's 5,120-character CloudWatch Logs resource policy.
    for (const type of ['slow-log', 'engine-log']) {
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: Match.stringLikeRegexp(`^/aws/vendedlogs/membrane/Test-Cache-[0-9A-F]{8}/${type}$`),
      });
    }
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      LogDeliveryConfigurations: [
        {
          LogType: 'slow-log',
          LogFormat: 'json',
          DestinationType: 'cloudwatch-logs',
          DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: Match.stringLikeRegexp('CacheSlowLog') } } },
        },
        {
          LogType: 'engine-log',
          LogFormat: 'json',
          DestinationType: 'cloudwatch-logs',
          DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: Match.stringLikeRegexp('CacheEngineLog') } } },
        },
      ],
    });
  });

  test('environment contract: REDIS_URI as an ECS secret, TLS verification flag and connect timeout as plain values', () => {
    const contract = cache.environmentContract;
    expect(contract.environment).toEqual({ REDIS_DISABLE_TLS_VERIFICATION: 'true', REDIS_CONNECT_TIMEOUT_MS: '60000' });
    expect(Object.keys(contract.secrets)).toEqual(['REDIS_URI']);
    expect(stack.resolve(contract.secrets.REDIS_URI.arn)).toEqual({ Ref: stack.getLogicalId(cache.connectionSecret.node.defaultChild as any) });
  });

  test('passes AwsSolutions and NIST 800-53 R5; acknowledgements sit on the secrets and log groups only', () => {
    expectNoNagFindings(cache);
    expect(ownAcknowledgements(cache).map(a => a.split(': ')[0])).toEqual([
      'AwsSolutions-SMG4 at Test/Cache/AuthToken',
      'AwsSolutions-SMG4 at Test/Cache/ConnectionUri',
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted at Test/Cache/EngineLog',
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted at Test/Cache/SlowLog',
      'NIST.800.53.R5-SecretsManagerRotationEnabled at Test/Cache/AuthToken',
      'NIST.800.53.R5-SecretsManagerRotationEnabled at Test/Cache/ConnectionUri',
      'NIST.800.53.R5-SecretsManagerUsingKMSKey at Test/Cache/AuthToken',
      'NIST.800.53.R5-SecretsManagerUsingKMSKey at Test/Cache/ConnectionUri',
    ]);
  });

  test('no warnings by default', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describeCdkTest('MembraneCache connections', () => {
  test('allowDefaultPortFrom opens the cache port to the given peer only', () => {
    const stack = testStack();
    const vpc = vpcIn(stack);
    const cache = new MembraneCache(stack, 'Cache', { vpc });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    cache.connections.allowDefaultPortFrom(client);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 6380,
      ToPort: 6380,
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(client.node.defaultChild as any), 'GroupId'] },
    });
  });
});

describeCdkTest('MembraneCache options', () => {
  test('cluster mode: shards x replicas, cluster parameter group, REDIS_CLUSTER_URI_1 from the configuration endpoint', () => {
    const { template, cache, stack } = build({ clusterMode: { shards: 3 }, replicasPerShard: 2 });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      ClusterMode: 'enabled',
      NumNodeGroups: 3,
      ReplicasPerNodeGroup: 2,
      NumCacheClusters: Match.absent(),
      CacheParameterGroupName: 'default.valkey8.cluster.on',
      AutomaticFailoverEnabled: true,
      TransitEncryptionEnabled: true,
    });
    expect(Object.keys(cache.environmentContract.secrets)).toEqual(['REDIS_CLUSTER_URI_1']);
    const uri = Object.values(template.findResources('AWS::SecretsManager::Secret', { Properties: { SecretString: Match.anyValue() } }))[0];
    expect(uri.Properties.SecretString['Fn::Join'][1]).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': [stack.getLogicalId(cache.replicationGroup), 'ConfigurationEndPoint.Address'] },
    ]));
  });

  test('worker role names the variables WORKER_REDIS_URI / WORKER_REDIS_CLUSTER_URI_1', () => {
    expect(Object.keys(build({ role: MembraneCacheRole.WORKER }).cache.environmentContract.secrets)).toEqual(['WORKER_REDIS_URI']);
    expect(Object.keys(build({ role: MembraneCacheRole.WORKER, clusterMode: { shards: 2 } }).cache.environmentContract.secrets))
      .toEqual(['WORKER_REDIS_CLUSTER_URI_1']);
  });

  test('Redis OSS 7.1 when Redis is chosen (an existing cache keeps its engine this way)', () => {
    build({ engine: MembraneCacheEngine.REDIS }).template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis', EngineVersion: '7.1', CacheParameterGroupName: 'default.redis7',
    });
  });

  test('node type, port, snapshots, timeout and version are configurable', () => {
    const { template, cache, stack } = build({
      cacheNodeType: 'cache.r7g.large', port: 7000, snapshotRetentionDays: 0, connectTimeout: Duration.seconds(10), engineVersion: '8.1',
    });
    // No snapshots is the user's choice; the finding stays for them to see.
    expectFindings(stack, 'NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup', 'HIPAA.Security-ElastiCacheRedisClusterAutomaticBackup');
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: 'cache.r7g.large', Port: 7000, SnapshotRetentionLimit: 0, EngineVersion: '8.1',
    });
    expect(cache.environmentContract.environment.REDIS_CONNECT_TIMEOUT_MS).toBe('10000');
  });

  test('a customer-managed key encrypts the cache and both secrets, and the KMS acknowledgement goes away', () => {
    const stack = testStack();
    const vpc = vpcIn(stack);
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const cache = new MembraneCache(stack, 'Cache', { vpc, encryptionKey: key });
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] };
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { KmsKeyId: keyArn });
    template.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { KmsKeyId: keyArn }, 2);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: keyArn }, 2);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.eu-central-1.amazonaws.com' } })]) },
    });
    expect(acknowledgements(cache).some(a => /KMSKey|LogGroupEncrypted/.test(a))).toBe(false);
    expectNoNagFindings(cache);
  });

  test('single-AZ without replicas is allowed with a namespaced warning', () => {
    const { template, stack } = build({ multiAz: false, replicasPerShard: 0 });
    expectFindings(stack, 'AwsSolutions-AEC4'); // single-AZ is the user's choice; the finding stays for them to see
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      MultiAZEnabled: false,
      AutomaticFailoverEnabled: false,
      NumCacheClusters: 1,
    });
    Annotations.fromStack(stack).hasWarning('/Test/Cache', Match.stringLikeRegexp('multiAz is false'));
    const warnings = Annotations.fromStack(stack).findWarning('/Test/Cache', Match.anyValue());
    expect(JSON.stringify(warnings)).toContain('@org/membrane-cdk:singleAz');
  });

  test('subnets can be chosen; without isolated subnets the private ones are used', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    new MembraneCache(stack, 'Cache', { vpc });
    Template.fromStack(stack).hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: vpc.privateSubnets.map(s => stack.resolve(s.subnetId)),
    });
  });
});

describeCdkTest('MembraneCache default parameter groups', () => {
  // ElastiCache names the 6.x family 'redis6.x'; 'default.redis6' does not exist and fails the deployment.
  test.each<[string, Partial<MembraneCacheProps>, string]>([
    ['Redis 6.2', { engine: MembraneCacheEngine.REDIS, engineVersion: '6.2' }, 'default.redis6.x'],
    ['Redis 6.2 in cluster mode', { engine: MembraneCacheEngine.REDIS, engineVersion: '6.2', clusterMode: { shards: 2 } },
      'default.redis6.x.cluster.on'],
    ['Redis 7.0', { engine: MembraneCacheEngine.REDIS, engineVersion: '7.0' }, 'default.redis7'],
    ['Valkey 7.2', { engine: MembraneCacheEngine.VALKEY, engineVersion: '7.2' }, 'default.valkey7'],
    ['Valkey 8.1 in cluster mode', { engine: MembraneCacheEngine.VALKEY, engineVersion: '8.1', clusterMode: { shards: 2 } },
      'default.valkey8.cluster.on'],
  ])('%s uses %p', (_name, props, group) => {
    build(props).template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheParameterGroupName: group });
  });
});

describeCdkTest('MembraneCache rejects bad input', () => {
  test.each<[string, Partial<MembraneCacheProps>, RegExp]>([
    ['Multi-AZ without replicas', { replicasPerShard: 0 }, /invalid 'multiAz': Multi-AZ with automatic failover needs a replica/],
    ['cluster mode with 0 shards', { clusterMode: { shards: 0 } }, /invalid 'clusterMode.shards': 0 is not a whole number from 1 to 500/],
    ['fractional shards', { clusterMode: { shards: 1.5 } }, /invalid 'clusterMode.shards'/],
    ['too many replicas', { replicasPerShard: 6 }, /invalid 'replicasPerShard': 6 is not a whole number from 0 to 5/],
    ['negative replicas', { replicasPerShard: -1, multiAz: false }, /invalid 'replicasPerShard'/],
    ['privileged port', { port: 80 }, /invalid 'port'/],
    ['snapshot retention over 35 days', { snapshotRetentionDays: 36 }, /invalid 'snapshotRetentionDays'/],
    ['engine version without minor', { engine: MembraneCacheEngine.REDIS, engineVersion: '7' }, /invalid 'engineVersion': ElastiCache does not offer redis '7'. Use one of 6.2, 7.0, 7.1/],
    ['a Redis version ElastiCache does not offer', { engine: MembraneCacheEngine.REDIS, engineVersion: '7.4' }, /invalid 'engineVersion': ElastiCache does not offer redis '7.4'/],
    ['a Valkey version with the Redis engine', { engine: MembraneCacheEngine.REDIS, engineVersion: '8.0' }, /invalid 'engineVersion': ElastiCache does not offer redis '8.0'/],
    ['a Redis version with the Valkey engine', { engine: MembraneCacheEngine.VALKEY, engineVersion: '7.1' },
      /invalid 'engineVersion': ElastiCache does not offer valkey '7.1'. Use one of 7.2, 8.0, 8.1/],
    ['a node type without the cache. prefix', { cacheNodeType: 'm5.large' }, /invalid 'cacheNodeType': 'm5.large' is not a cache node type/],
    ['a previous-generation node type', { cacheNodeType: 'cache.t2.micro' }, /invalid 'cacheNodeType': 'cache.t2.micro'/],
    ['sub-second connect timeout', { connectTimeout: Duration.millis(100) }, /invalid 'connectTimeout'/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
