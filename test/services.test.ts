import { App, CfnElement, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { buildServices, containerOf, servicesFixture, servicesProps } from './fixtures';
import { annotationsOf, describeCdkTest, expectFindings, templateOf } from './harness';
import { expectNoNagFindings, ownAcknowledgements, testStack } from './nag';
import {
  IMembraneService, MembraneAuth, MembraneCache, MembraneCacheProps, MembraneCacheRole, MembraneCredentialsStorage, MembraneEcsServices,
  MembraneEcsServicesProps, MembraneRegistry, MembraneScaling, MembraneStartupCheck, MembraneVersion,
} from '../lib';

const container = containerOf;

/** The Secrets Manager statements of a service's execution role policy. */
function executionRoleSecretStatements(stack: Stack, svc: IMembraneService): Array<{ Action: string[] | string; Resource: unknown }> {
  const role = svc.taskDefinition.executionRole!;
  const policy = Object.values(templateOf(stack).findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as ecs.CfnService) }] },
  }))[0];
  return policy.Properties.PolicyDocument.Statement.filter((s: { Action: string[] | string }) =>
    [s.Action].flat().some(a => a.startsWith('secretsmanager:')));
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as ecs.CfnService);
}

const ENGINE_COMMON = [
  'AUTH0_CLIENT_ID', 'AUTH0_DOMAIN', 'AWS_REGION', 'BASE_STATIC_URI', 'BASE_URI', 'BASE_URI_INTERNAL', 'CONNECTORS_S3_BUCKET',
  'CONNECTORS_STORAGE_BUCKET', 'CUSTOM_CODE_RUNNER_URI', 'HEALTH_CHECK_MAX_RETRY_DELAY_MS', 'HEALTH_CHECK_RETRIES', 'HEALTH_CHECK_RETRY_DELAY_MS',
  'HOST', 'MONGO_SERVER_SELECTION_TIMEOUT_MS', 'NODE_ENV', 'NODE_OPTIONS', 'PORT', 'REDIS_CONNECT_TIMEOUT_MS', 'REDIS_DISABLE_TLS_VERIFICATION',
  'STATIC_S3_BUCKET', 'STATIC_STORAGE_BUCKET', 'STORAGE_PROVIDER', 'TMP_S3_BUCKET', 'TMP_STORAGE_BUCKET',
];
const ENGINES = ['api', 'instantTasksWorker', 'queuedTasksWorker', 'orchestrator'] as const;
const NOT_ENGINES = ['ui', 'console', 'customCodeRunner'] as const;
const ENGINE_SECRETS = ['AUTH0_CLIENT_SECRET', 'ENCRYPTION_SECRET', 'MONGO_URI', 'REDIS_URI', 'SECRET', 'SELF_HOSTING_TOKEN'];

describeCdkTest('MembraneEcsServices environment ("Service Deployment", "Self-hosting on AWS", "Self-hosting")', () => {
  const { stack, services, storage } = buildServices();

  test('api: common variables, IS_API=1 and the 61 s header/keep-alive timeouts', () => {
    const { environment } = container(stack, services.api);
    expect(Object.keys(environment).sort()).toEqual([...ENGINE_COMMON, 'HEADERS_TIMEOUT_MS', 'IS_API', 'KEEPALIVE_TIMEOUT_MS'].sort());
    expect(environment).toMatchObject({
      IS_API: '1',
      HEADERS_TIMEOUT_MS: '61000',
      KEEPALIVE_TIMEOUT_MS: '61000',
      NODE_ENV: 'production',
      PORT: '5000',
      BASE_URI: 'https://api.example.com',
      BASE_URI_INTERNAL: 'https://api.example.com',
      CUSTOM_CODE_RUNNER_URI: 'http://custom-code-runner:5000',
      STORAGE_PROVIDER: 's3',
      REDIS_DISABLE_TLS_VERIFICATION: 'true',
      REDIS_CONNECT_TIMEOUT_MS: '60000',
      MONGO_SERVER_SELECTION_TIMEOUT_MS: '60000',
      HEALTH_CHECK_RETRIES: '5',
      HEALTH_CHECK_RETRY_DELAY_MS: '2000',
      HEALTH_CHECK_MAX_RETRY_DELAY_MS: '30000',
      AUTH0_DOMAIN: 'login.example.com',
      AUTH0_CLIENT_ID: 'client-123',
    });
  });

  test('workers and orchestrator: the same common variables plus their mode switch', () => {
    expect(Object.keys(container(stack, services.instantTasksWorker).environment).sort()).toEqual([...ENGINE_COMMON,
      'IS_INSTANT_TASKS_WORKER'].sort());
    expect(Object.keys(container(stack, services.orchestrator).environment).sort()).toEqual([...ENGINE_COMMON, 'IS_ORCHESTRATOR'].sort());
    const queued = container(stack, services.queuedTasksWorker).environment;
    expect(Object.keys(queued).sort()).toEqual([...ENGINE_COMMON, 'IS_QUEUED_TASKS_WORKER', 'MAX_QUEUED_TASKS_MEMORY_MB',
      'MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS'].sort());
    expect(queued).toMatchObject({ IS_QUEUED_TASKS_WORKER: '1', MAX_QUEUED_TASKS_MEMORY_MB: '1024', MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS: '3000' });
    expect(container(stack, services.instantTasksWorker).environment.IS_INSTANT_TASKS_WORKER).toBe('1');
    expect(container(stack, services.orchestrator).environment.IS_ORCHESTRATOR).toBe('1');
  });

  test('the api-image services listen on every interface (HOST=0.0.0.0), as in Membrane\'s own ECS deployments; the others get no HOST', () => {
    for (const key of ENGINES) expect([key, container(stack, services[key]).environment.HOST]).toEqual([key, '0.0.0.0']);
    for (const key of NOT_ENGINES) expect([key, container(stack, services[key]).environment.HOST]).toEqual([key, undefined]);
  });

  test('the buckets are also under TMP_S3_BUCKET, CONNECTORS_S3_BUCKET and STATIC_S3_BUCKET, the names Membrane\'s own deployments read', () => {
    for (const key of ENGINES) {
      const { environment } = container(stack, services[key]);
      expect(environment.TMP_S3_BUCKET).toEqual(environment.TMP_STORAGE_BUCKET);
      expect(environment.CONNECTORS_S3_BUCKET).toEqual(environment.CONNECTORS_STORAGE_BUCKET);
      expect(environment.STATIC_S3_BUCKET).toEqual(environment.STATIC_STORAGE_BUCKET);
      expect(environment.TMP_S3_BUCKET).toEqual({ Ref: stack.getLogicalId(storage.tmpBucket.node.defaultChild as ecs.CfnService) });
    }
  });

  test('Node.js heap limit: NODE_OPTIONS gives 75 % of the Membrane container\'s memory to the heap, so a large job fails inside Node.js', () => {
    // api 4096 MiB; workers and orchestrator 2048 MiB; the queued worker's container shares its task with the 128 MiB sidecar.
    const heap = Object.fromEntries(ENGINES.map(key => [key, container(stack, services[key]).environment.NODE_OPTIONS]));
    expect(heap).toEqual({
      api: '--max-old-space-size=3072',
      instantTasksWorker: '--max-old-space-size=1536',
      queuedTasksWorker: '--max-old-space-size=1440',
      orchestrator: '--max-old-space-size=1536',
    });
    for (const key of NOT_ENGINES) expect(container(stack, services[key]).environment.NODE_OPTIONS).toBeUndefined();
  });

  test('api-image services receive every credential as an ECS secret', () => {
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      expect(Object.keys(container(stack, svc).secrets).sort()).toEqual(ENGINE_SECRETS);
    }
  });

  test('ui: NEXT_PUBLIC_ENGINE_URI and PORT only, no secrets', () => {
    const { environment, secrets } = container(stack, services.ui);
    expect(environment).toEqual({ PORT: '5000', NEXT_PUBLIC_ENGINE_URI: 'https://api.example.com' });
    expect(secrets).toEqual({});
  });

  test('console: its URLs and the public Auth0 settings of the same application as the API, no secrets', () => {
    const { environment, secrets } = container(stack, services.console);
    expect(environment).toEqual({
      PORT: '5000',
      NEXT_PUBLIC_BASE_URI: 'https://console.example.com',
      NEXT_PUBLIC_ENGINE_API_URI: 'https://api.example.com',
      NEXT_PUBLIC_ENGINE_UI_URI: 'https://ui.example.com',
      NEXT_PUBLIC_AUTH0_DOMAIN: 'login.example.com',
      NEXT_PUBLIC_AUTH0_CLIENT_ID: 'client-123',
    });
    expect(secrets).toEqual({});
  });

  test('custom code runner: PORT only', () => {
    expect(container(stack, services.customCodeRunner).environment).toEqual({ PORT: '5000' });
    expect(container(stack, services.customCodeRunner).secrets).toEqual({});
  });

  test('no plain environment variable anywhere carries a credential', () => {
    for (const svc of services.allServices()) {
      for (const name of Object.keys(container(stack, svc).environment)) {
        expect(name).not.toMatch(/SECRET|PASSWORD|TOKEN|MONGO_URI|REDIS_URI|ACCESS_KEY/);
      }
    }
  });

  test('SECRET and ENCRYPTION_SECRET are generated (64 alphanumerics) and retained', () => {
    const template = templateOf(stack);
    for (const secret of [services.generatedJwtSecret!, services.generatedEncryptionSecret!]) {
      const resource = template.toJSON().Resources[stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret)];
      expect(resource.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(resource.Properties.GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true });
    }
    const { secrets } = container(stack, services.api);
    expect(secrets.SECRET).toEqual({ Ref: stack.getLogicalId(services.generatedJwtSecret!.node.defaultChild as secretsmanager.CfnSecret) });
    const encryptionSecret = services.generatedEncryptionSecret!.node.defaultChild as secretsmanager.CfnSecret;
    expect(secrets.ENCRYPTION_SECRET).toEqual({ Ref: stack.getLogicalId(encryptionSecret) });
  });

  test('the api execution role reads exactly its secrets and the registry login, nothing else', () => {
    const secretStatements = executionRoleSecretStatements(stack, services.api);
    const resources = secretStatements.flatMap(s => [s.Resource].flat());
    const text = JSON.stringify(resources);
    for (const name of ['membrane/registry', 'membrane/mongo-uri', 'membrane/self-hosting-token',
      'membrane/auth0']) expect(text).toContain(name);
    expect(text).not.toContain('"*"');
    // registry, mongo, token, auth0, REDIS_URI, SECRET, ENCRYPTION_SECRET
    expect(new Set(resources.map((r: unknown) => JSON.stringify(r))).size).toBe(7);
    for (const s of secretStatements) expect([s.Action].flat().sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });

  test('the ui execution role reads only the registry login', () => {
    const secretResources = executionRoleSecretStatements(stack, services.ui).flatMap(s => [s.Resource].flat());
    expect(JSON.stringify(secretResources)).toContain('membrane/registry');
    expect(secretResources).toHaveLength(1);
  });

  test('the engine task roles get the storage grant; ui, console and runner task roles get nothing', () => {
    const template = templateOf(stack);
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: stack.getLogicalId(svc.taskDefinition.taskRole.node.defaultChild as ecs.CfnService) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject', 's3:PutObject']) })]) },
      });
    }
    for (const svc of [services.ui, services.console, services.customCodeRunner]) {
      expect(svc.taskDefinition.taskRole.node.tryFindChild('DefaultPolicy')).toBeUndefined();
    }
  });
});

