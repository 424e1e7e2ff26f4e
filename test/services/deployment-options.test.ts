import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IMembraneService, Membrane, MembraneDeploymentOptions, MembraneExposure, MembraneScaling } from '../../lib';
import { buildServices, membraneInputs } from '../fixtures';
import { annotationsOf, describeCdkTest, templateOf } from '../harness';
import { testStack } from '../rule-packs';

type Json = Record<string, any>;

const EDGE = {
  webhooksDomainName: 'webhooks.example.com',
  webhookPaths: ['/webhooks/*'],
  oauthCallbackDomainName: 'oauth.example.com',
  oauthCallbackPaths: ['/oauth-callback', '/oauth-callback/*'],
};

function build(deployment?: MembraneDeploymentOptions, overrides: object = {}, stack?: Stack) {
  const built = buildServices({ deployment, ...overrides }, stack);
  const template = templateOf(built.stack);
  const resources: Json = template.toJSON().Resources;
  const id = (c: { node: { defaultChild?: unknown } }) => built.stack.getLogicalId(c.node.defaultChild as ecs.CfnService);
  const service = (svc: IMembraneService): Json => resources[id(svc.service)];
  return { ...built, template, resources, id, service };
}

const PUBLIC = ['api', 'ui', 'console'] as const;
const OTHERS = ['customCodeRunner', 'instantTasksWorker', 'queuedTasksWorker', 'orchestrator'] as const;

