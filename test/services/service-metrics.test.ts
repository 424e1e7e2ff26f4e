import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { logicalId } from './support';
import { IMembraneService } from '../../lib';
import { buildServices } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';

// The metric methods of IMembraneService: CPU, memory and the targets' 5xx, and the service alarms that read them.

/** The two target groups of a public service, by logical id. */
function targetGroupIds(stack: Stack, svc: IMembraneService): string[] {
  return [svc.targetGroup!, svc.alternateTargetGroup!].map(group => stack.getLogicalId(group.node.defaultChild as elbv2.CfnTargetGroup));
}

interface MetricQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly Label?: string;
  readonly MetricStat?: { readonly Metric: Record<string, unknown>; readonly Period: number; readonly Stat: string };
}

describeCdkTest('IMembraneService metrics', () => {
  const { stack, services } = buildServices();
  // Alarms on the metrics, made before the stack is synthesized (the tree is fixed after that).
  const alarm = (id: string, metric: cloudwatch.IMetric) => new cloudwatch.Alarm(stack, id, { metric, threshold: 1, evaluationPeriods: 1 });
  const own = {
    cpu: alarm('Cpu', services.queuedTasksWorker.metricCpuUtilization()),
    memory: alarm('Memory', services.api.metricMemoryUtilization({
      period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM, label: 'API memory',
    })),
    ui5xx: alarm('Ui5xx', services.ui.metricHttpCodeTarget5xxCount()),
    console5xx: alarm('Console5xx', services.console.metricHttpCodeTarget5xxCount()),
    api5xx: alarm('Api5xx', services.api.metricHttpCodeTarget5xxCount()),
    console5xxProps: alarm('Console5xxProps', services.console.metricHttpCodeTarget5xxCount({
      period: Duration.minutes(5), label: 'Console errors', statistic: cloudwatch.Stats.MAXIMUM,
    })),
  };
  /** The metric queries of an alarm, as CloudFormation sees them. */
  const metricsOf = (a: cloudwatch.Alarm): MetricQuery[] =>
    templateOf(stack).toJSON().Resources[stack.getLogicalId(a.node.defaultChild as cloudwatch.CfnAlarm)].Properties.Metrics;
  const libraryAlarm = (id: string) => services.alarms.find(a => a.node.id === id)!;
  const dimensions = (svc: IMembraneService) => [
    { Name: 'ClusterName', Value: { Ref: stack.getLogicalId(services.cluster.node.defaultChild as ecs.CfnCluster) } },
    { Name: 'ServiceName', Value: { 'Fn::GetAtt': [logicalId(stack, svc.service), 'Name'] } },
  ];

  test.each([
    ['metricCpuUtilization: AWS/ECS CPUUtilization of the service, average per minute, labelled with its name',
      'cpu', 'queued-tasks-worker', 'CPUUtilization', 'queuedTasksWorker', 60, 'Average'],
    ['metricMemoryUtilization: AWS/ECS MemoryUtilization of the service; props override the defaults',
      'memory', 'API memory', 'MemoryUtilization', 'api', 300, 'Maximum'],
  ] as const)('%s', (_name, alarmKey, label, metricName, service, period, stat) => {
    expect(metricsOf(own[alarmKey])).toEqual([expect.objectContaining({
      Label: label,
      MetricStat: { Metric: { Namespace: 'AWS/ECS', MetricName: metricName, Dimensions: dimensions(services[service]) }, Period: period, Stat: stat },
    })]);
  });

  test('metricHttpCodeTarget5xxCount: the sum over both target groups of a blue/green service, missing data as 0', () => {
    const [primary, alternate] = targetGroupIds(stack, services.ui);
    const groupMetric = (id: string, group: string) => expect.objectContaining({
      Id: id,
      ReturnData: false,
      MetricStat: {
        Metric: expect.objectContaining({
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'HTTPCode_Target_5XX_Count',
          Dimensions: expect.arrayContaining([{ Name: 'TargetGroup', Value: { 'Fn::GetAtt': [group, 'TargetGroupFullName'] } }]),
        }),
        Period: 60,
        Stat: 'Sum',
      },
    });
    expect(metricsOf(own.ui5xx)).toEqual([
      expect.objectContaining({ Expression: 'FILL(ui_0, 0) + FILL(ui_1, 0)', Label: 'ui 5xx' }),
      groupMetric('ui_0', primary),
      groupMetric('ui_1', alternate),
    ]);
  });

  test('metricHttpCodeTarget5xxCount: props go to each group\'s metric, label and period also to the sum', () => {
    const metrics = metricsOf(own.console5xxProps);
    expect(metrics[0]).toMatchObject({ Expression: 'FILL(console_0, 0) + FILL(console_1, 0)', Label: 'Console errors' });
    expect(metrics.slice(1).map(m => [m.MetricStat?.Period, m.MetricStat?.Stat])).toEqual([[300, 'Maximum'], [300, 'Maximum']]);
  });

  test('metricHttpCodeTarget5xxCount: a service without a target group throws instead of measuring nothing', () => {
    for (const svc of [services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator, services.customCodeRunner]) {
      expect(svc.targetGroup).toBeUndefined();
      expect(() => svc.metricHttpCodeTarget5xxCount()).toThrow(new RegExp(`${svc.serviceName} has no target group`));
    }
  });

  test('the UI and Console 5xx alarms read metricHttpCodeTarget5xxCount()', () => {
    expect(metricsOf(libraryAlarm('UiHttp5xx'))).toEqual(metricsOf(own.ui5xx));
    expect(metricsOf(libraryAlarm('ConsoleHttp5xx'))).toEqual(metricsOf(own.console5xx));
  });

  test('the API 5xx alarm adds the load balancer\'s 5xx to metricHttpCodeTarget5xxCount()', () => {
    const metrics = metricsOf(libraryAlarm('Http5xx'));
    const [sum, ...groups] = metricsOf(own.api5xx);
    expect(metrics.find(m => m.Id === 'api')).toMatchObject({ Expression: sum.Expression, Label: sum.Label });
    expect(metrics.filter(m => m.Id.startsWith('api_'))).toEqual(groups);
  });
});