const template0 = (stack: Stack) => templateOf(stack);

describeCdkTest('MembraneEcsServices images, sizes and counts', () => {

  test('x86_64 on request: the api-image services get CUSTOM_CODE_MEMORY_LIMIT ("Self-hosting": 20 GB of virtual memory for WebAssembly)', () => {
    const b = buildServices({ cpuArchitecture: ecs.CpuArchitecture.X86_64 });
    for (const svc of [b.services.api, b.services.instantTasksWorker, b.services.queuedTasksWorker, b.services.orchestrator]) {
      const c = container(b.stack, svc);
      expect(c.taskDefinition.RuntimePlatform.CpuArchitecture).toBe('X86_64');
      expect(c.environment.CUSTOM_CODE_MEMORY_LIMIT).toBe('21474836480');
    }
    expect(container(b.stack, b.services.ui).environment.CUSTOM_CODE_MEMORY_LIMIT).toBeUndefined();
  });

  const { stack, services } = buildServices();

  test('images come from <registry>/core/<image>:<version> with the registry login on every container', () => {
    const images: Record<string, string> = {
      api: 'api',
      instantTasksWorker: 'api',
      queuedTasksWorker: 'api',
      orchestrator: 'api',
      ui: 'ui',
      console: 'console',
      customCodeRunner: 'custom-code-runner',
    };
    for (const [key, image] of Object.entries(images)) {
      const { def } = container(stack, (services as unknown as Record<string, IMembraneService>)[key]);
      expect(def.Image).toBe(`harbor.getmembrane.com/core/${image}:2026-01-14`);
      expect(JSON.stringify(def.RepositoryCredentials)).toContain('secret:membrane/registry');
    }
  });

  test('default task sizes: api 1 vCPU/4 GB, other engines and runner 0.5/2 GB, ui/console 0.5/1 GB, Graviton (ARM64) Linux', () => {
    const expected: Array<[IMembraneService, string, string]> = [
      [services.api, '1024', '4096'], [services.instantTasksWorker, '512', '2048'], [services.queuedTasksWorker, '512', '2048'],
      [services.orchestrator, '512', '2048'], [services.customCodeRunner, '512', '2048'], [services.ui, '512', '1024'], [services.console, '512',
        '1024'],
    ];
    for (const [svc, cpu, memory] of expected) {
      const { taskDefinition } = container(stack, svc);
      expect([taskDefinition.Cpu, taskDefinition.Memory]).toEqual([cpu, memory]);
      expect(taskDefinition.RuntimePlatform).toEqual({ CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' });
      expect(taskDefinition.RequiresCompatibilities).toEqual(['FARGATE']);
    }
  });

  test('every service runs 2 tasks by default (orchestrator, ui and console per the "Self-hosting" HA recommendation)', () => {
    const template = templateOf(stack);
    for (const svc of services.allServices()) {
      expect(template.toJSON().Resources[logicalId(stack, svc.service)].Properties.DesiredCount).toBe(2);
    }
  });

  test('overrides: size, count, Spot for a worker (on ARM64, Fargate Spot on platform 1.4.0), legacy registry', () => {
    const b = buildServices({
      registry: MembraneRegistry.INTEGRATION_APP,
      services: { api: { cpu: 2048, memoryLimitMiB: 8192, desiredCount: 3 }, queuedTasksWorker: { spot: true } },
    });
    const api = container(b.stack, b.services.api);
    expect([api.taskDefinition.Cpu, api.taskDefinition.Memory]).toEqual(['2048', '8192']);
    expect(api.taskDefinition.RuntimePlatform.CpuArchitecture).toBe('ARM64');
    expect(api.environment.CUSTOM_CODE_MEMORY_LIMIT).toBeUndefined();
    // No platform version: ECS runs LATEST, 1.4.0 on Linux, from which FARGATE_SPOT runs ARM64 tasks (ECS API reference).
    expect(template0(b.stack).toJSON().Resources[logicalId(b.stack, b.services.queuedTasksWorker.service)].Properties.PlatformVersion)
      .toBeUndefined();
    expect(api.def.Image).toBe('harbor.integration.app/core/api:2026-01-14');
    const template = templateOf(b.stack);
    expect(template.toJSON().Resources[logicalId(b.stack, b.services.api.service)].Properties.DesiredCount).toBe(3);
    const queued = template.toJSON().Resources[logicalId(b.stack, b.services.queuedTasksWorker.service)].Properties;
    expect(queued.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
    ]);
    expect(queued.LaunchType).toBeUndefined();
    // The Spot service keeps the capacity-provider association until it is deleted itself; the others need none.
    const association = Object.keys(template.findResources('AWS::ECS::ClusterCapacityProviderAssociations'));
    expect(association).toHaveLength(1);
    const dependsOn = (svc: IMembraneService) => template.toJSON().Resources[logicalId(b.stack, svc.service)].DependsOn ?? [];
    expect(dependsOn(b.services.queuedTasksWorker)).toContain(association[0]);
    expect(dependsOn(b.services.instantTasksWorker)).not.toContain(association[0]);
  });
});

describeCdkTest('MembraneEcsServices load balancer and routing', () => {
  const { stack, services } = buildServices();
  const template = templateOf(stack);

  test('internet-facing ALB: invalid headers dropped, idle timeout below the 61 s keep-alive, access logs, deletion protection', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
    });
    const attributes = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0].Properties.LoadBalancerAttributes;
    expect(attributes).toEqual(expect.arrayContaining([
      { Key: 'deletion_protection.enabled', Value: 'true' },
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      { Key: 'idle_timeout.timeout_seconds', Value: '60' },
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.prefix', Value: 'alb' },
    ]));
  });

  test('HTTPS on 443 with a modern TLS policy and a 404 default; HTTP 80 redirects permanently to HTTPS', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
  });

  test('host-based routing to api, ui and console', () => {
    const ref = (group: { node: { defaultChild?: unknown } }) => ({ Ref: stack.getLogicalId(group.node.defaultChild as ecs.CfnService) });
    for (const [host, svc] of [['api.example.com', services.api], ['ui.example.com', services.ui], ['console.example.com',
      services.console]] as const) {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [host] } }],
        // Blue/green: the rule forwards to both target groups, all the weight on the one in service.
        Actions: [{
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: ref(svc.targetGroup!), Weight: 100 }, { TargetGroupArn: ref(svc.alternateTargetGroup!), Weight: 0 },
            ],
          },
        }],
      });
    }
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 3);
  });

  test('target groups: IP targets on port 5000, health check on /, fast deregistration', () => {
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 5000,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 15,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    }, 6);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/', Matcher: { HttpCode: '200' } });
  });

  test('a DNS-validated certificate covers the three host names; alias records in the zone', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.example.com',
      SubjectAlternativeNames: ['ui.example.com', 'console.example.com'],
      ValidationMethod: 'DNS',
    });
    for (const host of ['api.example.com.', 'ui.example.com.', 'console.example.com.']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: host, Type: 'A', HostedZoneId: 'Z0123' });
    }
  });

  test('path-based routing with BASE_PATH: one host, path rules before the API, BASE_PATH and health check on the path', () => {
    const b = buildServices({
      domain: {
        apiDomainName: 'integrations.example.com',
        uiBasePath: '/ui-app',
        consoleBasePath: '/console-app',
        certificate: acm.Certificate.fromCertificateArn(testStack('Other'), 'Cert', 'arn:aws:acm:eu-central-1:123456789012:certificate/abc'),
      },
    });
    const t = templateOf(b.stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 100,
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['integrations.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/ui-app', '/ui-app/*'] } },
      ],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 110,
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['integrations.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/console-app', '/console-app/*'] } },
      ],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 300, Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['integrations.example.com'] } }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/ui-app', Matcher: { HttpCode: '200-399' } });
    t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    t.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(container(b.stack, b.services.ui).environment.BASE_PATH).toBe('/ui-app');
    expect(container(b.stack, b.services.console).environment).toMatchObject({
      BASE_PATH: '/console-app',
      NEXT_PUBLIC_BASE_URI: 'https://integrations.example.com/console-app',
      NEXT_PUBLIC_ENGINE_UI_URI: 'https://integrations.example.com/ui-app',
    });
    expect(b.services.uiUrl).toBe('https://integrations.example.com/ui-app');
  });

  test('a WAF web ACL is associated when given', () => {
    const b = buildServices({ webAclArn: 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/membrane/abc' });
    templateOf(b.stack).hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/membrane/abc',
    });
    expectNoNagFindings(b.stack);
  });
});