describeCdkTest('MembraneEcsServices deployments: blue/green behind the load balancer by default', () => {
  const { stack, services, template, resources, id, service } = build();

  test('the API, UI and Console deploy blue/green with a 10-minute bake time, circuit breaker and rollback on', () => {
    for (const key of PUBLIC) {
      expect(service(services[key]).Properties.DeploymentConfiguration).toMatchObject({
        Strategy: 'BLUE_GREEN',
        BakeTimeInMinutes: 10,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      });
    }
    template.resourcePropertiesCountIs('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 10 }),
    }, 3);
  });

  test('the workers, orchestrator and custom code runner keep rolling: no strategy, no bake time', () => {
    for (const key of OTHERS) {
      const config = service(services[key]).Properties.DeploymentConfiguration;
      expect(config.Strategy).toBeUndefined();
      expect(config.BakeTimeInMinutes).toBeUndefined();
      expect(config).toMatchObject({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200 });
    }
  });

  test('each public service has an alternate target group like its own: IP targets on 5000, the same health check', () => {
    for (const key of PUBLIC) {
      const svc = services[key];
      const primary = resources[id(svc.targetGroup!)].Properties;
      const alternate = resources[id(svc.alternateTargetGroup!)].Properties;
      expect(alternate).toEqual({ ...primary, Targets: undefined, TargetType: 'ip' });
      expect(alternate).toMatchObject({ Port: 5000, Protocol: 'HTTP', TargetType: 'ip', HealthCheckPath: '/' });
    }
  });

  test('the production listener rule forwards to both target groups, all the weight on the primary one', () => {
    for (const key of PUBLIC) {
      const svc = services[key];
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Actions: [{
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: { Ref: id(svc.targetGroup!) }, Weight: 100 },
              { TargetGroupArn: { Ref: id(svc.alternateTargetGroup!) }, Weight: 0 },
            ],
          },
        }],
      });
    }
  });

  test('ECS gets the alternate target group, the production rule and its infrastructure role for each public service', () => {
    const roleId = stack.getLogicalId(services.node.findChild('LoadBalancerDeploymentRole').node.defaultChild as ecs.CfnService);
    for (const key of PUBLIC) {
      const svc = services[key];
      const ruleId = Object.entries(resources).find(([, r]: [string, Json]) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule'
        && JSON.stringify(r.Properties.Actions).includes(id(svc.alternateTargetGroup!)))![0];
      expect(service(svc).Properties.LoadBalancers).toEqual([{
        ContainerName: svc.serviceName,
        ContainerPort: 5000,
        TargetGroupArn: { Ref: id(svc.targetGroup!) },
        AdvancedConfiguration: {
          AlternateTargetGroupArn: { Ref: id(svc.alternateTargetGroup!) },
          ProductionListenerRule: { Ref: ruleId },
          RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
        },
      }]);
    }
  });

  test('the infrastructure role: only ECS assumes it, with AWS\'s policy for load balancers; one for the three services', () => {
    template.resourcePropertiesCountIs('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' } }],
        Version: '2012-10-17',
      },
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers']] },
      ],
    }, 1);
  });

  test('deployment alarms: the API rolls back on the 5xx and its no-healthy-target alarms, UI and Console on theirs', () => {
    const alarmId = (name: string) => id(services.alarms.find(a => a.node.id === name)!);
    const expected: Record<typeof PUBLIC[number], string[]> = {
      api: ['Http5xx', 'ApiNoHealthyTargets'],
      ui: ['UiNoHealthyTargets', 'UiHttp5xx'],
      console: ['ConsoleNoHealthyTargets', 'ConsoleHttp5xx'],
    };
    for (const key of PUBLIC) {
      expect(service(services[key]).Properties.DeploymentConfiguration.Alarms).toEqual({
        AlarmNames: expected[key].map(name => ({ Ref: alarmId(name) })), Enable: true, Rollback: true,
      });
    }
  });

  test('deployment alarms of the others: fewer tasks running than desired for 5 minutes (Container Insights), by a fixed name', () => {
    for (const key of OTHERS) {
      const svc = services[key];
      const alarms = service(svc).Properties.DeploymentConfiguration.Alarms;
      expect(alarms).toMatchObject({ Enable: true, Rollback: true });
      expect(alarms.AlarmNames).toHaveLength(1);
      const name: string = alarms.AlarmNames[0];
      // A literal name, not a Ref: the alarm reads the service's own name, so a Ref would be a circular dependency.
      expect(typeof name).toBe('string');
      expect(name).toMatch(/^Test-Membrane-[0-9A-F]{8}-\w+TasksNotRunning$/);
      const alarm = Object.values(resources).find((r: Json) => r.Properties?.AlarmName === name) as Json;
      expect(alarm.Properties).toMatchObject({
        Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 5, TreatMissingData: 'notBreaching',
      });
      const metrics: Json[] = alarm.Properties.Metrics;
      expect(metrics.find(m => m.ReturnData)!.Expression).toBe('desiredTasks - runningTasks');
      for (const [metricId, metricName] of [['desiredTasks', 'DesiredTaskCount'], ['runningTasks', 'RunningTaskCount']]) {
        expect(metrics.find(m => m.Id === metricId)!.MetricStat).toMatchObject({
          Metric: {
            Namespace: 'ECS/ContainerInsights',
            MetricName: metricName,
            Dimensions: [
              { Name: 'ClusterName', Value: { Ref: id(services.cluster) } },
              { Name: 'ServiceName', Value: { 'Fn::GetAtt': [id(svc.service), 'Name'] } },
            ],
          },
        });
      }
    }
  });

  test('the fixed alarm names differ between two stacks of one account and region', () => {
    const other = build(undefined, {}, testStack('Other'));
    const names = (s: Json) => Object.values(s).map((r: Json) => r.Properties?.AlarmName).filter(Boolean);
    const here = names(resources);
    expect(here).toHaveLength(4);
    for (const name of names(other.resources)) expect(here).not.toContain(name);
  });

  test('the public services\' alarms read both target groups: the traffic and the healthy tasks move with each deployment', () => {
    for (const key of PUBLIC) {
      const svc = services[key];
      const alarm = resources[id(services.alarms.find(a => a.node.id === `${svc.node.id}NoHealthyTargets`)!)].Properties;
      expect(alarm.Metrics.find((m: Json) => m.ReturnData).Expression).toBe(`FILL(${key}_0, 0) + FILL(${key}_1, 0)`);
      const groups = alarm.Metrics.filter((m: Json) => m.MetricStat).map((m: Json) =>
        m.MetricStat.Metric.Dimensions.find((d: Json) => d.Name === 'TargetGroup').Value['Fn::GetAtt'][0]);
      expect(groups).toEqual([id(svc.targetGroup!), id(svc.alternateTargetGroup!)]);
    }
    const http5xx = resources[id(services.alarms.find(a => a.node.id === 'UiHttp5xx')!)].Properties;
    expect(http5xx).toMatchObject({ Threshold: 10, EvaluationPeriods: 5, DatapointsToAlarm: 3, ComparisonOperator: 'GreaterThanThreshold' });
    expect(http5xx.Metrics.find((m: Json) => m.ReturnData).Expression).toBe('FILL(ui_0, 0) + FILL(ui_1, 0)');
  });

  test('the workers still deploy before the API, and the API before the UI and Console', () => {
    const dependsOn = (svc: IMembraneService): string[] => service(svc).DependsOn ?? [];
    for (const worker of [services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      expect(dependsOn(worker)).toContain(id(services.customCodeRunner.service));
      expect(dependsOn(services.api)).toContain(id(worker.service));
    }
    for (const front of [services.ui, services.console]) expect(dependsOn(front)).toContain(id(services.api.service));
  });

  test('no warning by default', () => {
    annotationsOf(stack).hasNoWarning('*', Match.anyValue());
  });
});

