import { Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ALARM_DEFAULTS, DASHBOARD_RANGE, METRIC_PERIOD, WIDGET_SIZE } from './defaults';
import { MetricFactory } from './metrics';
import { MembraneScalingProps } from './props';
import { IMembraneService } from '../services';
import { MODES } from '../services/modes';

function graph(title: string, left: cloudwatch.IMetric[], right?: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, right, ...WIDGET_SIZE });
}

/** A target group's 5xx count per minute. */
function target5xx(svc: IMembraneService): cloudwatch.IMetric {
  return svc.targetGroup!.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT,
    { period: METRIC_PERIOD, statistic: cloudwatch.Stats.SUM, label: `${svc.serviceName} 5xx` });
}

/** The dashboard: queues, utilization, job spaces, task counts, CPU/memory, load balancer errors and latency, Redis. */
export function createDashboard(scope: Construct, props: MembraneScalingProps, metrics: MetricFactory): cloudwatch.Dashboard {
  const s = props.services;
  const all = MODES.map(mode => mode.key);
  const publicServices = [s.api, s.ui, s.console].filter(svc => svc.targetGroup);
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: DASHBOARD_RANGE });
  dashboard.addWidgets(
    graph('Instant tasks queue', [metrics.instantTasksJobsActive({ label: 'active' }), metrics.instantTasksJobsWaiting({ label: 'waiting' })]),
    graph('Queued tasks workers', [metrics.queuedTasksWorkersRequired({ label: 'required' }), metrics.queuedTasksWorkers({ label: 'running' })]),
  );
  dashboard.addWidgets(
    graph('Worker utilization', [
      metrics.instantTasksWorkerUtilization({ label: 'instant tasks worker' }),
      metrics.queuedTasksWorkerUtilization({ label: 'queued tasks worker' }),
    ]),
    graph('Custom code runner job spaces', [
      metrics.customCodeRunnerTotalJobSpaces({ label: 'total' }), metrics.customCodeRunnerRemainingJobSpaces({ label: 'remaining' }),
    ], [metrics.customCodeRunnerUtilization()]),
  );
  dashboard.addWidgets(
    graph('Running tasks', all.map(key => metrics.ecs('ECS/ContainerInsights', 'RunningTaskCount', key, cloudwatch.Stats.AVERAGE))),
    graph('Desired tasks', all.map(key => metrics.ecs('ECS/ContainerInsights', 'DesiredTaskCount', key, cloudwatch.Stats.AVERAGE))),
  );
  dashboard.addWidgets(
    graph('CPU utilization (%)', all.map(key => metrics.ecs('AWS/ECS', 'CPUUtilization', key, cloudwatch.Stats.AVERAGE))),
    graph('Memory utilization (%)', all.map(key => metrics.ecs('AWS/ECS', 'MemoryUtilization', key, cloudwatch.Stats.AVERAGE))),
  );
  dashboard.addWidgets(
    graph('Load balancer 5xx', [
      s.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT,
        { period: METRIC_PERIOD, statistic: cloudwatch.Stats.SUM, label: 'load balancer 5xx' }),
      ...publicServices.map(target5xx),
    ]),
    graph('Target response time p95 (s)', publicServices.map(svc =>
      svc.targetGroup!.metrics.targetResponseTime({ period: METRIC_PERIOD, statistic: cloudwatch.Stats.p(95), label: svc.serviceName }))),
  );
  for (const cache of props.caches ?? []) {
    dashboard.addWidgets(
      graph(`Redis ${cache.node.id}: engine CPU and memory (%)`, [cache.metricEngineCpuUtilization(), cache.metricDatabaseMemoryUsagePercentage()]),
      graph(`Redis ${cache.node.id}: connections`, [cache.metricCurrConnections()]),
    );
  }
  return dashboard;
}

/** Alarms on the key signals: growing instant queue, queued workers at capacity, no spare job spaces, 5xx. */
export function createAlarms(scope: Construct, props: MembraneScalingProps, metrics: MetricFactory,
  queuedMaxCapacity: number): cloudwatch.Alarm[] {
  const s = props.services;
  const alarms = [
    new cloudwatch.Alarm(scope, 'InstantTasksQueueGrowing', {
      alarmDescription: 'Instant tasks are waiting: the instant tasks workers do not keep up ("Frequently Asked Questions": growing job queues).',
      metric: metrics.instantTasksJobsWaiting(),
      threshold: props.instantQueueAlarmThreshold ?? ALARM_DEFAULTS.instantQueueThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: ALARM_DEFAULTS.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'QueuedWorkersAtCapacity', {
      alarmDescription: `Membrane requires at least ${queuedMaxCapacity} queued tasks workers, the scaling maximum: queued tasks wait.`,
      metric: metrics.queuedTasksWorkersRequired(),
      threshold: queuedMaxCapacity,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: ALARM_DEFAULTS.queuedAtCapacityPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'CustomCodeRunnerNoSpareJobSpaces', {
      alarmDescription: 'The custom code runners have no free job space: custom code waits ("Frequently Asked Questions": Custom Code Runner at '
        + 'capacity).',
      metric: metrics.customCodeRunnerRemainingJobSpaces(),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: ALARM_DEFAULTS.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'Http5xx', {
      alarmDescription: 'The load balancer or the API return 5xx responses.',
      metric: new cloudwatch.MathExpression({
        // The load balancer publishes 5xx counts only in minutes that have some: without FILL an outage with only
        // ELB 5xx (no target answers at all) leaves `elb + api` without a datapoint and the alarm stays OK.
        expression: 'FILL(elb, 0) + FILL(api, 0)',
        usingMetrics: {
          elb: s.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: METRIC_PERIOD, statistic: cloudwatch.Stats.SUM }),
          api: target5xx(s.api),
        },
        label: '5xx per minute',
        period: METRIC_PERIOD,
      }),
      threshold: props.http5xxAlarmThreshold ?? ALARM_DEFAULTS.http5xxThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: ALARM_DEFAULTS.evaluationPeriods,
      datapointsToAlarm: ALARM_DEFAULTS.http5xxDatapoints,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
  if (props.alarmTopic) {
    // A topic policy replaces the default one, so a topic with any policy (e.g. one that enforces TLS) refuses
    // CloudWatch unless it is allowed explicitly. Scoped to this account's alarms. No effect on an imported topic.
    const { account, partition, region } = Stack.of(scope);
    props.alarmTopic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'MembraneAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [props.alarmTopic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
      },
    }));
  }
  for (const alarm of alarms) {
    if (props.alarmTopic) {
      alarm.addAlarmAction(new cwactions.SnsAction(props.alarmTopic));
      alarm.addOkAction(new cwactions.SnsAction(props.alarmTopic));
    } else {
      Validations.of(alarm).acknowledge({
        id: 'NIST.800.53.R5-CloudWatchAlarmAction',
        reason: 'Where alarms go (SNS, chat, paging) is the platform team\'s choice; pass alarmTopic to notify a topic. The alarm still shows on the '
          + 'dashboard.',
      });
    }
  }
  return alarms;
}
