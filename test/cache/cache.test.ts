import { CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MembraneCache, MembraneCacheEngine, MembraneCacheProps, MembraneCacheRole } from '../../lib';
import { annotationsOf, describeCdkTest, expectFindings, templateOf } from '../harness';
import { acknowledgements, expectNoNagFindings, ownAcknowledgements, testStack } from '../nag';

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
  return { stack, vpc, cache, template: templateOf(stack) };
}

/** The UUID of the stack's id: differs for every creation of the stack. */
const STACK_UUID = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };

/** The CacheClusterId of every node the memory alarms watch, in order. */
function alarmedNodes(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm'))
    .flatMap(alarm => alarm.Properties.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat))
    .map((m: { MetricStat: { Metric: { Dimensions: Array<{ Value: unknown }> } } }) => m.MetricStat.Metric.Dimensions[0].Value);
}

describeCdkTest('MembraneCache defaults', () => {
  const { template, stack, cache, vpc } = build();

  test('a Valkey 8.0 replication group with TLS required, encryption at rest, AUTH, Multi-AZ and failover', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      EngineVersion: '8.0',
      CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^CacheParameters') },
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

  test('secrets are retained; log groups are retained except when their own creation fails', () => {
    for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) {
      expect(secret.DeletionPolicy).toBe('RetainExceptOnCreate');
    }
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(groups.map(g => [g.DeletionPolicy, g.UpdateReplacePolicy]))
      .toEqual([['RetainExceptOnCreate', 'Retain'], ['RetainExceptOnCreate', 'Retain']]);
  });

  // A retained group with a fixed name fails the next creation of the stack (a retry after a rolled-back first create,
  // or a re-create after deleting the stack) with "already exists".
  test('no retained log group has a fixed name: the names carry the stack creation UUID', () => {
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(typeof group.Properties.LogGroupName).not.toBe('string');
      expect(JSON.stringify(group.Properties.LogGroupName)).toContain(JSON.stringify(STACK_UUID));
    }
  });

  test('maxmemory-policy noeviction in its own parameter group of the engine family, used by the replication group', () => {
    template.resourceCountIs('AWS::ElastiCache::ParameterGroup', 1);
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'noeviction' },
    });
    const group = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'))[0];
    expect(group.Properties.CacheParameterGroupName).toEqual({ Ref: stack.getLogicalId(cache.parameterGroup) });
  });

  test('a memory alarm over both nodes: DatabaseMemoryUsagePercentage above 80 % for 5 minutes', () => {
    expect(cache.alarms.map(a => a.node.id)).toEqual(['MemoryAlarm']);
    const groupId = { Ref: stack.getLogicalId(cache.replicationGroup) };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'MAX([m0, m1])', ReturnData: true }),
        Match.objectLike({
          Id: 'm0',
          ReturnData: false,
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'AWS/ElastiCache',
              MetricName: 'DatabaseMemoryUsagePercentage',
              Dimensions: [{ Name: 'CacheClusterId', Value: { 'Fn::Join': ['', [groupId, '-001']] } }],
            },
            Period: 60,
            Stat: 'Maximum',
          }),
        }),
      ]),
    });
    expect(alarmedNodes(template)).toEqual([
      { 'Fn::Join': ['', [groupId, '-001']] },
      { 'Fn::Join': ['', [groupId, '-002']] },
    ]);
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
        LogGroupName: { 'Fn::Join': ['', ['/aws/vendedlogs/membrane/', STACK_UUID, Match.stringLikeRegexp(`^/Test-Cache-[0-9A-F]{8}/${type}$`)]] },
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

  test('passes AwsSolutions and NIST 800-53 R5; acknowledgements sit on the secrets, log groups and the alarm without a topic', () => {
    expectNoNagFindings(cache);
    expect(ownAcknowledgements(cache).map(a => a.split(': ')[0])).toEqual([
      'AwsSolutions-SMG4 at Test/Cache/AuthToken',
      'AwsSolutions-SMG4 at Test/Cache/ConnectionUri',
      'NIST.800.53.R5-CloudWatchAlarmAction at Test/Cache/MemoryAlarm',
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted at Test/Cache/EngineLog',
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted at Test/Cache/SlowLog',
      'NIST.800.53.R5-SecretsManagerRotationEnabled at Test/Cache/AuthToken',
      'NIST.800.53.R5-SecretsManagerRotationEnabled at Test/Cache/ConnectionUri',
      'NIST.800.53.R5-SecretsManagerUsingKMSKey at Test/Cache/AuthToken',
      'NIST.800.53.R5-SecretsManagerUsingKMSKey at Test/Cache/ConnectionUri',
    ]);
  });

  test('no warnings by default', () => {
    annotationsOf(stack).hasNoWarning('*', Match.anyValue());
  });
});