describeCdkTest('MembraneEcsServices health checks', () => {
  const { stack, services } = buildServices();

  test.each([
    ['queuedTasksWorker', '/prometheus/queued-tasks'],
    ['customCodeRunner', '/api/v2/health'],
    ['instantTasksWorker', '/'],
    ['orchestrator', '/'],
  ])('%s: container health check GET %s with a five-minute start period', (key, path) => {
    const { def } = container(stack, (services as unknown as Record<string, IMembraneService>)[key]);
    expect(def.HealthCheck).toEqual({
      Command: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:5000${path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`],
      Interval: 30,
      Timeout: 5,
      Retries: 3,
      StartPeriod: 300,
    });
  });

  test('services behind the ALB rely on its health check and get a five-minute grace period', () => {
    const template = templateOf(stack);
    for (const svc of [services.api, services.ui, services.console]) {
      expect(container(stack, svc).def.HealthCheck).toBeUndefined();
      expect(template.toJSON().Resources[logicalId(stack, svc.service)].Properties.HealthCheckGracePeriodSeconds).toBe(300);
    }
  });

  test('the health check command can be replaced', () => {
    const b = buildServices({ services: { orchestrator: { healthCheckCommand: ['CMD-SHELL', 'curl -f http://localhost:5000/ || exit 1'] } } });
    expect(container(b.stack, b.services.orchestrator).def.HealthCheck.Command).toEqual(['CMD-SHELL', 'curl -f http://localhost:5000/ || exit 1']);
  });
});

describeCdkTest('MembraneEcsServices custom code runner isolation', () => {
  const { stack, services } = buildServices();
  const template = templateOf(stack);
  const sgOf = (svc: IMembraneService) => stack.resolve(svc.service.connections.securityGroups[0].securityGroupId);

  test('it is a Service Connect server; the api-image services are its clients', () => {
    expect(template.toJSON().Resources[logicalId(stack, services.customCodeRunner.service)].Properties.ServiceConnectConfiguration).toEqual({
      Enabled: true,
      Namespace: 'test-membrane.membrane.internal',
      Services: [{
        PortName: 'http',
        DiscoveryName: 'custom-code-runner',
        ClientAliases: [{ DnsName: 'custom-code-runner', Port: 5000 }],
        // Service Connect's 15 s default would cut custom code short; a call may last as long as a queued task.
        Timeout: { PerRequestTimeoutSeconds: 3000, IdleTimeoutSeconds: 3000 },
      }],
    });
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      expect(template.toJSON().Resources[logicalId(stack, svc.service)].Properties.ServiceConnectConfiguration).toEqual({
        Enabled: true,
        Namespace: 'test-membrane.membrane.internal',
      });
    }
  });

  test('the load balancer may only reach the API, UI and Console on port 5000: no egress to anywhere else', () => {
    const lbGroup = stack.resolve(services.loadBalancer.connections.securityGroups[0].securityGroupId);
    const group = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .find(g => JSON.stringify(g.Properties.GroupDescription).includes('Security Group for ELB'))!;
    expect(group.Properties.SecurityGroupEgress).toBeUndefined();
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress', { Properties: { GroupId: lbGroup } }));
    const rule = (port: number, destination: unknown) => JSON.stringify([port, destination]);
    expect(egress.map(e => rule(e.Properties.FromPort, e.Properties.DestinationSecurityGroupId)).sort()).toEqual(
      [services.api, services.console, services.ui].map(svc => rule(5000, stack.resolve(svc.service.connections.securityGroups[0].securityGroupId)))
        .sort());
    expect(egress.every(e => e.Properties.ToPort === 5000)).toBe(true);
  });

  test('its security group admits port 5000 from the four api-image services and nothing else', () => {
    const target = sgOf(services.customCodeRunner);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .map(r => r.Properties).filter(p => JSON.stringify(p.GroupId) === JSON.stringify(target));
    expect(ingress.map(p => [p.FromPort, p.ToPort])).toEqual([[5000, 5000], [5000, 5000], [5000, 5000], [5000, 5000]]);
    expect(ingress.map(p => JSON.stringify(p.SourceSecurityGroupId)).sort()).toEqual(
      [services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator, services.api].map(s => JSON.stringify(sgOf(s))).sort());
    const runnerSg = services.customCodeRunner.service.connections.securityGroups[0].node.defaultChild as ecs.CfnService;
    const inline = template.toJSON().Resources[stack.getLogicalId(runnerSg)];
    expect(inline.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('it has no target group, no listener rule and no public IP', () => {
    expect(services.customCodeRunner.targetGroup).toBeUndefined();
    const rules = JSON.stringify(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rules).not.toContain('CustomCodeRunner');
    expect(template.toJSON().Resources[logicalId(stack,
      services.customCodeRunner.service)].Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
  });

  test('the api-image services reach the cache port; nothing else does', () => {
    const cacheIngress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 6380 } }));
    expect(cacheIngress.map(r => JSON.stringify(r.Properties.SourceSecurityGroupId)).sort()).toEqual(
      [services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator, services.api].map(s => JSON.stringify(sgOf(s))).sort());
  });
});

describeCdkTest('MembraneEcsServices deployment', () => {
  const { stack, services } = buildServices();
  const template = templateOf(stack);
  const dependsOn = (svc: IMembraneService): string[] => template.toJSON().Resources[logicalId(stack, svc.service)].DependsOn ?? [];

  test('a longer idle timeout moves the API keep-alive with it, one second longer', () => {
    const b = buildServices({ loadBalancerIdleTimeout: Duration.minutes(10) });
    templateOf(b.stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '600' }]),
    });
    expect(containerOf(b.stack, b.services.api).environment).toMatchObject({ KEEPALIVE_TIMEOUT_MS: '601000', HEADERS_TIMEOUT_MS: '601000' });
  });

  test('every service waits for the NAT routes of its subnets: tasks pull images and check the token at start', () => {
    const routes = Object.keys(template.findResources('AWS::EC2::Route'))
      .filter(id => /NetworkVpcappSubnet\dDefaultRoute/.test(id));
    expect(routes).toHaveLength(2);
    for (const svc of services.allServices()) expect(dependsOn(svc)).toEqual(expect.arrayContaining(routes));
  });

  test('circuit breaker with rollback and zero-downtime rolling updates on every service', () => {
    template.resourcePropertiesCountIs('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200,
      }),
    }, 7);
  });

  test('order: custom code runner, then workers and orchestrator, then the API, then UI and Console', () => {
    const id = (svc: IMembraneService) => logicalId(stack, svc.service);
    const workers = [services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator];
    for (const w of workers) expect(dependsOn(w)).toContain(id(services.customCodeRunner));
    for (const w of workers) expect(dependsOn(services.api)).toContain(id(w));
    for (const front of [services.ui, services.console]) expect(dependsOn(front)).toContain(id(services.api));
    expect(dependsOn(services.customCodeRunner).filter(d => d.endsWith('Service') || /Service[0-9A-F]{8}$/.test(d))).toEqual([]);
  });

  test('everything that runs jobs gets the longest graceful stop Fargate allows; the load balancer drains the rest', () => {
    for (const svc of [services.queuedTasksWorker, services.instantTasksWorker, services.orchestrator, services.customCodeRunner]) {
      expect(container(stack, svc).def.StopTimeout).toBe(120);
    }
    for (const svc of [services.api, services.ui, services.console]) expect(container(stack, svc).def.StopTimeout).toBeUndefined();
  });

  test('one log group per service, one month retention, retained', () => {
    const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } });
    for (const svc of services.allServices()) {
      const group = groups[stack.getLogicalId(svc.logGroup.node.defaultChild as ecs.CfnService)];
      expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(container(stack,
        svc).def.LogConfiguration.Options['awslogs-group']).toEqual({ Ref: stack.getLogicalId(svc.logGroup.node.defaultChild as ecs.CfnService) });
    }
  });

  test('cluster with Container Insights and the Service Connect namespace', () => {
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
      ServiceConnectDefaults: { Namespace: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', { Name: 'test-membrane.membrane.internal' });
  });

  test('the namespace name comes from the stack, so two environments in one account and region do not collide', () => {
    const names = ['Prod', 'Staging'].map(name => {
      const built = buildServices({}, testStack(name));
      return templateOf(built.stack).findResources('AWS::ServiceDiscovery::HttpNamespace');
    }).map(found => Object.values(found)[0].Properties.Name);
    expect(names).toEqual(['prod-membrane.membrane.internal', 'staging-membrane.membrane.internal']);
  });

  test('a longer queued task time lengthens the custom code runner timeouts with it', () => {
    const { stack: s, services: svc } = buildServices({ settings: { maxQueuedTasksProcessTime: Duration.minutes(90) } });
    expect(templateOf(s).toJSON().Resources[logicalId(s, svc.customCodeRunner.service)].Properties.ServiceConnectConfiguration
      .Services[0].Timeout).toEqual({ PerRequestTimeoutSeconds: 5400, IdleTimeoutSeconds: 5400 });
  });

  test('a queued task time known only at deploy time turns the Service Connect timeouts off (0) instead of failing', () => {
    const s = testStack();
    const time = new CfnParameter(s, 'ProcessTime', { type: 'Number' }).valueAsNumber;
    const { services: svc } = buildServices({ settings: { maxQueuedTasksProcessTime: Duration.seconds(time) } }, s);
    expect(templateOf(s).toJSON().Resources[logicalId(s, svc.customCodeRunner.service)].Properties.ServiceConnectConfiguration
      .Services[0].Timeout).toEqual({ PerRequestTimeoutSeconds: 0, IdleTimeoutSeconds: 0 });
  });

  test('ECS Exec is off unless asked for', () => {
    template.resourcePropertiesCountIs('AWS::ECS::Service', { EnableExecuteCommand: false }, 7);
    const b = buildServices({ enableExecuteCommand: true });
    templateOf(b.stack).resourcePropertiesCountIs('AWS::ECS::Service', { EnableExecuteCommand: true }, 7);
  });
});

describeCdkTest('MembraneEcsServices options', () => {
  test('username/password auth: SMTP variables and password secret, no Auth0 anywhere', () => {
    const f = servicesFixture();
    const smtpPassword = secretsmanager.Secret.fromSecretNameV2(f.stack, 'Smtp', 'membrane/smtp');
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      auth: MembraneAuth.usernamePassword({
        host: 'smtp.example.com', user: 'noreply@example.com', password: smtpPassword, emailFrom: 'noreply@example.com',
      }),
    }));
    const api = container(f.stack, services.api);
    expect(api.environment).toMatchObject({
      SMTP_HOST: 'smtp.example.com',
      SMTP_PORT: '587',
      SMTP_USER: 'noreply@example.com',
      EMAIL_FROM: 'noreply@example.com',
    });
    expect(Object.keys(api.secrets)).toContain('SMTP_PASSWORD');
    const everything = JSON.stringify(services.allServices().map(s => container(f.stack, s).environment));
    expect(everything).not.toContain('AUTH0');
  });

  test('settings map to their variables; limits switch API and Console together', () => {
    const b = buildServices({
      settings: {
        enableLimits: true,
        debug: true,
        maxNodeRunOutputSizeMb: 50,
        baseWebhooksUri: 'https://hooks.example.com',
        baseOauthCallbackUri: 'https://oauth.example.com',
        baseUriInternal: 'http://api.internal:5000',
        connectionCredentialsStorage: MembraneCredentialsStorage.EXTERNAL_API,
        connectionCredentialsEndpointUrl: 'https://creds.example.com',
        mongoMaxIdleTime: Duration.minutes(5),
        mongoMinPoolSize: 3,
        mongoMaxPoolSize: 50,
        mongoServerSelectionTimeout: Duration.seconds(30),
        startupCheckRetries: 7,
        startupCheckRetryDelay: Duration.seconds(1),
        startupCheckMaxRetryDelay: Duration.seconds(10),
        skipStartupChecks: [MembraneStartupCheck.MONGO, MembraneStartupCheck.REDIS],
        maxQueuedTasksMemoryMb: 2048,
        maxQueuedTasksProcessTime: Duration.seconds(5000),
      },
      services: { queuedTasksWorker: { memoryLimitMiB: 4096 } },
    });
    expect(container(b.stack, b.services.api).environment).toMatchObject({
      ENABLE_LIMITS: 'true',
      DEBUG_ALL: '1',
      MAX_NODE_RUN_OUTPUT_SIZE_MB: '50',
      BASE_WEBHOOKS_URI: 'https://hooks.example.com',
      BASE_OAUTH_CALLBACK_URI: 'https://oauth.example.com',
      BASE_URI_INTERNAL: 'http://api.internal:5000',
      CONNECTION_CREDENTIALS_STORAGE_TYPE: 'external_api',
      CONNECTION_CREDENTIALS_EXTERNAL_API_ENDPOINT_URL: 'https://creds.example.com',
      MONGO_MAX_IDLE_TIME_MS: '300000',
      MONGO_MIN_POOL_SIZE: '3',
      MONGO_MAX_POOL_SIZE: '50',
      MONGO_SERVER_SELECTION_TIMEOUT_MS: '30000',
      HEALTH_CHECK_RETRIES: '7',
      HEALTH_CHECK_RETRY_DELAY_MS: '1000',
      HEALTH_CHECK_MAX_RETRY_DELAY_MS: '10000',
      SKIP_HEALTH_CHECKS: 'mongo,redis',
    });
    expect(container(b.stack, b.services.queuedTasksWorker).environment).toMatchObject({
      MAX_QUEUED_TASKS_MEMORY_MB: '2048',
      MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS: '5000',
    });
    expect(container(b.stack, b.services.console).environment).toMatchObject({ NEXT_PUBLIC_ENABLE_LIMITS: 'true', DEBUG_ALL: '1' });
    expect(container(b.stack, b.services.ui).environment.DEBUG_ALL).toBe('1');
    expect(container(b.stack, b.services.customCodeRunner).environment.DEBUG_ALL).toBe('1');
    annotationsOf(b.stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp('Start-up checks skipped'));
  });

  test('a dedicated worker cache adds WORKER_REDIS_URI and its port is opened to the api-image services', () => {
    const f = servicesFixture();
    const workerCache = new MembraneCache(f.stack, 'WorkerCache', { vpc: f.network.vpc, role: MembraneCacheRole.WORKER, port: 6390 });
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { workerCache }));
    expect(Object.keys(container(f.stack, services.queuedTasksWorker).secrets)).toEqual(expect.arrayContaining(['REDIS_URI', 'WORKER_REDIS_URI']));
    templateOf(f.stack).resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { FromPort: 6390 }, 4);
  });

  test('given SECRET and ENCRYPTION_SECRET are used instead of generating them', () => {
    const f = servicesFixture();
    const jwt = secretsmanager.Secret.fromSecretNameV2(f.stack, 'Jwt', 'membrane/jwt');
    const enc = secretsmanager.Secret.fromSecretNameV2(f.stack, 'Enc', 'membrane/enc');
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      jwtSecret: jwt, encryptionSecret: enc,
    }));
    expect(services.generatedJwtSecret).toBeUndefined();
    expect(services.generatedEncryptionSecret).toBeUndefined();
    expect(JSON.stringify(container(f.stack, services.api).secrets.SECRET)).toContain('membrane/jwt');
  });

  test('a customer-managed key encrypts generated secrets and log groups', () => {
    const f = servicesFixture();
    const key = new kms.Key(f.stack, 'Key', { enableKeyRotation: true });
    new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { encryptionKey: key }));
    const keyArn = { 'Fn::GetAtt': [f.stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    const template = templateOf(f.stack);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: keyArn }, 7);
    template.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { KmsKeyId: keyArn }, 2);
  });

  test('extra environment and secrets per service', () => {
    const f = servicesFixture();
    const extra = secretsmanager.Secret.fromSecretNameV2(f.stack, 'Extra', 'membrane/extra');
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      services: { api: { environment: { FEATURE_FLAG: 'on' }, secrets: { PARTNER_API_KEY: ecs.Secret.fromSecretsManager(extra) } } },
    }));
    const api = container(f.stack, services.api);
    expect(api.environment.FEATURE_FLAG).toBe('on');
    expect(Object.keys(api.secrets)).toContain('PARTNER_API_KEY');
  });
});

describeCdkTest('MembraneEcsServices compliance', () => {
  const { stack } = buildServices();

  test('passes AwsSolutions and NIST 800-53 R5 with only reasoned acknowledgements', () => {
    expectNoNagFindings(stack);
  });

  test('acknowledgements sit on the load balancer, its redirect listener, task definitions, roles and secrets', () => {
    const acks = ownAcknowledgements(stack).map(a => a.split(': ')[0]).filter(a => a.includes(' at Test/Membrane/'));
    const rules = [...new Set(acks.map(a => a.split(' at ')[0].replace(/\[.*\]$/, '')))].sort();
    expect(rules).toEqual([
      'AwsSolutions-EC23', 'AwsSolutions-ECS2', 'AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'AwsSolutions-SMG4',
      'NIST.800.53.R5-ALBWAFEnabled', 'NIST.800.53.R5-CloudWatchAlarmAction', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      'NIST.800.53.R5-IAMNoInlinePolicy', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerUsingKMSKey',
    ]);
    expect(acks).toContain('AwsSolutions-EC23 at Test/Membrane/LoadBalancer');
    expect(acks).toContain('NIST.800.53.R5-ELBv2ACMCertificateRequired at Test/Membrane/LoadBalancer/Redirect80To443');
    expect(acks.filter(a => a.startsWith('AwsSolutions-ECS2'))).toHaveLength(7);
    expect(acks.filter(a => a.startsWith('AwsSolutions-IAM5')).every(a => /TaskDefinition\/TaskRole$/.test(a))).toBe(true);
    expect(acks.filter(a => a.startsWith('AwsSolutions-IAM4'))).toEqual([
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers] at '
        + 'Test/Membrane/LoadBalancerDeploymentRole',
    ]);
  });


  test('no warnings with an immutable tag and default sizes', () => {
    annotationsOf(stack).hasNoWarning('*', Match.anyValue());
  });
});

describeCdkTest('MembraneEcsServices warnings', () => {
  // Each risky choice warns at synth and, where MembraneChecks has a rule for it, is a finding the user sees.
  test.each<[string, Partial<MembraneEcsServicesProps>, string, RegExp, string[]]>([
    ['latest tag', { version: MembraneVersion.LATEST }, '/Test/Membrane', /moving tag/, ['Membrane-ImmutableImageTags']],
    ['below Membrane\'s minimum size', { services: { api: { cpu: 256, memoryLimitMiB: 512 } } }, '/Test/Membrane/Api',
      /below Membrane's minimum of 512 \/ 2048/, []],
    ['single orchestrator', { services: { orchestrator: { desiredCount: 1 } } }, '/Test/Membrane/Orchestrator', /fewer than 2 tasks/,
      ['Membrane-OrchestratorHighAvailability']],
  ])('%s', (_name, props, path, message, findings) => {
    const { stack } = buildServices(props);
    expectFindings(stack, ...findings);
    annotationsOf(stack).hasWarning(path, Match.stringLikeRegexp(message.source));
  });

  test('a start-up budget longer than ECS lets a container health check wait warns, and the load balancer waits it out', () => {
    // 2+4+8+16+32+60+60+60+60+60 s of back-off, 60 s Mongo selection, 60 s Redis connection: 482 s.
    const b = buildServices({ settings: { startupCheckRetries: 10, startupCheckMaxRetryDelay: Duration.seconds(60) } });
    annotationsOf(b.stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp('may take up to 8 minutes 2 seconds'));
    templateOf(b.stack).hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: Match.anyValue(), HealthCheckGracePeriodSeconds: 482,
    });
  });

  test('a secret imported by a name that ends like an ARN suffix warns', () => {
    const f = servicesFixture();
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      mongoUri: secretsmanager.Secret.fromSecretNameV2(f.stack, 'Suffixed', 'membrane/mongo-abcdef'),
    }));
    annotationsOf(f.stack).hasWarning('/Test/Membrane',
      Match.stringLikeRegexp("mongoUri: the secret name 'membrane/mongo-abcdef' ends in"));
    expect(services.api).toBeDefined();
  });

  test('warnings are namespaced so they can be acknowledged', () => {
    const { stack } = buildServices({ version: MembraneVersion.LATEST });
    expectFindings(stack, 'Membrane-ImmutableImageTags');
    expect(JSON.stringify(annotationsOf(stack).findWarning('*', Match.anyValue()))).toContain('@org/membrane-cdk:mutableImageTag');
  });
});

describeCdkTest('MembraneEcsServices alarms (with or without autoscaling)', () => {
  test('5xx of the load balancer and the API, missing datapoints filled with 0', () => {
    const { stack } = buildServices();
    templateOf(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      // The load balancer publishes 5xx counts only when there are some: missing datapoints are zero, not "no data".
      Threshold: 10,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(elb, 0) + FILL(api, 0)' })]),
      DatapointsToAlarm: 3,
      EvaluationPeriods: 5,
      TreatMissingData: 'notBreaching',
    });
  });

  test('each public service without a healthy task for 3 minutes raises an alarm', () => {
    const { stack, services } = buildServices();
    expect(services.alarms.map(a => a.node.id)).toEqual(['Http5xx', 'ApiNoHealthyTargets', 'UiNoHealthyTargets', 'ConsoleNoHealthyTargets',
      'UiHttp5xx', 'ConsoleHttp5xx', 'CustomCodeRunnerTasksNotRunning', 'InstantTasksWorkerTasksNotRunning', 'QueuedTasksWorkerTasksNotRunning',
      'OrchestratorTasksNotRunning']);
    templateOf(stack).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      Metrics: Match.arrayWith([Match.objectLike({
        MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'HealthyHostCount' }), Stat: 'Minimum' }),
      })]),
    }, 3);
  });

  test('services and scaling notifying one topic allow CloudWatch once', () => {
    const f = servicesFixture();
    const topic = new sns.Topic(f.stack, 'Alerts', { enforceSSL: true });
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { alarmTopic: topic }));
    new MembraneScaling(f.stack, 'Scaling', { services, alarmTopic: topic });
    const template = templateOf(f.stack);
    const topicRef = { Ref: f.stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) };
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [topicRef], OKActions: [topicRef] }, 15);
    const statements = Object.values(template.findResources('AWS::SNS::TopicPolicy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement as Array<{ Sid?: string }>);
    expect(statements.filter(st => st.Sid === 'MembraneAlarms')).toHaveLength(1);
  });
});

describeCdkTest('MembraneEcsServices Node.js heap limit', () => {
  test('follows the task memory and the sidecar: more memory, a larger heap; no sidecar, no deduction', () => {
    const { stack, services } = buildServices({
      services: { api: { cpu: 2048, memoryLimitMiB: 8192 }, queuedTasksWorker: { memoryLimitMiB: 4096 } },
      queuedTaskProtection: false,
    });
    expect(container(stack, services.api).environment.NODE_OPTIONS).toBe('--max-old-space-size=6144');
    expect(container(stack, services.queuedTasksWorker).environment.NODE_OPTIONS).toBe('--max-old-space-size=3072');
  });

  test('NODE_OPTIONS given for a service or in sharedEngineEnvironment wins; without a heap limit it warns', () => {
    const own = buildServices({ services: { api: { environment: { NODE_OPTIONS: '--max-old-space-size=2500' } } } });
    expect(container(own.stack, own.services.api).environment.NODE_OPTIONS).toBe('--max-old-space-size=2500');
    expect(container(own.stack, own.services.orchestrator).environment.NODE_OPTIONS).toBe('--max-old-space-size=1536');
    annotationsOf(own.stack).hasNoWarning('/Test/Membrane', Match.stringLikeRegexp('NODE_OPTIONS'));

    const shared = buildServices({ sharedEngineEnvironment: { environment: { NODE_OPTIONS: '--enable-source-maps' } } });
    for (const key of ENGINES) expect(container(shared.stack, shared.services[key]).environment.NODE_OPTIONS).toBe('--enable-source-maps');
    annotationsOf(shared.stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp(
      'sharedEngineEnvironment.environment.NODE_OPTIONS replaces the heap limit membrane-cdk sets and has no --max-old-space-size'));
  });

  test('a task memory known only at deploy time sets no heap limit (no arithmetic on a token)', () => {
    const stack = testStack();
    const memory = new CfnParameter(stack, 'Memory', { type: 'Number' }).valueAsNumber;
    const { services } = buildServices({ services: { orchestrator: { memoryLimitMiB: memory } } }, stack);
    expect(container(stack, services.orchestrator).environment.NODE_OPTIONS).toBeUndefined();
    expect(container(stack, services.api).environment.NODE_OPTIONS).toBe('--max-old-space-size=3072');
  });
});

describeCdkTest('MembraneEcsServices cache endpoints roll the services that read them', () => {
  const endpoint = (stack: Stack, cache: MembraneCache) =>
    ({ 'Fn::GetAtt': [stack.getLogicalId(cache.replicationGroup), 'PrimaryEndPoint.Address'] });

  test('the task definitions that read REDIS_URI and WORKER_REDIS_URI reference the replication groups\' endpoints; the others do not', () => {
    const f = servicesFixture();
    const workerCache = new MembraneCache(f.stack, 'WorkerCache', { vpc: f.network.vpc, role: MembraneCacheRole.WORKER });
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { workerCache }));
    const template = templateOf(f.stack);
    for (const key of ENGINES) {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: Match.arrayWith([Match.objectLike({
          Name: services[key].serviceName,
          DockerLabels: Match.objectLike({
            'membrane-cdk.cache-endpoint': endpoint(f.stack, f.cache),
            'membrane-cdk.worker-cache-endpoint': endpoint(f.stack, workerCache),
          }),
        })]),
      });
    }
    for (const key of NOT_ENGINES) expect(container(f.stack, services[key]).def.DockerLabels).toBeUndefined();
  });

  test('in cluster mode the configuration endpoint (REDIS_CLUSTER_URI_1)', () => {
    const f = servicesFixture();
    const cache = new MembraneCache(f.stack, 'ClusterCache', { vpc: f.network.vpc, clusterMode: { shards: 2 } });
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { cache }));
    expect(container(f.stack, services.api).def.DockerLabels).toMatchObject({
      'membrane-cdk.cache-endpoint': { 'Fn::GetAtt': [f.stack.getLogicalId(cache.replicationGroup), 'ConfigurationEndPoint.Address'] },
    });
  });

  test('a secret this stack assembles from other resources: its sources are a label, so replacing one rolls the readers', () => {
    const f = servicesFixture();
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f));
    const authToken = f.stack.getLogicalId(f.cache.authTokenSecret.node.defaultChild as CfnElement);
    // REDIS_URI is rediss://:<AUTH token>@<endpoint>:<port>: a new token secret or a new endpoint is a new revision.
    expect(container(f.stack, services.api).def.DockerLabels['membrane-cdk.secret-sources.REDIS_URI']).toEqual({
      'Fn::Join': [' ', [{ Ref: authToken }, endpoint(f.stack, f.cache)]],
    });
    // Secrets made elsewhere (the registry login, MONGO_URI given by the user) carry nothing to follow.
    expect(Object.keys(container(f.stack, services.api).def.DockerLabels).filter(l => l.startsWith('membrane-cdk.secret-sources.')))
      .toEqual(['membrane-cdk.secret-sources.REDIS_URI']);
  });
});

describeCdkTest('MembraneEcsServices cache roles', () => {
  const worker = (f: ReturnType<typeof servicesFixture>, id: string, props: Partial<MembraneCacheProps> = {}) =>
    new MembraneCache(f.stack, id, { vpc: f.network.vpc, role: MembraneCacheRole.WORKER, ...props });

  test('a worker cache given as the main cache is refused: no service would get REDIS_URI', () => {
    const f = servicesFixture();
    expect(() => new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { cache: worker(f, 'W') })))
      .toThrow(/invalid 'cache': it is a worker cache \(it provides WORKER_REDIS_URI\)/);
  });

  test('a worker cache without the worker role is refused with the prop to fix', () => {
    const f = servicesFixture();
    const notWorker = new MembraneCache(f.stack, 'W', { vpc: f.network.vpc });
    expect(() => new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { workerCache: notWorker })))
      .toThrow(/invalid 'workerCache.role': the worker cache provides REDIS_URI/);
  });

  test('caches with different connect timeouts: REDIS_CONNECT_TIMEOUT_MS is the longer one', () => {
    const f = servicesFixture();
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      workerCache: worker(f, 'W', { connectTimeout: Duration.seconds(90) }),
    }));
    const { environment, secrets } = containerOf(f.stack, services.queuedTasksWorker);
    expect(environment.REDIS_CONNECT_TIMEOUT_MS).toBe('90000');
    expect(Object.keys(secrets)).toEqual(expect.arrayContaining(['REDIS_URI', 'WORKER_REDIS_URI']));
  });
});

describeCdkTest('MembraneEcsServices task protection of busy queued workers', () => {
  const sidecar = (stack: Stack, svc: IMembraneService) =>
    (container(stack, svc).taskDefinition.ContainerDefinitions as Array<{ Name: string }>).find(c => c.Name === 'task-protection') as
      { [key: string]: unknown; Environment: Array<{ Name: string; Value: string }>; Command: string[] } | undefined;

  test('a non-essential sidecar reads queued_tasks_worker_busy and protects for the longest queued task plus 10 minutes', () => {
    const { stack, services } = buildServices();
    const c = sidecar(stack, services.queuedTasksWorker)!;
    expect(c).toMatchObject({
      Image: 'public.ecr.aws/docker/library/node:22.12.0-alpine3.20',
      Essential: false,
      ReadonlyRootFilesystem: true,
      Cpu: 32,
      MemoryReservation: 64,
      Memory: 128,
    });
    expect(c.Command.slice(0, 2)).toEqual(['node', '-e']);
    expect(c.Command[2]).toContain('/task-protection/v1/state');
    expect(Object.fromEntries(c.Environment.map(e => [e.Name, e.Value]))).toEqual({
      METRICS_URL: 'http://127.0.0.1:5000/prometheus/queued-tasks',
      POLL_SECONDS: '5',
      // MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS 3000 s = 50 min, plus 10.
      EXPIRES_IN_MINUTES: '60',
    });
  });

  test('only the queued worker has it', () => {
    const { stack, services } = buildServices();
    for (const svc of services.allServices().filter(s => s !== services.queuedTasksWorker)) expect(sidecar(stack, svc)).toBeUndefined();
  });

  test('the task role may get and update the protection of this cluster\'s tasks only', () => {
    const { stack, services } = buildServices();
    const roleId = stack.getLogicalId(services.queuedTasksWorker.taskDefinition.taskRole.node.defaultChild as ecs.CfnService);
    templateOf(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Action: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'],
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecs:${stack.region}:${stack.account}:task/`,
              { Ref: stack.getLogicalId(services.cluster.node.defaultChild as ecs.CfnService) }, '/*']],
          },
        }]),
      },
    });
  });

  test('follows the process time, stays within the 2,880 minutes ECS accepts, and can be turned off', () => {
    const env = (overrides: Partial<MembraneEcsServicesProps>) => {
      const { stack, services } = buildServices(overrides);
      return sidecar(stack, services.queuedTasksWorker)?.Environment.find(e => e.Name === 'EXPIRES_IN_MINUTES')?.Value;
    };
    expect(env({ settings: { maxQueuedTasksProcessTime: Duration.hours(2) } })).toBe('130');
    expect(env({ settings: { maxQueuedTasksProcessTime: Duration.hours(72) } })).toBe('2880');
    expect(env({ queuedTaskProtection: false })).toBeUndefined();
    const { stack, services } = buildServices({ taskProtectionImage: 'registry.example.com/mirror/node:22.12.0-alpine3.20' });
    expect(sidecar(stack, services.queuedTasksWorker)!.Image).toBe('registry.example.com/mirror/node:22.12.0-alpine3.20');
  });
});

