import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MembraneChecks, MembraneEcsServices, MembraneExposure, MembraneScaling, MembraneVersion } from '../../lib';
import { buildServices } from '../fixtures';
import { testStack } from '../rule-packs';

/** Membrane findings as `<rule> at <construct path>`. */
function findings(stack: Stack): string[] {
  return new MembraneChecks().validateScope(stack).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} at ${r.constructPath}`)).sort();
}

/** A bare Fargate task definition with the given environment, for rules that look at containers. */
function taskDefinition(stack: Stack, environment: Record<string, string>, image = 'harbor.getmembrane.com/core/api:2026-01-14') {
  const td = new ecs.FargateTaskDefinition(stack, 'Task', { cpu: 512, memoryLimitMiB: 2048 });
  td.addContainer('app', { image: ecs.ContainerImage.fromRegistry(image), environment });
  return td;
}

describe('MembraneChecks', () => {
  test('stays quiet on the default services with autoscaling', () => {
    const { stack, services, cache } = buildServices();
    new MembraneScaling(stack, 'Scaling', { services, caches: [cache] });
    expect(findings(stack)).toEqual([]);
  });

  test('CustomCodeRunnerNotPublic fires when the runner is put behind the public load balancer', () => {
    const { stack, services } = buildServices();
    services.httpsListener.addTargets('Runner', {
      priority: 5,
      conditions: [elbv2.ListenerCondition.hostHeaders(['runner.example.com'])],
      port: 5000,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [services.customCodeRunner.service.loadBalancerTarget({ containerName: 'custom-code-runner', containerPort: 5000 })],
    });
    expect(findings(stack)).toEqual(['Membrane-CustomCodeRunnerNotPublic at Test/Membrane/CustomCodeRunner/Service/Service']);
  });

  test('RedisTls fires when in-transit encryption is off', () => {
    const { stack, cache } = buildServices();
    cache.replicationGroup.addPropertyOverride('TransitEncryptionEnabled', false);
    expect(findings(stack)).toEqual(expect.arrayContaining(['Membrane-RedisTls at Test/Cache/ReplicationGroup']));
  });

  test('RedisTlsVerificationFlag fires when the flag is set and the stack\'s caches have no TLS', () => {
    const stack = testStack();
    taskDefinition(stack, { REDIS_DISABLE_TLS_VERIFICATION: 'true' });
    expect(findings(stack)).toEqual([]); // the cache is outside the stack: not knowable
    new elasticache.CfnReplicationGroup(stack, 'Tls', {
      replicationGroupDescription: 'TLS',
      engine: 'redis',
      cacheNodeType: 'cache.t4g.small',
      numCacheClusters: 1,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
    });
    expect(findings(stack)).toEqual([]);
    const other = testStack('Other');
    taskDefinition(other, { REDIS_DISABLE_TLS_VERIFICATION: 'true' });
    new elasticache.CfnReplicationGroup(other, 'Plain', {
      replicationGroupDescription: 'no TLS', engine: 'redis', cacheNodeType: 'cache.t4g.small', numCacheClusters: 1,
    });
    expect(findings(other)).toEqual(['Membrane-RedisTls at Other/Plain', 'Membrane-RedisTlsVerificationFlag at Other/Task/Resource']);
  });

  test('NoServerlessCache fires on ElastiCache Serverless', () => {
    const stack = testStack();
    new elasticache.CfnServerlessCache(stack, 'Serverless', { engine: 'redis', serverlessCacheName: 'membrane' });
    expect(findings(stack)).toEqual(['Membrane-NoServerlessCache at Test/Serverless']);
  });

  test.each([
    ['a secret-like name', { SECRET: 'not-so-secret' }],
    ['credentials inside a URI', { DATABASE: 'mongodb+srv://user:password@cluster.example.net/membrane' }],
  ])('NoPlaintextSecrets fires on %s in plain environment', (_name, environment) => {
    const stack = testStack();
    taskDefinition(stack, environment);
    expect(findings(stack)).toEqual(['Membrane-NoPlaintextSecrets at Test/Task/Resource']);
  });

  test('ImmutableImageTags fires on latest and on untagged images, not on digests', () => {
    const { stack } = buildServices({ version: MembraneVersion.LATEST });
    expect(findings(stack).filter(f => f.startsWith('Membrane-ImmutableImageTags'))).toHaveLength(7);
    const untagged = testStack();
    taskDefinition(untagged, {}, 'harbor.getmembrane.com/core/api');
    expect(findings(untagged)).toEqual(['Membrane-ImmutableImageTags at Test/Task/Resource']);
    const digest = testStack();
    taskDefinition(digest, {}, 'harbor.getmembrane.com/core/api@sha256:' + 'a'.repeat(64));
    expect(findings(digest)).toEqual([]);
  });

  test('TmpBucketExpiry fires when the tmp bucket loses its expiration rule', () => {
    const { stack, storage } = buildServices();
    (storage.tmpBucket.node.defaultChild as s3.CfnBucket).addPropertyDeletionOverride('LifecycleConfiguration');
    expect(findings(stack).filter(f => f.startsWith('Membrane-TmpBucketExpiry'))).toHaveLength(4);
  });

  test('PublicListenersHttpsOnly fires on a public HTTP listener that serves content', () => {
    const { stack, services } = buildServices();
    const http = services.loadBalancer.addListener('PlainHttp', { port: 8080, protocol: elbv2.ApplicationProtocol.HTTP, open: false });
    http.addTargetGroups('Api', { targetGroups: [services.api.targetGroup!] });
    expect(findings(stack)).toEqual(['Membrane-PublicListenersHttpsOnly at Test/Membrane/LoadBalancer/PlainHttp/Resource']);
  });

  test('PublicListenersHttpsOnly fires on a forwarding rule added to the redirect listener', () => {
    const { stack, services } = buildServices();
    const redirect = services.loadBalancer.node.findChild('Redirect80To443') as elbv2.ApplicationListener;
    redirect.addTargetGroups('Api', {
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/x'])],
      targetGroups: [services.api.targetGroup!],
    });
    expect(findings(stack)).toEqual(['Membrane-PublicListenersHttpsOnly at Test/Membrane/LoadBalancer/Redirect80To443/ApiRule/Resource']);
  });

  test('OrchestratorHighAvailability fires on a single orchestrator', () => {
    const { stack } = buildServices({ services: { orchestrator: { desiredCount: 1 } } });
    expect(findings(stack)).toEqual(['Membrane-OrchestratorHighAvailability at Test/Membrane/Orchestrator/Service/Service']);
  });

  test('LoadBalancerIdleTimeout fires when the ALB keeps idle connections longer than the API', () => {
    const { stack, services } = buildServices();
    services.loadBalancer.setAttribute('idle_timeout.timeout_seconds', '120');
    expect(findings(stack)).toEqual(['Membrane-LoadBalancerIdleTimeout at Test/Membrane/LoadBalancer/Resource']);
  });

  describe('EdgeForwardsOnlyNamedPaths', () => {
    const edgeServices = () => buildServices({
      exposure: MembraneExposure.internalWithPublicEdge({
        webhooksDomainName: 'webhooks.example.com',
        webhookPaths: ['/webhooks/*'],
        oauthCallbackDomainName: 'oauth.example.com',
        oauthCallbackPaths: ['/oauth-callback'],
      }),
    });
    const edgeGroup = (services: MembraneEcsServices) =>
      services.node.findChild('Edge').node.findChild('ApiTargetGroup') as elbv2.ApplicationTargetGroup;

    test('stays quiet on the edge as built, and on the internal and internet-facing modes', () => {
      expect(findings(edgeServices().stack)).toEqual([]);
      expect(findings(buildServices({ exposure: MembraneExposure.internal() }).stack)).toEqual([]);
    });

    test.each([
      ['a rule forwarding /*', [elbv2.ListenerCondition.pathPatterns(['/webhooks/*', '/*'])]],
      ['a rule forwarding *', [elbv2.ListenerCondition.pathPatterns(['*'])]],
      ['a rule without a path condition', [elbv2.ListenerCondition.hostHeaders(['webhooks.example.com'])]],
    ])('fires on %s added to the edge listener', (_name, conditions) => {
      const { stack, services } = edgeServices();
      services.edgeListener!.addAction('Everything', { priority: 50, conditions, action: elbv2.ListenerAction.forward([edgeGroup(services)]) });
      expect(findings(stack)).toEqual(['Membrane-EdgeForwardsOnlyNamedPaths at Test/Membrane/Edge/LoadBalancer/Https/EverythingRule/Resource']);
    });

    test('fires when the edge listener forwards by default', () => {
      const { stack, services } = edgeServices();
      (services.edgeListener!.node.defaultChild as elbv2.CfnListener).addPropertyOverride('DefaultActions',
        [{ Type: 'forward', TargetGroupArn: edgeGroup(services).targetGroupArn }]);
      expect(findings(stack)).toEqual(['Membrane-EdgeForwardsOnlyNamedPaths at Test/Membrane/Edge/LoadBalancer/Https/Resource']);
    });

    test('a fixed response or redirect on the edge is fine; the main internal load balancer is not the edge', () => {
      const { stack, services } = edgeServices();
      services.edgeListener!.addAction('Robots', {
        priority: 60,
        conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        action: elbv2.ListenerAction.fixedResponse(404),
      });
      services.httpsListener.addAction('AllApi', {
        priority: 99, conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])], action: elbv2.ListenerAction.forward([services.api.targetGroup!]),
      });
      expect(findings(stack)).toEqual([]);
    });
  });

  test('LoadBalancerIdleTimeout also holds for an internal load balancer', () => {
    const { stack, services } = buildServices({ exposure: MembraneExposure.internal() });
    services.loadBalancer.setAttribute('idle_timeout.timeout_seconds', '61');
    expect(findings(stack)).toEqual(['Membrane-LoadBalancerIdleTimeout at Test/Membrane/LoadBalancer/Resource']);
  });

  test('rules stay quiet on unrelated resources', () => {
    const stack = testStack();
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 1 });
    taskDefinition(stack, { NODE_ENV: 'production' });
    expect(findings(stack)).toEqual([]);
  });
});