describeCdkTest('MembraneEcsServices deployments: options', () => {
  test('another strategy and bake time for the API, UI and Console', () => {
    const { template } = build({ strategy: ecs.DeploymentStrategy.CANARY, bakeTime: Duration.minutes(30) });
    template.resourcePropertiesCountIs('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ Strategy: 'CANARY', BakeTimeInMinutes: 30 }),
    }, 3);
  });

  test('ROLLING keeps the alternate target group, the rule and the role (the first step of the switch to blue/green)', () => {
    const { services, service } = build({ strategy: ecs.DeploymentStrategy.ROLLING });
    for (const key of PUBLIC) {
      const props = service(services[key]).Properties;
      expect(props.DeploymentConfiguration.Strategy).toBe('ROLLING');
      expect(props.DeploymentConfiguration.BakeTimeInMinutes).toBeUndefined();
      expect(props.LoadBalancers[0].AdvancedConfiguration.AlternateTargetGroupArn).toBeDefined();
    }
  });

  test('without rollback on alarms: no deployment alarms on any service, the alarms themselves stay', () => {
    const { services, template, service } = build({ rollbackOnAlarm: false });
    for (const svc of services.allServices()) {
      expect(service(svc).Properties.DeploymentConfiguration.Alarms ?? { Enable: false }).toMatchObject({ Enable: false });
    }
    expect(services.alarms).toHaveLength(10);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 10 + 1);
  });

  test('with a public edge the API rolls; it keeps its second target group on the main load balancer, the edge\'s has none', () => {
    const { services, service, id } = build(undefined, { exposure: MembraneExposure.internalWithPublicEdge(EDGE) });
    const api = service(services.api).Properties;
    expect(api.DeploymentConfiguration.Strategy).toBe('ROLLING');
    expect(api.DeploymentConfiguration.BakeTimeInMinutes).toBeUndefined();
    expect(api.DeploymentConfiguration.Alarms).toMatchObject({ Enable: true, Rollback: true });
    expect(api.LoadBalancers).toHaveLength(2);
    const [main, edge] = api.LoadBalancers;
    expect(main.AdvancedConfiguration.AlternateTargetGroupArn).toEqual({ Ref: id(services.api.alternateTargetGroup!) });
    expect(edge.TargetGroupArn).toEqual({ Ref: expect.stringMatching(/^MembraneEdgeApiTargetGroup/) });
    expect(edge.AdvancedConfiguration).toBeUndefined();
    for (const front of [services.ui, services.console]) {
      expect(service(front).Properties.DeploymentConfiguration.Strategy).toBe('BLUE_GREEN');
    }
  });

  test('a strategy asked for with a public edge warns that the API rolls', () => {
    const { stack } = build({ strategy: ecs.DeploymentStrategy.BLUE_GREEN }, { exposure: MembraneExposure.internalWithPublicEdge(EDGE) });
    annotationsOf(stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp('apiRollsWithPublicEdge'));
  });

  test('a bake time with ROLLING warns: a rolling update keeps no old version to switch back to', () => {
    const { stack } = build({ strategy: ecs.DeploymentStrategy.ROLLING, bakeTime: Duration.minutes(5) });
    annotationsOf(stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp('bakeTimeUnused'));
  });

  test('tokens: a strategy and a bake time known only at deploy time are passed as they are', () => {
    const stack = testStack();
    const strategy = new CfnParameter(stack, 'Strategy').valueAsString as ecs.DeploymentStrategy;
    const minutes = new CfnParameter(stack, 'BakeMinutes', { type: 'Number' }).valueAsNumber;
    const { services, service } = build({ strategy, bakeTime: Duration.minutes(minutes) }, {}, stack);
    expect(service(services.ui).Properties.DeploymentConfiguration).toMatchObject({
      Strategy: { Ref: 'Strategy' }, BakeTimeInMinutes: { Ref: 'BakeMinutes' },
    });
  });

  test('Membrane passes the deployment options to its services', () => {
    const stack = testStack();
    const membrane = new Membrane(stack, 'Membrane', { ...membraneInputs(stack), deployment: { strategy: ecs.DeploymentStrategy.LINEAR } });
    templateOf(stack).hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ Strategy: 'LINEAR', BakeTimeInMinutes: 10 }),
    });
    expect(membrane.services.ui.alternateTargetGroup).toBeDefined();
  });
});