describeCdkTest('MembraneEcsServices Spot for a single task', () => {
  test('a one-task Spot service runs on Spot (a base task on regular Fargate would make spot buy nothing)', () => {
    const { stack, services } = buildServices({ services: { queuedTasksWorker: { spot: true, desiredCount: 1 } } });
    const props = templateOf(stack).toJSON().Resources[logicalId(stack, services.queuedTasksWorker.service)].Properties;
    expect(props.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 0, Weight: 0 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
    ]);
  });

  test('the custom code runner and the orchestrator may run on Spot, with one regular task from two tasks on', () => {
    const { stack, services } = buildServices({ services: { customCodeRunner: { spot: true }, orchestrator: { spot: true, desiredCount: 2 } } });
    for (const svc of [services.customCodeRunner, services.orchestrator]) {
      expect(templateOf(stack).toJSON().Resources[logicalId(stack, svc.service)].Properties.CapacityProviderStrategy).toEqual([
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
        { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
      ]);
    }
  });

  test.each(['ui', 'console'] as const)('Spot on the %s is refused, naming the services that may use it', key => {
    expect(() => buildServices({ services: { [key]: { spot: true } } })).toThrow(new RegExp(`invalid 'services.${key}.spot': Fargate Spot is `
      + 'not offered for .*\\(custom-code-runner, instant-tasks-worker, queued-tasks-worker, orchestrator\\)'));
  });
});

