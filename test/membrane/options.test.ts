import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { build, env, inputs } from './support';
import { IMembraneService, Membrane, MembraneAutoscaling, MembraneCache, MembraneExposure, MembraneStorage } from '../../lib';
import { containerOf } from '../fixtures';
import { annotationsOf, describeCdkTest, templateOf } from '../harness';
import { testApp } from '../rule-packs';

// Membrane's options: tags, endpoints, exposure, scaling, limits, the static host's certificate, routing, brought resources, retainData.

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
    const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
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
    const off = build({
      queuedTaskProtection: false,
      autoscaling: MembraneAutoscaling.enabled({ burstScaling: false, api: { memoryTarget: 85 } }),
    });
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
    const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
    const base = inputs(stack);
    const membrane = new Membrane(stack, 'Membrane', { ...base, domain: { ...base.domain, createStaticCertificate: false } });
    expect(membrane.certificateStack).toBeUndefined();
    expect(JSON.stringify(stack.resolve(membrane.staticUrl))).toMatch(/StaticDistribution.*DomainName/);
    templateOf(stack).resourceCountIs('AWS::CertificateManager::Certificate', 1);
  });

  test('a zone that is a resource of a stack cannot validate a us-east-1 certificate: the error names the fixes', () => {
    const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
    const zone = new route53.PublicHostedZone(stack, 'OwnZone', { zoneName: 'example.com' });
    expect(() => new Membrane(stack, 'Membrane', { ...inputs(stack), domain: { zone } }))
      .toThrow(/invalid 'domain.zone': the static host's certificate must be created in us-east-1.*fromHostedZoneAttributes.*createStaticCertificate: false/);
  });

  test('a given us-east-1 certificate serves static files from static.<zone> in any region', () => {
    const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
    const staticCertificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    const base = inputs(stack);
    const membrane = new Membrane(stack, 'Membrane', { ...base, domain: { ...base.domain, staticCertificate, staticHost: 'cdn' } });
    expect(membrane.staticUrl).toBe('https://cdn.example.com');
    templateOf(stack).hasResourceProperties('AWS::Route53::RecordSet', { Name: 'cdn.example.com.', Type: 'A' });
  });

  test('path routing on the API host', () => {
    const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
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
    const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
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
    const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
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
    const { template } = build({ autoscaling: MembraneAutoscaling.none(), services: { api: { desiredCount: 3 } } });
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