describeCdkTest('MembraneCache connections', () => {
  test('allowDefaultPortFrom opens the cache port to the given peer only', () => {
    const stack = testStack();
    const vpc = vpcIn(stack);
    const cache = new MembraneCache(stack, 'Cache', { vpc });
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc });
    cache.connections.allowDefaultPortFrom(client);
    const template = templateOf(stack);
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
      CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^CacheParameters') },
      AutomaticFailoverEnabled: true,
      TransitEncryptionEnabled: true,
    });
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'valkey8',
      Properties: { 'maxmemory-policy': 'noeviction', 'cluster-enabled': 'yes' },
    });
    // 3 shards x (1 primary + 2 replicas): <group>-000S-00N, one alarm (at most 10 metrics).
    const groupId = { Ref: stack.getLogicalId(cache.replicationGroup) };
    expect(alarmedNodes(template)).toEqual(['0001', '0002', '0003'].flatMap(shard => ['001', '002', '003']
      .map(node => ({ 'Fn::Join': ['', [groupId, `-${shard}-${node}`]] }))));
    expect(cache.alarms).toHaveLength(1);
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

  test('Redis OSS 7.1 when Redis is chosen (an existing cache keeps its engine this way), with a warning on how to switch', () => {
    const { template, stack } = build({ engine: MembraneCacheEngine.REDIS });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis', EngineVersion: '7.1', CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^CacheParameters') },
    });
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', { CacheParameterGroupFamily: 'redis7' });
    annotationsOf(stack).hasWarning('/Test/Cache', Match.stringLikeRegexp(
      'engine is Redis OSS: Valkey nodes cost about 20 % less.*remove engine.*CloudFormation upgrades the replication group in place'));
    expect(JSON.stringify(annotationsOf(stack).findWarning('/Test/Cache', Match.anyValue()))).toContain('@org/membrane-cdk:redisEngine');
  });

  test('more than 10 nodes: one memory alarm per 10 nodes (an alarm on metric math takes at most 10 metrics)', () => {
    const { template, cache } = build({ clusterMode: { shards: 4 }, replicasPerShard: 2 });
    expect(cache.alarms.map(a => a.node.id)).toEqual(['MemoryAlarm1', 'MemoryAlarm2']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([m0, m1, m2, m3, m4, m5, m6, m7, m8, m9])' })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([m0, m1])' })]) });
    expect(alarmedNodes(template)).toHaveLength(12);
  });

  test('the memory alarm notifies alarmTopic (ALARM and OK)', () => {
    const stack = testStack();
    const topic = new sns.Topic(stack, 'Alarms', { enforceSSL: true });
    const cache = new MembraneCache(stack, 'Cache', { vpc: vpcIn(stack), alarmTopic: topic });
    const topicRef = { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) };
    templateOf(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topicRef], OKActions: [topicRef] });
    expect(ownAcknowledgements(cache).some(a => a.startsWith('NIST.800.53.R5-CloudWatchAlarmAction'))).toBe(false);
  });

  test('log groups removed with the stack when logRemovalPolicy is DESTROY', () => {
    const groups = Object.values(build({ logRemovalPolicy: RemovalPolicy.DESTROY }).template.findResources('AWS::Logs::LogGroup'));
    expect(groups.map(g => g.DeletionPolicy)).toEqual(['Delete', 'Delete']);
  });

  test('Valkey-only node families (m8g, r8g, c8gn) are accepted with Valkey', () => {
    build({ cacheNodeType: 'cache.r8g.large' }).template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: 'cache.r8g.large',
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
    const template = templateOf(stack);
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
    annotationsOf(stack).hasWarning('/Test/Cache', Match.stringLikeRegexp('multiAz is false'));
    const warnings = annotationsOf(stack).findWarning('/Test/Cache', Match.anyValue());
    expect(JSON.stringify(warnings)).toContain('@org/membrane-cdk:singleAz');
  });

  test('subnets can be chosen; without isolated subnets the private ones are used', () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    new MembraneCache(stack, 'Cache', { vpc });
    templateOf(stack).hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: vpc.privateSubnets.map(s => stack.resolve(s.subnetId)),
    });
  });
});

describeCdkTest('MembraneCache parameter groups', () => {
  // ElastiCache names the 6.x family 'redis6.x'; 'redis6' does not exist and fails the deployment.
  test.each<[string, Partial<MembraneCacheProps>, string, Record<string, string>]>([
    ['Redis 6.2', { engine: MembraneCacheEngine.REDIS, engineVersion: '6.2' }, 'redis6.x', {}],
    ['Redis 6.2 in cluster mode', { engine: MembraneCacheEngine.REDIS, engineVersion: '6.2', clusterMode: { shards: 2 } }, 'redis6.x',
      { 'cluster-enabled': 'yes' }],
    ['Redis 7.0', { engine: MembraneCacheEngine.REDIS, engineVersion: '7.0' }, 'redis7', {}],
    ['Valkey 7.2', { engine: MembraneCacheEngine.VALKEY, engineVersion: '7.2' }, 'valkey7', {}],
    ['Valkey 8.1 in cluster mode', { engine: MembraneCacheEngine.VALKEY, engineVersion: '8.1', clusterMode: { shards: 2 } }, 'valkey8',
      { 'cluster-enabled': 'yes' }],
  ])('%s: family %p, noeviction', (_name, props, family, extra) => {
    const { template } = build(props);
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: family,
      Properties: { 'maxmemory-policy': 'noeviction', ...extra },
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheParameterGroupName: { Ref: Match.stringLikeRegexp('^CacheParameters') },
    });
  });
});

