import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { build, env, inputs } from './support';
import { Membrane, MembraneAutoscaling, MembraneCache } from '../../lib';
import { annotationsOf, describeCdkTest, templateOf } from '../harness';
import { expectNoNagFindings, testApp } from '../rule-packs';

// Membrane with only its required props: what it builds, the URLs it wires, what it retains and the logical ids it keeps.

describeCdkTest('Membrane with minimal props', () => {
  const { stack, membrane, template } = build();

  test('builds network, storage, cache, the seven services and autoscaling', () => {
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::S3::Bucket', 4);
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.resourceCountIs('AWS::ECS::Service', 7);
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 4);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(membrane.network).toBeDefined();
    expect(membrane.scaling).toBeDefined();
  });

  test('BASE_URI is the API public URL and every service points at the URLs it is served at', () => {
    const s = membrane.services;
    expect(membrane.apiUrl).toBe('https://api.example.com');
    expect(env(stack, s.api).BASE_URI).toBe(membrane.apiUrl);
    expect(env(stack, s.queuedTasksWorker).BASE_URI).toBe(membrane.apiUrl);
    expect(env(stack, s.ui).NEXT_PUBLIC_ENGINE_URI).toBe(membrane.apiUrl);
    expect(env(stack, s.console)).toMatchObject({
      NEXT_PUBLIC_ENGINE_API_URI: membrane.apiUrl,
      NEXT_PUBLIC_ENGINE_UI_URI: membrane.uiUrl,
      NEXT_PUBLIC_BASE_URI: membrane.consoleUrl,
    });
    expect([membrane.uiUrl, membrane.consoleUrl]).toEqual(['https://ui.example.com', 'https://console.example.com']);
    for (const host of ['api.example.com.', 'ui.example.com.', 'console.example.com.']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: host, Type: 'A' });
    }
  });

  test('the API and the Console share one Auth0 application', () => {
    const api = env(stack, membrane.services.api);
    const console = env(stack, membrane.services.console);
    expect(console.NEXT_PUBLIC_AUTH0_DOMAIN).toBe(api.AUTH0_DOMAIN);
    expect(console.NEXT_PUBLIC_AUTH0_CLIENT_ID).toBe(api.AUTH0_CLIENT_ID);
  });

  test('limits are off for both API and Console by default', () => {
    expect(env(stack, membrane.services.api).ENABLE_LIMITS).toBeUndefined();
    expect(env(stack, membrane.services.console).NEXT_PUBLIC_ENABLE_LIMITS).toBeUndefined();
  });

  test('MONGO_URI and SELF_HOSTING_TOKEN come from the given secrets', () => {
    const api = env(stack, membrane.services.api);
    expect(JSON.stringify(api.MONGO_URI)).toContain('secret:membrane/mongo-uri');
    expect(JSON.stringify(api.SELF_HOSTING_TOKEN)).toContain('secret:membrane/token');
  });

  test('outside us-east-1, the static host\'s certificate is made in a us-east-1 companion stack, deployed first', () => {
    expect(membrane.staticUrl).toBe('https://static.example.com');
    expect(env(stack, membrane.services.api).BASE_STATIC_URI).toBe('https://static.example.com');
    const companion = membrane.certificateStack!;
    expect([companion.region, companion.stackName]).toEqual(['us-east-1', 'Test-Membrane-StaticCertificate']);
    expect(stack.dependencies).toContain(companion);
    templateOf(companion).hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'static.example.com', ValidationMethod: 'DNS', DomainValidationOptions: [{ DomainName: 'static.example.com', HostedZoneId: 'Z1' }],
    });
    // The ARN crosses regions through an SSM parameter the companion writes and this stack reads.
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['static.example.com'],
        ViewerCertificate: Match.objectLike({
          AcmCertificateArn: {
            'Fn::GetAtt': [Match.stringLikeRegexp('ExportsReader'), Match.stringLikeRegexp(
              '^/cdk/exports/Test/TestMembraneStaticCertificateuseast1RefCertificate')],
          },
          SslSupportMethod: 'sni-only',
        }),
      }),
    });
    annotationsOf(stack).hasNoWarning('/Test/Membrane', Match.stringLikeRegexp('cloudfront.net'));
  });

  test('data is retained and the load balancer protected', () => {
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) expect(bucket.DeletionPolicy).toBe('Retain');
    for (const secret of Object.values(template.findResources('AWS::SecretsManager::Secret'))) {
      expect(secret.DeletionPolicy).toBe('RetainExceptOnCreate');
    }
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });

  test('passes AwsSolutions, NIST 800-53 R5 and MembraneChecks', () => {
    expectNoNagFindings(stack);
  });

  test('without autoscaling the 5xx, no-healthy-target, tasks-not-running and cache memory alarms still notify the alarm topic', () => {
    const dev = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    const alarmTopic = new sns.Topic(dev, 'Alerts', { enforceSSL: true });
    const unscaled = new Membrane(dev, 'Membrane', { ...inputs(dev), autoscaling: MembraneAutoscaling.none(), alarmTopic });
    expect(unscaled.scaling).toBeUndefined();
    const topicRef = { Ref: dev.getLogicalId(alarmTopic.node.defaultChild as sns.CfnTopic) };
    templateOf(dev).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [topicRef], OKActions: [topicRef] }, 11);
    expect(unscaled.services.alarms.map(a => a.node.id)).toEqual(['Http5xx', 'ApiNoHealthyTargets', 'UiNoHealthyTargets', 'ConsoleNoHealthyTargets',
      'UiHttp5xx', 'ConsoleHttp5xx', 'CustomCodeRunnerTasksNotRunning', 'InstantTasksWorkerTasksNotRunning', 'QueuedTasksWorkerTasksNotRunning',
      'OrchestratorTasksNotRunning']);
    expect((unscaled.cache as MembraneCache).alarms.map(a => a.node.path)).toEqual(['Test/Membrane/Cache/MemoryAlarm']);
  });

  test('by default every stateful resource is retained (buckets, secrets, log groups) and the cache snapshots', () => {
    const policies = (type: string) => Object.values(template.findResources(type)).map(r => r.DeletionPolicy);
    // Buckets are kept even when their creation rolls back: CloudFormation cannot delete a bucket a task already wrote to.
    expect(new Set(policies('AWS::S3::Bucket'))).toEqual(new Set(['Retain']));
    // Secrets and log groups are kept except when their own creation rolls back (RetainExceptOnCreate): a failed first
    // create leaves no secret or group behind.
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup']) {
      expect(new Set(policies(type))).toEqual(new Set(['RetainExceptOnCreate']));
    }
    expect(policies('AWS::ElastiCache::ReplicationGroup')).toEqual(['Snapshot']);
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  // Logical ids are public contract: a change to one of these replaces data in a live deployment (a migration note in
  // CHANGELOG.md, docs/upgrading.md). The whole template is pinned by the example app's snapshot.
  test('stateful resources keep their logical ids', () => {
    const ids = (type: string) => Object.keys(template.findResources(type)).sort();
    expect(ids('AWS::S3::Bucket')).toEqual([
      'MembraneStorageAccessLogsBucketC5B56116', 'MembraneStorageConnectorsBucket674574A7', 'MembraneStorageStaticBucket0E997398',
      'MembraneStorageTmpBucket4A65AE12',
    ]);
    expect(ids('AWS::SecretsManager::Secret')).toEqual([
      'MembraneCacheAuthToken2ECBEF98', 'MembraneCacheConnectionUri75DD7B26', 'MembraneServicesEncryptionSecret34FA414D',
      'MembraneServicesJwtSecret07777E2A',
    ]);
    expect(ids('AWS::ElastiCache::ReplicationGroup')).toEqual(['MembraneCacheReplicationGroup7C80D2D9']);
    expect(ids('AWS::Logs::LogGroup')).toEqual([
      'MembraneCacheEngineLog85B102F7', 'MembraneCacheSlowLog057982EB', 'MembraneScalingMetricsLogGroup2AA6A900',
      'MembraneServicesApiLogGroup67EA6A96', 'MembraneServicesConsoleLogGroupF56D6169', 'MembraneServicesCustomCodeRunnerLogGroup60A80A0A',
      'MembraneServicesFirewallLogGroupB125343F',
      'MembraneServicesInstantTasksWorkerLogGroup40E3E983', 'MembraneServicesOrchestratorLogGroup2E44E307',
      'MembraneServicesQueuedTasksWorkerLogGroup168BD791', 'MembraneServicesUiLogGroup098E8141',
    ]);
    expect([
      ...ids('AWS::EC2::VPC'), ...ids('AWS::ECS::Cluster'), ...ids('AWS::ElasticLoadBalancingV2::LoadBalancer'),
      ...ids('AWS::CloudFront::Distribution'),
    ]).toEqual([
      'MembraneNetworkVpcF6EA8703', 'MembraneServicesClusterD2BC22EA', 'MembraneServicesLoadBalancer032FF6A2',
      'MembraneStorageStaticDistribution9B08BA70',
    ]);
    expect([...ids('AWS::Backup::BackupVault'), ...ids('AWS::Backup::BackupPlan'), ...ids('AWS::KMS::Key')]).toEqual([
      'MembraneBackupVaultFA9BEE8D', 'MembraneBackupPlan28603D46', 'MembraneBackupKey9894EB13',
    ]);
  });
});