describeCdkTest('MembraneEcsServices shared engine environment', () => {
  test('reaches the four api-image services and no other', () => {
    const { stack, services } = buildServices({ sharedEngineEnvironment: { environment: { AI_PROVIDER: 'openai' } } });
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      expect(container(stack, svc).environment.AI_PROVIDER).toBe('openai');
    }
    for (const svc of [services.ui, services.console, services.customCodeRunner]) {
      expect(container(stack, svc).environment.AI_PROVIDER).toBeUndefined();
    }
  });

  test.each<[string, Partial<MembraneEcsServicesProps>, RegExp]>([
    ['a name set shared and per service', {
      sharedEngineEnvironment: { environment: { AI_PROVIDER: 'openai' } },
      services: { api: { environment: { AI_PROVIDER: 'anthropic' } } },
    }, /invalid 'services.api.environment.AI_PROVIDER': AI_PROVIDER is also set in sharedEngineEnvironment/],
    ['a credential as a plain shared value', { sharedEngineEnvironment: { environment: { OPENAI_API_KEY: 'sk-123' } } },
      /invalid 'sharedEngineEnvironment.environment.OPENAI_API_KEY'/],
    ['a managed variable', { sharedEngineEnvironment: { environment: { BASE_URI: 'https://x' } } },
      /invalid 'sharedEngineEnvironment.environment.BASE_URI': BASE_URI is managed by membrane-cdk/],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => buildServices(overrides)).toThrow(message);
  });
});

