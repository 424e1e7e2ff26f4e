import { CfnElement, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { alarmedNodes, build, vpcIn } from './support';
import { MembraneCache, MembraneCacheEngine, MembraneCacheProps, MembraneCacheRole } from '../../lib';
import { annotationsOf, describeCdkTest, expectFindings, templateOf } from '../harness';
import { acknowledgements, expectNoNagFindings, ownAcknowledgements, testStack } from '../rule-packs';

// MembraneCache options: cluster mode, role, engine, alarms, logs, node types, sizes, encryption, Multi-AZ, subnets and parameter groups.

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
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as CfnElement), 'Arn'] };
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
