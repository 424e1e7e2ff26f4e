import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Membrane, MembraneDeploymentOptions, MembraneExposure, MembraneScaling } from '../../lib';
import { buildServices, membraneInputs } from '../fixtures';
import { annotationsOf, describeCdkTest, templateOf } from '../harness';
import { testApp, testStack } from '../rule-packs';
import { build, PUBLIC, readStack } from './support';
import { EDGE } from '../ingress/support';

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
      expect(props.LoadBalancers[0].AdvancedConfiguration!.AlternateTargetGroupArn).toBeDefined();
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
    expect(main.AdvancedConfiguration!.AlternateTargetGroupArn).toEqual({ Ref: id(services.api.alternateTargetGroup!) });
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
    const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'cn-north-1' } });
    const { services, service } = build(undefined, {}, stack);
    for (const svc of services.allServices()) expect(service(svc).Properties.DeploymentConfiguration.Alarms?.Enable ?? false).toBe(false);
    annotationsOf(stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp('noDeploymentAlarms'));
  });
});

describeCdkTest('MembraneScaling: the workers also roll back when their queue stalls (Membrane\'s metrics)', () => {
  const { stack, services } = buildServices();
  const scaling = new MembraneScaling(stack, 'Scaling', { services });
  const { resources, id, service } = readStack(stack);
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
    expect(props.Metrics.find(m => m.ReturnData)!.Expression).toBe(expression);
    expect(props.Metrics.filter(m => m.MetricStat).map(m => [m.MetricStat!.Metric.MetricName, m.MetricStat!.Stat]))
      .toEqual(metricNames.map(name => [name, 'Maximum']));
    expect(service(services[key]).Properties.DeploymentConfiguration.Alarms!.AlarmNames).toEqual([
      expect.stringMatching(/TasksNotRunning$/), { Ref: id(alarm(alarmId)) },
    ]);
  });

  test('the other services keep their own deployment alarms only', () => {
    expect(service(services.orchestrator).Properties.DeploymentConfiguration.Alarms!.AlarmNames).toHaveLength(1);
    expect(service(services.api).Properties.DeploymentConfiguration.Alarms!.AlarmNames).toHaveLength(2);
  });
});