describeCdkTest('MembraneEcsServices rejects bad input', () => {
  test.each<[string, Partial<MembraneEcsServicesProps>, RegExp]>([
    ['neither auth', { auth: undefined as unknown as MembraneAuth }, /invalid 'auth': no authentication is configured/],
    ['a task-protection image with protection off', { queuedTaskProtection: false, taskProtectionImage: 'public.ecr.aws/docker/library/node:22' },
      /invalid 'taskProtectionImage': it is set but queuedTaskProtection is false/],
    ['a task-protection image without a tag', { taskProtectionImage: 'public.ecr.aws/docker/library/node' },
      /invalid 'taskProtectionImage': 'public.ecr.aws\/docker\/library\/node' is not an image reference/],
    ['both auth (Auth0 configured, SMTP added)', { services: { api: { environment: { SMTP_HOST: 'smtp.example.com' } } } },
      /invalid 'services.api.environment.SMTP_HOST': SMTP_HOST belongs to the other authentication mode/],
    ['BASE_PATH without leading slash', {
      domain: {
        apiDomainName: 'api.example.com',
        uiBasePath: 'ui-app',
        consoleDomainName: 'console.example.com',
        certificate: {} as acm.ICertificate,
      },
    },
    /invalid 'domain.uiBasePath': 'ui-app' is not a path prefix/],
    ['BASE_PATH with trailing slash', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'ui.example.com',
        consoleBasePath: '/console/',
        certificate: {} as acm.ICertificate,
      },
    },
    /invalid 'domain.consoleBasePath'/],
    ['external_api without endpoint', { settings: { connectionCredentialsStorage: MembraneCredentialsStorage.EXTERNAL_API } },
      /invalid 'settings.connectionCredentialsEndpointUrl': it is required when connectionCredentialsStorage is EXTERNAL_API/],
    ['endpoint without external_api', { settings: { connectionCredentialsEndpointUrl: 'https://creds.example.com' } },
      /only used when connectionCredentialsStorage is EXTERNAL_API/],
    ['webhook URI without scheme', { settings: { baseWebhooksUri: 'hooks.example.com' } }, /invalid 'settings.baseWebhooksUri'/],
    ['Mongo pool min above max', { settings: { mongoMinPoolSize: 10, mongoMaxPoolSize: 5 } },
      /invalid 'settings.mongoMinPoolSize': 10 is above mongoMaxPoolSize 5/],
    ['skip all plus others', { settings: { skipStartupChecks: [MembraneStartupCheck.ALL, MembraneStartupCheck.MONGO] } },
      /invalid 'settings.skipStartupChecks'/],
    ['no certificate and no zone', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'ui.example.com',
        consoleDomainName: 'console.example.com',
      },
    },
    /invalid 'domain': neither certificate nor zone/],
    ['UI without host or path', {
      domain: {
        apiDomainName: 'api.example.com',
        consoleDomainName: 'console.example.com',
        certificate: {} as acm.ICertificate,
      },
    },
    /invalid 'domain.uiDomainName': the ui needs a host name/],
    ['UI on the API host without a path', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'api.example.com',
        consoleDomainName: 'console.example.com',
        certificate: {} as acm.ICertificate,
      },
    },
    /the api and the ui would both be served at https:\/\/api.example.com\//],
    ['host with scheme', {
      domain: {
        apiDomainName: 'https://api.example.com',
        uiDomainName: 'ui.example.com',
        consoleDomainName: 'console.example.com',
        certificate: {} as acm.ICertificate,
      },
    },
    /invalid 'domain.apiDomainName'/],
    ['invalid Fargate size', { services: { api: { cpu: 1024, memoryLimitMiB: 1024 } } },
      /invalid 'services.api.cpu\/memoryLimitMiB': 1024 CPU units with 1024 MiB is not a Fargate task size/],
    ['Spot on the API', { services: { api: { spot: true } } }, /invalid 'services.api.spot': Fargate Spot is not offered for api/],
    ['negative desired count', { services: { ui: { desiredCount: -1 } } }, /invalid 'services.ui.desiredCount'/],
    ['overriding a managed variable', { services: { api: { environment: { BASE_URI: 'https://x.example.com' } } } },
      /BASE_URI is managed by membrane-cdk/],
    ['a credential in plain environment', { services: { api: { environment: { PARTNER_API_KEY: 'abc' } } } },
      /PARTNER_API_KEY looks like a credential/],
    ['registry with scheme', { registry: 'https://harbor.getmembrane.com' }, /invalid 'registry'/],
    ['version as a plain string (JavaScript)', { version: '2026-01-14' as unknown as MembraneVersion },
      /invalid 'version': "2026-01-14" is not a MembraneVersion/],
    ['missing registry credentials (JavaScript)', { registryCredentials: undefined as never }, /invalid 'registryCredentials': it is required/],
    ['missing Mongo URI (JavaScript)', { mongoUri: undefined as never }, /invalid 'mongoUri': it is required/],
    ['registry with an invalid port', { registry: 'harbor.example.com:99999' },
      /invalid 'registry': 'harbor.example.com:99999' is not a registry host/],
    ['certificate from another region', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'ui.example.com',
        consoleDomainName: 'console.example.com',
        certificate: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } as acm.ICertificate,
      },
    },
    /invalid 'domain.certificate': the certificate is in us-east-1, but a load balancer only uses certificates of its own region/],
    ['malformed certificate ARN', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'ui.example.com',
        consoleDomainName: 'console.example.com',
        certificate: { certificateArn: 'abc' } as acm.ICertificate,
      },
    },
    /invalid 'domain.certificate': 'abc' is not an ACM certificate ARN/],
    ['a CloudFront web ACL on the load balancer', { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/membrane/abc' },
      /invalid 'webAclArn'/],
    ['a namespace name with spaces', { namespaceName: 'membrane internal' }, /invalid 'namespaceName': 'membrane internal'/],
    ['tasks in public subnets without public IPs', { taskSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, /invalid 'taskSubnets'/],
    ['queued task memory at the worker\'s task memory', { settings: { maxQueuedTasksMemoryMb: 2048 } },
      /invalid 'settings.maxQueuedTasksMemoryMb': 2048 MB is not below the queued tasks worker's task memory \(2048 MiB\)/],
    ['first retry delay above the maximum', {
      settings: { startupCheckRetryDelay: Duration.seconds(40), startupCheckMaxRetryDelay: Duration.seconds(30) },
    }, /invalid 'settings.startupCheckRetryDelay': 40 seconds is above startupCheckMaxRetryDelay 30 seconds/],
    ['queued task time in milliseconds', { settings: { maxQueuedTasksProcessTime: Duration.millis(1500) } },
      /invalid 'settings.maxQueuedTasksProcessTime': 1 second 500 millis is not a whole number of seconds/],
    ['a Mongo URI with a password under a harmless name', {
      services: { api: { environment: { DATABASE: 'mongodb+srv://admin:pw@cluster0.example.net/membrane' } } },
    }, /invalid 'services.api.environment.DATABASE': the value is a URI with a password in it/],
    ['an AWS access key in plain environment', { services: { api: { environment: { ID: 'AKIAIOSFODNN7EXAMPLE' } } } },
      /invalid 'services.api.environment.ID': the value looks like an AWS access key/],
    ['a private key in plain environment', { services: { console: { environment: { PEM: '-----BEGIN RSA PRIVATE KEY-----\nMII' } } } },
      /invalid 'services.console.environment.PEM': the value is a private key/],
    ['a load balancer idle timeout in milliseconds', { loadBalancerIdleTimeout: Duration.millis(1500) },
      /invalid 'loadBalancerIdleTimeout': 1 second 500 millis is not a whole number of seconds from 1 to 4000/],
    ['a load balancer idle timeout above 4000 s', { loadBalancerIdleTimeout: Duration.hours(2) }, /invalid 'loadBalancerIdleTimeout'/],
    ['a negative 5xx threshold', { http5xxAlarmThreshold: -1 }, /invalid 'http5xxAlarmThreshold': -1 is outside 0 to 1000000/],
    ['a first retry delay above the default maximum (30 s)', { settings: { startupCheckRetryDelay: Duration.seconds(40) } },
      /invalid 'settings.startupCheckRetryDelay': 40 seconds is above startupCheckMaxRetryDelay 30 seconds \(its default\).*Raise settings.startupCheckMaxRetryDelay/],
    ['a maximum retry delay below the default first delay (2 s)', { settings: { startupCheckMaxRetryDelay: Duration.seconds(1) } },
      /invalid 'settings.startupCheckMaxRetryDelay': 1 second is below startupCheckRetryDelay 2 seconds \(its default\)/],
    ['a retry delay in fractions of a millisecond', { settings: { startupCheckRetryDelay: Duration.millis(1.5) } },
      /invalid 'settings.startupCheckRetryDelay': 1.5 millis is not a whole number of milliseconds/],
    ['a 1 ms MongoDB server-selection timeout', { settings: { mongoServerSelectionTimeout: Duration.millis(1) } },
      /invalid 'settings.mongoServerSelectionTimeout': 1 milli is shorter than 1 second.*at least Duration.seconds\(1\); "Self-hosting" recommends/],
    ['a MongoDB idle time in fractions of a millisecond', { settings: { mongoMaxIdleTime: Duration.millis(0.5) } },
      /invalid 'settings.mongoMaxIdleTime': 0.5 millis is not a whole number of milliseconds/],
    ['an empty health check command', { services: { orchestrator: { healthCheckCommand: [] } } },
      /invalid 'services.orchestrator.healthCheckCommand': \[\] runs no command, so the check would never pass/],
    ['a health check command of CMD-SHELL and a blank', { services: { customCodeRunner: { healthCheckCommand: ['CMD-SHELL', ' '] } } },
      /invalid 'services.customCodeRunner.healthCheckCommand': \["CMD-SHELL"," "\] runs no command/],
    ['a health check command on the API, which the load balancer checks', { services: { api: { healthCheckCommand: ['CMD', 'true'] } } },
      /invalid 'services.api.healthCheckCommand': api is behind the load balancer/],
  ])('%s', (_name, props, message) => {
    expect(() => buildServices(props)).toThrow(message);
  });

  test.each<[string, (stack: Stack) => Partial<MembraneEcsServicesProps>, RegExp]>([
    ['a secret name as a string (JavaScript)', () => ({ jwtSecret: 'membrane/jwt' as unknown as secretsmanager.ISecret }),
      /invalid 'jwtSecret': the string 'membrane\/jwt' is not a Secrets Manager secret. Give the secret itself: secretsmanager.Secret.fromSecretNameV2/],
    ['an ecs.Secret where a secret goes (JavaScript)', s => ({
      mongoUri: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(s, 'M', 'membrane/mongo')) as unknown as secretsmanager.ISecret,
    }), /invalid 'mongoUri': an ecs.Secret \(a container's reference to a secret\) is not a Secrets Manager secret/],
    ['the Auth0 client secret as a string (JavaScript)', () => ({
      auth: MembraneAuth.auth0({ domain: 'login.example.com', clientId: 'x', clientSecret: 'membrane/auth0' as unknown as secretsmanager.ISecret }),
    }), /invalid 'auth.clientSecret': the string 'membrane\/auth0' is not a Secrets Manager secret/],
    ['auth as a plain object (JavaScript)', () => ({ auth: { domain: 'login.example.com', clientId: 'x' } as unknown as MembraneAuth }),
      /invalid 'auth': a plain object is not a MembraneAuth. Use MembraneAuth.auth0/],
    ['the zone as its name (JavaScript)', () => ({
      domain: {
        zone: 'example.com' as never, apiDomainName: 'api.example.com', uiDomainName: 'ui.example.com', consoleDomainName: 'console.example.com',
      },
    }), /invalid 'domain.zone': the string 'example.com' is not a hosted zone. Import it: route53.HostedZone.fromHostedZoneAttributes/],
    ['a string where a number goes (JavaScript)', () => ({ services: { api: { cpu: '1024' as unknown as number } } }),
      /invalid 'services.api.cpu': the string '1024' is not a number/],
    ['a string count (JavaScript)', () => ({ services: { ui: { desiredCount: '2' as unknown as number } } }),
      /invalid 'services.ui.desiredCount': the string '2' is not a number/],
    ['milliseconds as a number where a Duration goes (JavaScript)', () => ({
      settings: { mongoServerSelectionTimeout: 60000 as unknown as Duration },
    }),
    /invalid 'settings.mongoServerSelectionTimeout': the number 60000 is not a Duration/],
    ['an encryption key of another region', s => ({
      encryptionKey: kms.Key.fromKeyArn(s, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555'),
    }), /invalid 'encryptionKey': the key is in us-east-1, but KMS keys are regional .* in eu-central-1. Give a key of eu-central-1/],
    ['an asymmetric key', s => ({ encryptionKey: new kms.Key(s, 'Signing', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY }) }),
      /invalid 'encryptionKey': the key is a RSA_2048 key, but S3, Secrets Manager, CloudWatch Logs and ElastiCache encrypt with symmetric/],
    ['an HMAC key', s => ({ encryptionKey: new kms.Key(s, 'Mac', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC }) }),
      /invalid 'encryptionKey': the key is a HMAC_256 key/],
  ])('%s', (_name, props, message) => {
    const stack = testStack();
    let error: unknown;
    try {
      buildServices(props(stack), stack);
    } catch (e) {
      error = e;
    }
    expect(error).not.toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(message);
  });

  test('a host another MembraneEcsServices of the app creates records for is refused, naming both', () => {
    const app = new App();
    const env = { account: '123456789012', region: 'eu-central-1' };
    const [first, second] = [new Stack(app, 'First', { env }), new Stack(app, 'Second', { env })];
    buildServices({}, first);
    const f = servicesFixture(second);
    const props = servicesProps(f);
    expect(() => new MembraneEcsServices(second, 'Membrane', { ...props, domain: { ...props.domain, apiDomainName: 'dev.example.com' } }))
      .toThrow(/Second\/Membrane: invalid 'domain.uiDomainName': 'ui.example.com' is also claimed by First\/Membrane \('domain.uiDomainName'\)/);
  });

  test('a region-agnostic stack', () => {
    expect(() => buildServices({}, new Stack())).toThrow(/the load balancer's access logs need the stack's region.*env: \{ region:/);
  });

  test('host outside the hosted zone', () => {
    const f = servicesFixture();
    const props = servicesProps(f);
    expect(() => new MembraneEcsServices(f.stack, 'Membrane', { ...props, domain: { ...props.domain, apiDomainName: 'api.other.org' } }))
      .toThrow(/invalid 'domain.apiDomainName': 'api.other.org' is not in the hosted zone example.com/);
  });

  test('invalid version tag', () => {
    expect(() => MembraneVersion.of('2026-01-14 ')).toThrow(/not a valid image tag/);
    expect(() => MembraneVersion.of('')).toThrow(/not a valid image tag/);
  });

  test('invalid auth settings', () => {
    const secret = secretsmanager.Secret.fromSecretNameV2(testStack(), 'Secret', 'membrane/x');
    expect(() => MembraneAuth.auth0({ domain: 'https://login.example.com', clientId: 'x', clientSecret: secret })).toThrow(/invalid 'domain'/);
    expect(() => MembraneAuth.auth0({ domain: 'login.example.com', clientId: '', clientSecret: secret })).toThrow(/'clientId' is empty/);
    expect(() => MembraneAuth.auth0({ domain: 'login example.com', clientId: 'x', clientSecret: secret })).toThrow(/invalid 'domain'/);
    expect(() => MembraneAuth.usernamePassword({ host: 'smtp://smtp.example.com:587', user: 'u', password: secret, emailFrom: 'a@b.c' }))
      .toThrow(/invalid 'host' 'smtp:\/\/smtp.example.com:587'. Give the host name alone/);
    expect(() => MembraneAuth.usernamePassword({
      host: 'smtp.example.com',
      port: 0,
      user: 'u',
      password: secret,
      emailFrom: 'a@b.c',
    })).toThrow(/invalid 'port'/);
    expect(() => MembraneAuth.usernamePassword({ host: '', user: 'u', password: secret, emailFrom: 'a@b.c' })).toThrow(/'host' is empty/);
    expect(() => MembraneAuth.usernamePassword({
      host: 'smtp.example.com',
      user: 'u',
      password: secret,
      emailFrom: 'nobody',
    })).toThrow(/invalid 'emailFrom'/);
  });
});
