import { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { alarmedNodes, build } from './support';
import { annotationsOf, describeCdkTest } from '../harness';
import { expectNoNagFindings, ownAcknowledgements } from '../rule-packs';

// MembraneCache defaults: the replication group, its secrets, parameter group, alarm, network, logs, contract and compliance.

/** The UUID of the stack's id: differs for every creation of the stack. */
const STACK_UUID = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };

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
    const secretId = stack.getLogicalId(cache.connectionSecret.node.defaultChild as CfnElement);
    expect(stack.resolve(contract.secrets.REDIS_URI.arn)).toEqual({ Ref: secretId });
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
