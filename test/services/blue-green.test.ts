import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IMembraneService } from '../../lib';
import { annotationsOf, describeCdkTest } from '../harness';
import { testStack } from '../rule-packs';
import { build, OTHERS, PUBLIC, TemplateResource } from './support';

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
      const ruleId = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule'
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
      const alarms = service(svc).Properties.DeploymentConfiguration.Alarms!;
      expect(alarms).toMatchObject({ Enable: true, Rollback: true });
      expect(alarms.AlarmNames).toHaveLength(1);
      const name = alarms.AlarmNames[0] as string;
      // A literal name, not a Ref: the alarm reads the service's own name, so a Ref would be a circular dependency.
      expect(typeof name).toBe('string');
      expect(name).toMatch(/^Test-Membrane-[0-9A-F]{8}-\w+TasksNotRunning$/);
      const alarm = Object.values(resources).find(r => r.Properties?.AlarmName === name)!;
      expect(alarm.Properties).toMatchObject({
        Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 5, TreatMissingData: 'notBreaching',
      });
      const metrics = alarm.Properties.Metrics;
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
    const names = (s: Record<string, TemplateResource>) => Object.values(s).map(r => r.Properties?.AlarmName).filter(Boolean);
    const here = names(resources);
    expect(here).toHaveLength(4);
    for (const name of names(other.resources)) expect(here).not.toContain(name);
  });

  test('the public services\' alarms read both target groups: the traffic and the healthy tasks move with each deployment', () => {
    for (const key of PUBLIC) {
      const svc = services[key];
      const alarm = resources[id(services.alarms.find(a => a.node.id === `${svc.node.id}NoHealthyTargets`)!)].Properties;
      expect(alarm.Metrics.find(m => m.ReturnData)!.Expression).toBe(`FILL(${key}_0, 0) + FILL(${key}_1, 0)`);
      const groups = alarm.Metrics.filter(m => m.MetricStat).map(m =>
        m.MetricStat!.Metric.Dimensions.find(d => d.Name === 'TargetGroup')!.Value['Fn::GetAtt']![0]);
      expect(groups).toEqual([id(svc.targetGroup!), id(svc.alternateTargetGroup!)]);
    }
    const http5xx = resources[id(services.alarms.find(a => a.node.id === 'UiHttp5xx')!)].Properties;
    expect(http5xx).toMatchObject({ Threshold: 10, EvaluationPeriods: 5, DatapointsToAlarm: 3, ComparisonOperator: 'GreaterThanThreshold' });
    expect(http5xx.Metrics.find(m => m.ReturnData)!.Expression).toBe('FILL(ui_0, 0) + FILL(ui_1, 0)');
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
