import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { logicalId } from './support';
import { IMembraneService, MembraneEcsServicesProps, MembraneRegistry } from '../../lib';
import { buildServices, containerOf } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';

// MembraneEcsServices: task definitions: images, sizes and counts, health checks, the task-protection sidecar, Spot capacity.

describeCdkTest('MembraneEcsServices images, sizes and counts', () => {

  test('x86_64 on request: the api-image services get CUSTOM_CODE_MEMORY_LIMIT ("Self-hosting": 20 GB of virtual memory for WebAssembly)', () => {
    const b = buildServices({ cpuArchitecture: ecs.CpuArchitecture.X86_64 });
    for (const svc of [b.services.api, b.services.instantTasksWorker, b.services.queuedTasksWorker, b.services.orchestrator]) {
      const c = containerOf(b.stack, svc);
      expect(c.taskDefinition.RuntimePlatform.CpuArchitecture).toBe('X86_64');
      expect(c.environment.CUSTOM_CODE_MEMORY_LIMIT).toBe('21474836480');
    }
    expect(containerOf(b.stack, b.services.ui).environment.CUSTOM_CODE_MEMORY_LIMIT).toBeUndefined();
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
      const { def } = containerOf(stack, (services as unknown as Record<string, IMembraneService>)[key]);
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
      const { taskDefinition } = containerOf(stack, svc);
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
    const api = containerOf(b.stack, b.services.api);
    expect([api.taskDefinition.Cpu, api.taskDefinition.Memory]).toEqual(['2048', '8192']);
    expect(api.taskDefinition.RuntimePlatform.CpuArchitecture).toBe('ARM64');
    expect(api.environment.CUSTOM_CODE_MEMORY_LIMIT).toBeUndefined();
    // No platform version: ECS runs LATEST, 1.4.0 on Linux, from which FARGATE_SPOT runs ARM64 tasks (ECS API reference).
    expect(templateOf(b.stack).toJSON().Resources[logicalId(b.stack, b.services.queuedTasksWorker.service)].Properties.PlatformVersion)
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

describeCdkTest('MembraneEcsServices health checks', () => {
  const { stack, services } = buildServices();

  test.each([
    ['queuedTasksWorker', '/prometheus/queued-tasks'],
    ['customCodeRunner', '/api/v2/health'],
    ['instantTasksWorker', '/'],
    ['orchestrator', '/'],
  ])('%s: container health check GET %s with a five-minute start period', (key, path) => {
    const { def } = containerOf(stack, (services as unknown as Record<string, IMembraneService>)[key]);
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
      expect(containerOf(stack, svc).def.HealthCheck).toBeUndefined();
      expect(template.toJSON().Resources[logicalId(stack, svc.service)].Properties.HealthCheckGracePeriodSeconds).toBe(300);
    }
  });

  test('the health check command can be replaced', () => {
    const b = buildServices({ services: { orchestrator: { healthCheckCommand: ['CMD-SHELL', 'curl -f http://localhost:5000/ || exit 1'] } } });
    expect(containerOf(b.stack, b.services.orchestrator).def.HealthCheck.Command).toEqual(['CMD-SHELL', 'curl -f http://localhost:5000/ || exit 1']);
  });
});

describeCdkTest('MembraneEcsServices task protection of busy queued workers', () => {
  const sidecar = (stack: Stack, svc: IMembraneService) =>
    (containerOf(stack, svc).taskDefinition.ContainerDefinitions as Array<{ Name: string }>).find(c => c.Name === 'task-protection') as
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