describeCdkTest('MembraneCache accepts tokens', () => {
  test('engine and version as tokens: the family comes from a mapping of <engine><major version>', () => {
    const stack = testStack();
    const engine = new CfnParameter(stack, 'Engine', { default: 'valkey' }).valueAsString as MembraneCacheEngine;
    const version = new CfnParameter(stack, 'EngineVersion', { default: '8.0' }).valueAsString;
    new MembraneCache(stack, 'Cache', { vpc: vpcIn(stack), engine, engineVersion: version });
    // cdk-nag cannot tell the engine's default port without the engine: the finding stays for the user to see.
    expectFindings(stack, 'AwsSolutions-AEC5');
    const template = templateOf(stack);
    const mapping = Object.values(template.findMappings('*'))[0];
    expect(mapping).toEqual({
      redis6: { family: 'redis6.x' }, redis7: { family: 'redis7' }, valkey7: { family: 'valkey7' }, valkey8: { family: 'valkey8' },
    });
    const key = { 'Fn::Join': ['', [{ Ref: 'Engine' }, { 'Fn::Select': [0, { 'Fn::Split': ['.', { Ref: 'EngineVersion' }] }] }]] };
    template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: { 'Fn::FindInMap': [Match.anyValue(), key, 'family'] },
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Engine: { Ref: 'Engine' }, EngineVersion: { Ref: 'EngineVersion' } });
  });

  test('a node type as a token', () => {
    const stack = testStack();
    const nodeType = new CfnParameter(stack, 'NodeType', { default: 'cache.t4g.small' }).valueAsString;
    new MembraneCache(stack, 'Cache', { vpc: vpcIn(stack), cacheNodeType: nodeType });
    templateOf(stack).hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheNodeType: { Ref: 'NodeType' } });
  });

  test('shards as a token: no memory alarm (the nodes are unknown), with a warning saying so', () => {
    const stack = testStack();
    const shards = Token.asNumber(new CfnParameter(stack, 'Shards', { type: 'Number', default: 2 }).value);
    const cache = new MembraneCache(stack, 'Cache', { vpc: vpcIn(stack), clusterMode: { shards } });
    expect(cache.alarms).toEqual([]);
    templateOf(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    annotationsOf(stack).hasWarning('/Test/Cache', Match.stringLikeRegexp('no memory alarm'));
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
    // ElastiCache creates r6gd only with DataTieringEnabled; without it CreateReplicationGroup fails at deployment.
    ['a data-tiering node type', { cacheNodeType: 'cache.r6gd.xlarge' },
      /invalid 'cacheNodeType': 'cache.r6gd.xlarge' is a data-tiering node type.*DataTieringEnabled.*Use a node type of the same memory without SSD, e.g. 'cache.r7g.xlarge'/],
    ['a size the family does not come in', { cacheNodeType: 'cache.t4g.large' },
      /invalid 'cacheNodeType': ElastiCache has no 'cache.t4g.large': t4g comes in micro, small, medium/],
    ['a Valkey-only family with Redis OSS', { engine: MembraneCacheEngine.REDIS, cacheNodeType: 'cache.m8g.large' },
      /invalid 'cacheNodeType': ElastiCache offers m8g nodes for valkey only, not for redis. Use engine MembraneCacheEngine.VALKEY/],
    ['memcached, which a replication group cannot run', { engine: 'memcached' as MembraneCacheEngine },
      /invalid 'engine': 'memcached' is not an engine of an ElastiCache replication group \(redis, valkey\). Use MembraneCacheEngine.VALKEY/],
    ['an engine name with a typo (JavaScript)', { engine: 'valky' as MembraneCacheEngine }, /invalid 'engine': 'valky'/],
    ['an engine in capitals', { engine: 'Redis' as MembraneCacheEngine }, /invalid 'engine': 'Redis'/],
    ['sub-second connect timeout', { connectTimeout: Duration.millis(100) }, /invalid 'connectTimeout'/],
    ['a connect timeout in fractions of a millisecond', { connectTimeout: Duration.millis(1500.5) },
      /invalid 'connectTimeout': .* is not a whole number of milliseconds/],
    ['a key of another region', { encryptionKey: kms.Key.fromKeyArn(new Stack(), 'ForeignKey', 'arn:aws:kms:ap-south-1:123456789012:key/abc') }, /invalid 'encryptionKey': the key is in ap-south-1/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('an engine token without a version', () => {
    const stack = testStack();
    const engine = new CfnParameter(stack, 'Engine').valueAsString as MembraneCacheEngine;
    expect(() => new MembraneCache(stack, 'Cache', { vpc: vpcIn(stack), engine }))
      .toThrow(/invalid 'engineVersion': engine is a token, so the default version of the engine cannot be chosen. Give engineVersion too/);
  });
});
