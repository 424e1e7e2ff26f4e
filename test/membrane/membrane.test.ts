import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  IMembraneService, Membrane, MembraneCache, MembraneExposure, MembraneFrontendStrategy, MembraneProps, MembraneStorage, MembraneStorageOptions,
} from '../../lib';
import { exampleApp } from '../example-app';
import { containerOf, membraneInputs } from '../fixtures';
import { annotationsOf, describeCdkTest, templateOf } from '../harness';
import { expectNoNagFindings } from '../nag';

const inputs = membraneInputs;

function build(overrides: Partial<MembraneProps> = {}, region = 'eu-central-1') {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region } });
  const membrane = new Membrane(stack, 'Membrane', { ...inputs(stack), ...overrides });
  return { stack, membrane, template: templateOf(stack) };
}

/** Environment and secrets of a service's Membrane container, in one map. */
function env(stack: Stack, svc: IMembraneService): Record<string, unknown> {
  const { environment, secrets } = containerOf(stack, svc);
  return { ...environment, ...secrets };
}

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
    const dev = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    const alarmTopic = new sns.Topic(dev, 'Alerts', { enforceSSL: true });
    const unscaled = new Membrane(dev, 'Membrane', { ...inputs(dev), autoscaling: false, alarmTopic });
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

describeCdkTest('Membrane options', () => {
  test('tags: one prop tags everything the constructs create (cost allocation)', () => {
    const { template } = build({ tags: { 'cost-center': 'integrations' } });
    const tag = { Key: 'cost-center', Value: 'integrations' };
    for (const type of ['AWS::S3::Bucket', 'AWS::ECS::Service', 'AWS::ECS::Cluster', 'AWS::ElastiCache::ReplicationGroup', 'AWS::EC2::VPC',
      'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::WAFv2::WebACL']) {
      for (const [id, r] of Object.entries(template.findResources(type))) {
        expect([id, r.Properties.Tags]).toEqual([id, expect.arrayContaining([tag])]);
      }
    }
  });

  test('vpcEndpoints adds the endpoints to the network it creates, and is refused with a brought VPC', () => {
    build({ vpcEndpoints: true }).template.resourceCountIs('AWS::EC2::VPCEndpoint', 4);
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    const vpc = new ec2.Vpc(stack, 'Own');
    expect(() => new Membrane(stack, 'Membrane', { ...inputs(stack), vpc, vpcEndpoints: true }))
      .toThrow(/invalid 'vpcEndpoints': it adds endpoints to a new network, but the vpc is used/);
  });

  test('exposure: a private Membrane with a public edge, tagged, clean in every rule pack, with the edge URLs on the engine services', () => {
    const { stack, membrane, template } = build({
      tags: { 'cost-center': 'integrations' },
      exposure: MembraneExposure.internalWithPublicEdge({
        webhooksDomainName: 'hooks.example.com',
        webhookPaths: ['/webhooks/*'],
        oauthCallbackDomainName: 'hooks.example.com',
        oauthCallbackPaths: ['/oauth-callback'],
      }),
    });
    const schemes = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')).map(r => r.Properties.Scheme).sort();
    expect(schemes).toEqual(['internal', 'internet-facing']);
    expect(env(stack, membrane.services.queuedTasksWorker)).toMatchObject({
      BASE_WEBHOOKS_URI: 'https://hooks.example.com', BASE_OAUTH_CALLBACK_URI: 'https://hooks.example.com', BASE_URI: 'https://api.example.com',
    });
    template.resourceCountIs('AWS::WAFv2::WebACL', 2);
    expect(Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')).every(r =>
      JSON.stringify(r.Properties.Tags).includes('cost-center'))).toBe(true);
  });

  test.each([['aws:reserved'], ['bad{key}']])('rejects the tag key %s', key => {
    expect(() => build({ tags: { [key]: 'x' } })).toThrow(/invalid 'tags\./);
  });

  test('task protection, burst scaling and the API memory target pass through', () => {
    const names = (stack: Stack, svc: IMembraneService) => (containerOf(stack, svc).taskDefinition.ContainerDefinitions as Array<{ Name: string }>)
      .map(c => c.Name);
    const on = build();
    expect(names(on.stack, on.membrane.services.queuedTasksWorker)).toContain('task-protection');
    // Burst scale-out for the API and the three job services, and the workers' measured scale-in.
    on.template.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' }, 7);
    const off = build({ queuedTaskProtection: false, scaling: { burstScaling: false, api: { memoryTarget: 85 } } });
    expect(names(off.stack, off.membrane.services.queuedTasksWorker)).not.toContain('task-protection');
    off.template.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling' }, 0);
    off.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 85 },
    });
  });

  test('limits switch ENABLE_LIMITS and NEXT_PUBLIC_ENABLE_LIMITS together', () => {
    const { stack, membrane } = build({ settings: { enableLimits: true } });
    expect(env(stack, membrane.services.api).ENABLE_LIMITS).toBe('true');
    expect(env(stack, membrane.services.console).NEXT_PUBLIC_ENABLE_LIMITS).toBe('true');
  });

  test('in us-east-1 the static host gets its own DNS-validated certificate', () => {
    const { stack, membrane, template } = build({}, 'us-east-1');
    expect(membrane.staticUrl).toBe('https://static.example.com');
    expect(env(stack, membrane.services.api).BASE_STATIC_URI).toBe('https://static.example.com');
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'static.example.com', ValidationMethod: 'DNS' });
    annotationsOf(stack).hasNoWarning('*', Match.anyValue());
  });

  test('the companion stack carries the tags; createStaticCertificate: false serves static files from the CloudFront name', () => {
    const tagged = build({ tags: { 'cost-center': 'integrations' } }).membrane.certificateStack!;
    templateOf(tagged).hasResourceProperties('AWS::CertificateManager::Certificate', {
      Tags: Match.arrayWith([{ Key: 'cost-center', Value: 'integrations' }]),
    });
    const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    const base = inputs(stack);
    const membrane = new Membrane(stack, 'Membrane', { ...base, domain: { ...base.domain, createStaticCertificate: false } });
    expect(membrane.certificateStack).toBeUndefined();
    expect(JSON.stringify(stack.resolve(membrane.staticUrl))).toMatch(/StaticDistribution.*DomainName/);
    templateOf(stack).resourceCountIs('AWS::CertificateManager::Certificate', 1);
  });

  test('a zone that is a resource of a stack cannot validate a us-east-1 certificate: the error names the fixes', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    const zone = new route53.PublicHostedZone(stack, 'OwnZone', { zoneName: 'example.com' });
    expect(() => new Membrane(stack, 'Membrane', { ...inputs(stack), domain: { zone } }))
      .toThrow(/invalid 'domain.zone': the static host's certificate must be created in us-east-1.*fromHostedZoneAttributes.*createStaticCertificate: false/);
  });

  test('a given us-east-1 certificate serves static files from static.<zone> in any region', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    const staticCertificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    const base = inputs(stack);
    const membrane = new Membrane(stack, 'Membrane', { ...base, domain: { ...base.domain, staticCertificate, staticHost: 'cdn' } });
    expect(membrane.staticUrl).toBe('https://cdn.example.com');
    templateOf(stack).hasResourceProperties('AWS::Route53::RecordSet', { Name: 'cdn.example.com.', Type: 'A' });
  });

  test('path routing on the API host', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    const base = inputs(stack);
    const membrane = new Membrane(stack, 'Membrane', {
      ...base,
      domain: {
        ...base.domain,
        apiHost: 'integrations',
        uiBasePath: '/ui-app',
        consoleBasePath: '/console-app',
      },
    });
    expect([membrane.apiUrl, membrane.uiUrl, membrane.consoleUrl]).toEqual([
      'https://integrations.example.com', 'https://integrations.example.com/ui-app', 'https://integrations.example.com/console-app',
    ]);
    expect(env(stack, membrane.services.console).BASE_PATH).toBe('/console-app');
  });

  test('existing VPC, storage and cache are used instead of new ones', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Existing', { maxAzs: 2 });
    const storage = new MembraneStorage(stack, 'OwnStorage');
    const cache = new MembraneCache(stack, 'OwnCache', { vpc });
    const membrane = new Membrane(stack, 'Membrane', { ...inputs(stack), storage, cache, logsBucket: storage.accessLogsBucket });
    expect(membrane.network).toBeUndefined();
    expect(membrane.storage).toBe(storage);
    expect(membrane.cache).toBe(cache);
    expect(membrane.staticUrl).toBe(storage.staticUrl);
    const template = templateOf(stack);
    template.resourceCountIs('AWS::EC2::VPC', 1);
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
    template.resourceCountIs('AWS::S3::Bucket', 4);
  });

  test('brought storage without logsBucket: the load balancer gets its own log bucket', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Existing', { maxAzs: 2 });
    const storage = new MembraneStorage(stack, 'OwnStorage');
    new Membrane(stack, 'Membrane', { ...inputs(stack), storage, cache: new MembraneCache(stack, 'OwnCache', { vpc }) });
    templateOf(stack).resourceCountIs('AWS::S3::Bucket', 5);
  });

  test('a dedicated worker cache adds WORKER_REDIS_URI and its dashboard row', () => {
    const { stack, membrane, template } = build({ workerCacheOptions: { port: 6390 } });
    expect(Object.keys(env(stack, membrane.services.queuedTasksWorker))).toEqual(expect.arrayContaining(['REDIS_URI', 'WORKER_REDIS_URI']));
    template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 2);
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).toContain('Redis WorkerCache');
  });

  test('without autoscaling the services keep their desired counts', () => {
    const { template } = build({ autoscaling: false, services: { api: { desiredCount: 3 } } });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
  });

  test('retainData: false makes a throw-away environment', () => {
    const { template } = build({ retainData: false });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) expect(bucket.DeletionPolicy).toBe('Delete');
    for (const group of Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'))) expect(group.DeletionPolicy).toBe('Delete');
    // Versioned buckets are only deleted empty: each one is emptied (all versions) by CDK's provider first.
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 4);
    // Log groups follow retainData too (they were always retained, so a throw-away stack left them behind).
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(11);
    for (const group of logGroups) expect(group.DeletionPolicy).toBe('Delete');
    // SECRET and ENCRYPTION_SECRET stay unless removed explicitly; the cache's AUTH token (regenerated with the cache) goes.
    const secrets = (t: Template) => Object.entries(t.findResources('AWS::SecretsManager::Secret'));
    for (const [id, secret] of secrets(template)) expect([id, secret.DeletionPolicy]).toEqual([id, /Jwt|Encryption/.test(id) ? 'RetainExceptOnCreate' : 'Delete']);
    for (const [, secret] of secrets(build({ retainData: false, secretRemovalPolicy: RemovalPolicy.DESTROY }).template)) {
      expect(secret.DeletionPolicy).toBe('Delete');
    }
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
    });
    // No backup of a throw-away environment (a vault with recovery points could not be deleted).
    template.resourceCountIs('AWS::Backup::BackupVault', 0);
  });
});

