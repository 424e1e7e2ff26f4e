import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { ALARM_DEFAULTS, DASHBOARD_RANGE, METRIC_PERIOD, WIDGET_SIZE } from '../defaults';
import { MetricFactory } from './metrics';
import { notify } from '../../common/alarms';
import { targetResponseTimes } from '../../services/private/service-metrics';
import { PUBLIC_SERVICES, SERVICES } from '../../services/private/services-table';
import { IMembraneService } from '../../services/service';
import { MembraneScalingProps } from '../props';

function graph(title: string, left: cloudwatch.IMetric[], right?: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, right, ...WIDGET_SIZE });
}


/** The dashboard: queues, utilization, job spaces, task counts, CPU/memory, load balancer errors and latency, Redis. */
export function createDashboard(scope: Construct, props: MembraneScalingProps, metrics: MetricFactory): cloudwatch.Dashboard {
  const s = props.services;
  const all = SERVICES.map(spec => spec.key);
  const publicServices = PUBLIC_SERVICES.map(({ key }) => s[key]).filter(svc => svc.targetGroup);
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: DASHBOARD_RANGE });
  dashboard.addWidgets(
    graph('Instant tasks queue', [
      metrics.metricInstantTasksJobsActive({ label: 'active' }), metrics.metricInstantTasksJobsWaiting({ label: 'waiting' }),
    ]),
    graph('Queued tasks workers', [
      metrics.metricQueuedTasksWorkersRequired({ label: 'required' }), metrics.metricQueuedTasksWorkers({ label: 'running' }),
    ]),
  );
  dashboard.addWidgets(
    graph('Worker utilization', [
      metrics.metricInstantTasksWorkerUtilization({ label: 'instant tasks worker' }),
      metrics.metricQueuedTasksWorkerUtilization({ label: 'queued tasks worker' }),
    ]),
    graph('Custom code runner job spaces', [
      metrics.metricCustomCodeRunnerTotalJobSpaces({ label: 'total' }), metrics.metricCustomCodeRunnerRemainingJobSpaces({ label: 'remaining' }),
    ], [metrics.metricCustomCodeRunnerUtilization()]),
  );
  dashboard.addWidgets(
    graph('Running tasks', all.map(key => metrics.metricContainerInsights('RunningTaskCount', key))),
    graph('Desired tasks', all.map(key => metrics.metricContainerInsights('DesiredTaskCount', key))),
  );
  dashboard.addWidgets(
    graph('CPU utilization (%)', all.map(key => s[key].metricCpuUtilization())),
    graph('Memory utilization (%)', all.map(key => s[key].metricMemoryUtilization())),
  );
  dashboard.addWidgets(
    graph('Load balancer 5xx', [
      s.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT,
        { period: METRIC_PERIOD, statistic: cloudwatch.Stats.SUM, label: 'load balancer 5xx' }),
      ...publicServices.map(svc => svc.metricHttpCodeTarget5xxCount()),
    ]),
    graph('Target response time p95 (s)', publicServices.flatMap(targetResponseTimes)),
  );
  for (const cache of props.caches ?? []) {
    dashboard.addWidgets(
      graph(`Redis ${cache.node.id}: engine CPU and memory (%)`, [cache.metricEngineCpuUtilization(), cache.metricDatabaseMemoryUsagePercentage()]),
      graph(`Redis ${cache.node.id}: connections`, [cache.metricCurrConnections()]),
    );
  }
  return dashboard;
}

/** Alarms on Membrane's signals: growing instant queue, queued workers at capacity, no spare job spaces, stalled worker queues. */
export function createAlarms(scope: Construct, props: MembraneScalingProps, metrics: MetricFactory,
  queuedMaxCapacity: number): cloudwatch.Alarm[] {
  const alarms = [
    new cloudwatch.Alarm(scope, 'InstantTasksQueueGrowing', {
      alarmDescription: 'Instant tasks are waiting: the instant tasks workers do not keep up ("Frequently Asked Questions": growing job queues).',
      metric: metrics.metricInstantTasksJobsWaiting(),
      threshold: props.instantQueueAlarmThreshold ?? ALARM_DEFAULTS.instantQueueThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: ALARM_DEFAULTS.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'QueuedWorkersAtCapacity', {
      alarmDescription: `Membrane requires at least ${queuedMaxCapacity} queued tasks workers, the scaling maximum: queued tasks wait.`,
      metric: metrics.metricQueuedTasksWorkersRequired(),
      threshold: queuedMaxCapacity,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: ALARM_DEFAULTS.queuedAtCapacityPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'CustomCodeRunnerNoSpareJobSpaces', {
      alarmDescription: 'The custom code runners have no free job space: custom code waits ("Frequently Asked Questions": Custom Code Runner at '
        + 'capacity).',
      metric: metrics.metricCustomCodeRunnerRemainingJobSpaces(),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: ALARM_DEFAULTS.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
  const stalled = stalledQueueAlarms(scope, props, metrics);
  notify([...alarms, ...stalled], props.alarmTopic);
  return [...alarms, ...stalled];
}

/**
 * Deployment alarms of the two workers from Membrane's own signals ("Autoscaling Configuration"): jobs wait and no worker
 * takes them. A new worker version that starts and passes its health check but does not work shows here; its deployment
 * then rolls back. Only for services in this stack (a reference from the services to another stack would be circular).
 */
function stalledQueueAlarms(scope: Construct, props: MembraneScalingProps, metrics: MetricFactory): cloudwatch.Alarm[] {
  const stalled = (id: string, alarmDescription: string, expression: string, usingMetrics: Record<string, cloudwatch.IMetric>) =>
    new cloudwatch.Alarm(scope, id, {
      alarmDescription,
      metric: new cloudwatch.MathExpression({ expression, usingMetrics, label: 'stalled (1) or not (0)', period: METRIC_PERIOD }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: ALARM_DEFAULTS.evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  const pairs: Array<[IMembraneService, cloudwatch.Alarm]> = [
    [props.services.instantTasksWorker, stalled('InstantTasksNotTaken', 'Instant tasks have waited and none was processed for '
      + `${ALARM_DEFAULTS.evaluationPeriods} minutes: the instant tasks workers take no jobs.`,
    'IF(FILL(waiting, 0) > 0 AND FILL(active, 0) == 0, 1, 0)',
    { waiting: metrics.metricInstantTasksJobsWaiting(), active: metrics.metricInstantTasksJobsActive() })],
    [props.services.queuedTasksWorker, stalled('QueuedTasksWithoutWorkers', 'Queued tasks have needed workers and the API has counted none '
      + `for ${ALARM_DEFAULTS.evaluationPeriods} minutes: the queued tasks workers do not register.`,
    'IF(FILL(required, 0) > 0 AND FILL(workers, 0) == 0, 1, 0)',
    { required: metrics.metricQueuedTasksWorkersRequired(), workers: metrics.metricQueuedTasksWorkers() })],
  ];
  for (const [svc, alarm] of pairs) {
    if (Stack.of(svc) === Stack.of(alarm)) svc.addDeploymentAlarm(alarm);
  }
  return pairs.map(([, alarm]) => alarm);
}