describeCdkTest('MembraneEcsServices deployments: bad input', () => {
  const services = (deployment: unknown, stack = testStack()) => buildServices({ deployment: deployment as MembraneDeploymentOptions }, stack);

  test('a strategy ECS does not have', () => {
    expect(() => services({ strategy: 'BLUE-GREEN' })).toThrow(/invalid 'deployment.strategy': the string 'BLUE-GREEN' is not an ECS deployment/);
  });

  test('a bake time longer than 1440 minutes', () => {
    expect(() => services({ bakeTime: Duration.hours(25) })).toThrow(/invalid 'deployment.bakeTime': 1 day 1 hour is not 0 to 1440 whole minutes/);
  });

  test('a bake time that is not whole minutes', () => {
    expect(() => services({ bakeTime: Duration.seconds(90) })).toThrow(/invalid 'deployment.bakeTime': 1 minute 30 seconds is not/);
  });

  test('a bake time that is not a Duration', () => {
    expect(() => services({ bakeTime: 10 })).toThrow(/invalid 'deployment.bakeTime': the number 10 is not a Duration/);
  });

  test('rollbackOnAlarm that is not a boolean', () => {
    expect(() => services({ rollbackOnAlarm: 'yes' })).toThrow(/invalid 'deployment.rollbackOnAlarm': the string 'yes' is not a boolean/);
  });
});

describeCdkTest('MembraneEcsServices deployments: partitions without deployment alarms', () => {
  test('in China the services roll back on the circuit breaker only, and the stack says so', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'cn-north-1' } });
    const { services, service } = build(undefined, {}, stack);
    for (const svc of services.allServices()) expect(service(svc).Properties.DeploymentConfiguration.Alarms?.Enable ?? false).toBe(false);
    annotationsOf(stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp('noDeploymentAlarms'));
  });
});

describeCdkTest('MembraneScaling: the workers also roll back when their queue stalls (Membrane\'s metrics)', () => {
  const { stack, services } = buildServices();
  const scaling = new MembraneScaling(stack, 'Scaling', { services });
  const resources: Json = templateOf(stack).toJSON().Resources;
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as ecs.CfnService);
  const service = (svc: IMembraneService): Json => resources[id(svc.service)];
  const alarm = (name: string) => scaling.alarms.find(a => a.node.id === name)!;

  test.each([
    ['instant tasks worker', 'instantTasksWorker', 'InstantTasksNotTaken', 'IF(FILL(waiting, 0) > 0 AND FILL(active, 0) == 0, 1, 0)',
      ['instant_tasks_jobs_waiting', 'instant_tasks_jobs_active']],
    ['queued tasks worker', 'queuedTasksWorker', 'QueuedTasksWithoutWorkers', 'IF(FILL(required, 0) > 0 AND FILL(workers, 0) == 0, 1, 0)',
      ['queued_tasks_workers_required', 'queued_tasks_workers']],
  ] as const)('%s: jobs wait and no worker takes them for 5 minutes', (_name, key, alarmId, expression, metricNames) => {
    const props = resources[id(alarm(alarmId))].Properties;
    expect(props).toMatchObject({
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 5, TreatMissingData: 'notBreaching',
    });
    expect(props.Metrics.find((m: Json) => m.ReturnData).Expression).toBe(expression);
    expect(props.Metrics.filter((m: Json) => m.MetricStat).map((m: Json) => [m.MetricStat.Metric.MetricName, m.MetricStat.Stat]))
      .toEqual(metricNames.map(name => [name, 'Maximum']));
    expect(service(services[key]).Properties.DeploymentConfiguration.Alarms.AlarmNames).toEqual([
      expect.stringMatching(/TasksNotRunning$/), { Ref: id(alarm(alarmId)) },
    ]);
  });

  test('the other services keep their own deployment alarms only', () => {
    expect(service(services.orchestrator).Properties.DeploymentConfiguration.Alarms.AlarmNames).toHaveLength(1);
    expect(service(services.api).Properties.DeploymentConfiguration.Alarms.AlarmNames).toHaveLength(2);
  });
});