describeCdkTest('Membrane rejects incoherent input', () => {
  test.each<[string, Partial<MembraneProps['domain']>, RegExp]>([
    ['a full host name as apiHost', { apiHost: 'api.example.com' },
      /invalid 'domain.apiHost': 'api.example.com' is not a host name relative to the zone. Give the part before the zone, e.g. 'api'/],
    ['a URL as uiHost', { uiHost: 'https://ui' }, /invalid 'domain.uiHost'/],
    ['an uppercase consoleHost', { consoleHost: 'Console' }, /invalid 'domain.consoleHost'/],
    ['a UI host and a UI base path', { uiHost: 'ui', uiBasePath: '/ui-app' }, /invalid 'domain.uiHost': uiBasePath serves it on the API host/],
    ['a Console host and a Console base path', { consoleHost: 'c', consoleBasePath: '/c' }, /invalid 'domain.consoleHost'/],
  ])('%s', (_name, domain, message) => {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    const required = membraneInputs(stack);
    expect(() => new Membrane(stack, 'Membrane', { ...required, domain: { ...required.domain, ...domain } })).toThrow(message);
  });

  test.each<[string, Partial<MembraneProps>, RegExp]>([
    ['a desired count for an autoscaled service', { services: { api: { desiredCount: 3 } } },
      /invalid 'services.api.desiredCount': the api count is managed by autoscaling/],
    ['a desired count for a UI that scales on CPU', {
      services: { ui: { desiredCount: 3 } },
      scaling: { ui: { strategy: MembraneFrontendStrategy.CPU } },
    },
    /invalid 'services.ui.desiredCount': the ui count is managed by autoscaling/],
    ['scaling options without autoscaling', { autoscaling: false, scaling: { api: { maxCapacity: 4 } } }, /invalid 'scaling': autoscaling is false/],
    ['a static domain in storage options', {
      storageOptions: {
        domain: {
          domainName: 'x.example.com',
          certificate: {} as acm.ICertificate,
        },
      } as MembraneStorageOptions,
    }, /invalid 'storageOptions.domain'/],
    ['natGateways with an existing VPC', { vpc: {} as never, natGateways: 1 }, /invalid 'natGateways': it sizes a new network, but the vpc is used/],
    ['missing domain.zone (JavaScript)', { domain: { zone: undefined as never } }, /invalid 'domain.zone': it is required/],
    ['version as a plain string (JavaScript)', { version: '2026-01-14' as never }, /invalid 'version': "2026-01-14" is not a MembraneVersion/],
    ['missing self-hosting token (JavaScript)', { selfHostingToken: undefined as never }, /invalid 'selfHostingToken': it is required/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('storage options next to an existing storage, cache options next to an existing cache', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    const storage = new MembraneStorage(stack, 'OwnStorage');
    expect(() => new Membrane(stack, 'M1', {
      ...inputs(stack),
      storage,
      storageOptions: { bucketNamePrefix: 'x' },
    })).toThrow(/invalid 'storageOptions'/);
    const stack2 = new Stack(new App(), 'Test', { env: { region: 'eu-west-1' } });
    const cache = new MembraneCache(stack2, 'OwnCache', { vpc: new ec2.Vpc(stack2, 'Vpc') });
    expect(() => new Membrane(stack2, 'M2', { ...inputs(stack2), cache, cacheOptions: { port: 7000 } })).toThrow(/invalid 'cacheOptions'/);
  });
});

describeCdkTest('Membrane host names: each claimed once in the app', () => {
  const twoStacks = () => {
    const app = new App();
    const where = { account: '123456789012', region: 'eu-central-1' };
    return { first: new Stack(app, 'First', { env: where }), second: new Stack(app, 'Second', { env: where }) };
  };

  test('two Membranes in one app with the same zone are refused, naming both, the prop and the fix', () => {
    const { first, second } = twoStacks();
    new Membrane(first, 'Membrane', inputs(first));
    expect(() => new Membrane(second, 'Membrane', inputs(second))).toThrow(new RegExp("^Second/Membrane: invalid 'domain.apiHost': 'api.example.com' "
      + "is also claimed by First/Membrane \\('domain.apiHost'\\).*whichever deploys second fails.*Give each Membrane deployment .* host names of "
      + 'their own'));
  });

  test('a hosted zone of the same name with another id counts too (a second zone, a second account: CloudFront aliases are global)', () => {
    const { first, second } = twoStacks();
    new Membrane(first, 'Membrane', inputs(first));
    const other = route53.HostedZone.fromHostedZoneAttributes(second, 'OtherZone', { hostedZoneId: 'Z2', zoneName: 'example.com.' });
    expect(() => new Membrane(second, 'Membrane', {
      ...inputs(second), domain: { zone: other, apiHost: 'dev-api', uiBasePath: '/ui-app', consoleBasePath: '/console-app' },
    })).toThrow(/Second\/Membrane: invalid 'domain.staticHost': 'static.example.com' is also claimed by First\/Membrane \('domain.staticHost'\)/);
  });

  test('a second Membrane with host names of its own in the same zone is fine', () => {
    const { first, second } = twoStacks();
    new Membrane(first, 'Membrane', inputs(first));
    const base = inputs(second);
    new Membrane(second, 'Membrane', {
      ...base, domain: { ...base.domain, apiHost: 'dev-api', uiBasePath: '/ui-app', consoleBasePath: '/console-app', staticHost: 'dev-static' },
    });
    templateOf(second).hasResourceProperties('AWS::Route53::RecordSet', { Name: 'dev-static.example.com.', Type: 'A' });
  });

  test.each<[string, Partial<MembraneProps['domain']>, RegExp]>([
    ['staticHost equal to apiHost', { staticHost: 'api' },
      /Test\/Membrane: invalid 'domain.staticHost': 'api.example.com' is also claimed by Test\/Membrane \('domain.apiHost'\)/],
    ['staticHost equal to consoleHost', { staticHost: 'console' }, /invalid 'domain.staticHost': 'console.example.com' .*\('domain.consoleHost'\)/],
    ['consoleHost equal to staticHost', { consoleHost: 'static' }, /invalid 'domain.staticHost': 'static.example.com' .*\('domain.consoleHost'\)/],
  ])('%s is refused', (_name, domain, message) => {
    expect(() => build({ domain: { ...inputs(new Stack()).domain, ...domain } })).toThrow(message);
  });

  test('a MembraneStorage elsewhere in the app serving the same static host is refused', () => {
    const { first, second } = twoStacks();
    const zone = route53.HostedZone.fromHostedZoneAttributes(first, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    const certificate = acm.Certificate.fromCertificateArn(first, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    new MembraneStorage(first, 'Assets', { domain: { domainName: 'static.example.com', certificate, zone } });
    expect(() => new Membrane(second, 'Membrane', inputs(second)))
      .toThrow(/Second\/Membrane: invalid 'domain.staticHost': 'static.example.com' is also claimed by First\/Assets \('domain.domainName'\)/);
  });

  test('a public edge host equal to the static host is refused', () => {
    expect(() => build({
      exposure: MembraneExposure.internalWithPublicEdge({
        webhooksDomainName: 'static.example.com',
        webhookPaths: ['/webhooks/*'],
        oauthCallbackDomainName: 'oauth.example.com',
        oauthCallbackPaths: ['/oauth-callback'],
      }),
    })).toThrow(/Test\/Membrane\/Services: invalid 'exposure.webhooksDomainName': 'static.example.com' is also claimed by Test\/Membrane \('domain.staticHost'\)/);
  });
});

describe('the example app (bin/) claims each host once', () => {
  test('both stacks synthesize, and no record name or CloudFront alias is in both', () => {
    const { production, development } = exampleApp();
    const names = (stack: Stack) => {
      const template = templateOf(stack);
      const records = Object.values(template.findResources('AWS::Route53::RecordSet')).map(r => r.Properties.Name as string);
      const aliases = Object.values(template.findResources('AWS::CloudFront::Distribution'))
        .flatMap(d => (d.Properties.DistributionConfig.Aliases ?? []) as string[]).map(a => `${a}.`);
      return new Set([...records, ...aliases]);
    };
    const [prod, dev] = [names(production), names(development)];
    expect([...prod].sort()).toEqual(['api.example.com.', 'console.example.com.', 'static.example.com.', 'ui.example.com.']);
    expect([...dev].sort()).toEqual(['membrane-dev-static.example.com.', 'membrane-dev.example.com.']);
    expect([...prod].filter(name => dev.has(name))).toEqual([]);
  });
});

describeCdkTest('Membrane: plain JavaScript input gets the library\'s errors, not a TypeError from inside aws-cdk-lib', () => {
  const rejected = (props: (stack: Stack) => unknown, message: RegExp) => {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    let error: unknown;
    try {
      new Membrane(stack, 'Membrane', { ...inputs(stack), ...(props(stack) as Partial<MembraneProps>) });
    } catch (e) {
      error = e;
    }
    expect(error).not.toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(message);
  };

  test.each<[string, (stack: Stack) => unknown, RegExp]>([
    ['a secret name as a string', () => ({ registryCredentials: 'membrane/registry' }),
      /invalid 'registryCredentials': the string 'membrane\/registry' is not a Secrets Manager secret. Give the secret itself/],
    ['an ecs.Secret where a secret goes', s => ({
      selfHostingToken: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(s, 'T', 't')),
    }),
    /invalid 'selfHostingToken': an ecs.Secret \(a container's reference to a secret\) is not a Secrets Manager secret/],
    ['auth as a plain object', () => ({ auth: { domain: 'login.example.com', clientId: 'x', clientSecret: 'y' } }),
      /invalid 'auth': a plain object is not a MembraneAuth/],
    ['the zone as its name', () => ({ domain: { zone: 'example.com' } }),
      /invalid 'domain.zone': the string 'example.com' is not a hosted zone. Import it: route53.HostedZone.fromHostedZoneAttributes/],
    ['a string where a number goes', () => ({ natGateways: '1' }), /invalid 'natGateways': the string '1' is not a number/],
    ['a number where a Duration goes', () => ({ loadBalancerIdleTimeout: 60 }), /invalid 'loadBalancerIdleTimeout': the number 60 is not a Duration/],
    ['a string service size', () => ({ services: { orchestrator: { memoryLimitMiB: '4096' } } }),
      /invalid 'services.orchestrator.memoryLimitMiB': the string '4096' is not a number/],
  ])('%s', (_name, props, message) => rejected(props, message));

  test('an unknown prop warns with its name and the prop it probably is', () => {
    const { stack } = build({ natGateway: 1, cacheOption: {}, somethingElse: true } as unknown as Partial<MembraneProps>);
    const warnings = annotationsOf(stack).findWarning('/Test/Membrane', Match.stringLikeRegexp('membrane-cdk:unknownProp'))
      .map(w => String(w.entry.data));
    expect(warnings).toEqual([
      expect.stringMatching(/'natGateway' is not a prop of Membrane and is ignored. Did you mean 'natGateways'\?/),
      expect.stringMatching(/'cacheOption' is not a prop of Membrane and is ignored. Did you mean 'cacheOptions'\?/),
      expect.stringMatching(/'somethingElse' is not a prop of Membrane and is ignored. See MembraneProps/),
    ]);
  });
});

describeCdkTest('Membrane tags AWS would refuse', () => {
  const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag-${i}`, 'x']));
  const membrane = (props: Partial<MembraneProps>) => {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    return () => new Membrane(stack, 'Membrane', { ...inputs(stack), ...props });
  };

  test('more than 47 tags: AWS allows 50 per resource and aws-cdk-lib puts 3 of its own on the subnets', () => {
    expect(membrane({ tags: tags(48) })).toThrow(/invalid 'tags': 48 tags are more than 47: AWS allows 50 per resource/);
    expect(membrane({ tags: tags(47) })).not.toThrow();
  });

  test.each<[string, { [key: string]: string }, RegExp]>([
    ['a key of 129 characters', { ['k'.repeat(129)]: 'x' }, /invalid 'tags.k+': the key 'k+' is 129 characters long, not 1 to 128/],
    ['a value of 257 characters', { team: 'v'.repeat(257) }, /invalid 'tags.team': the value 'v{40}...' is 257 characters long, more than 256/],
    ['an empty key', { '': 'x' }, /invalid 'tags.': the key '' is 0 characters long, not 1 to 128/],
    ['a value that is not a string (JavaScript)', { team: 7 as unknown as string }, /invalid 'tags.team': the number 7 is not a string/],
  ])('%s', (_name, given, message) => {
    expect(membrane({ tags: given })).toThrow(message);
  });
});
