import { CfnParameter, Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { logicalId } from './support';
import { IMembraneService, MembraneEcsServices, MembraneScaling } from '../../lib';
import { buildServices, containerOf, servicesFixture, servicesProps } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { testStack } from '../rule-packs';

// MembraneEcsServices: rolling updates, start-up order, logs, the cluster and Service Connect; the alarms.

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
      expect(containerOf(stack, svc).def.StopTimeout).toBe(120);
    }
    for (const svc of [services.api, services.ui, services.console]) expect(containerOf(stack, svc).def.StopTimeout).toBeUndefined();
  });

  test('one log group per service, one month retention, retained', () => {
    const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } });
    for (const svc of services.allServices()) {
      const group = groups[stack.getLogicalId(svc.logGroup.node.defaultChild as ecs.CfnService)];
      expect(group.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(containerOf(stack,
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
