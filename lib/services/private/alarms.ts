import { Names } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { TASKS_NOT_RUNNING_PERIODS } from './defaults';
import { MembraneService } from './membrane-service';
import { healthyTasks } from './service-metrics';
import { isPublicService, PUBLIC_SERVICES, ServiceKey, SERVICES } from './services-table';
import { notify } from '../../common/alarms';
import { METRIC_PERIOD } from '../../common/constants';
import { MembraneEcsServicesProps } from '../props';

/** 5xx per minute (load balancer plus API) that raise the 5xx alarm by default. */
export const DEFAULT_HTTP_5XX_THRESHOLD = 10;

/** What the service alarms read. */
export interface ServiceAlarmsProps {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly cluster: ecs.ICluster;
  readonly services: Record<ServiceKey, MembraneService>;
  readonly props: MembraneEcsServicesProps;
}

/**
 * Alarms that need no Membrane metrics, so they exist with or without autoscaling, and that roll a deployment of their
 * service back ("How CloudWatch alarms detect Amazon ECS deployment failures"): 5xx responses of the load balancer and
 * the API, of the UI and of the Console; a public service without a healthy target; any other service running fewer
 * tasks than desired.
 */
export function createServiceAlarms(scope: Construct, { loadBalancer, cluster, services, props }: ServiceAlarmsProps): cloudwatch.Alarm[] {
  const threshold = props.http5xxAlarmThreshold ?? DEFAULT_HTTP_5XX_THRESHOLD;
  const http5xx = (id: string, alarmDescription: string, metric: cloudwatch.IMetric) => new cloudwatch.Alarm(scope, id, {
    alarmDescription,
    metric,
    threshold,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const alarms: cloudwatch.Alarm[] = [];
  const add = (svc: MembraneService, alarm: cloudwatch.Alarm, fixedName?: string) => {
    alarms.push(alarm);
    if (fixedName) svc.addDeploymentAlarmName(fixedName); else svc.addDeploymentAlarm(alarm);
  };

  add(services.api, http5xx('Http5xx', 'The load balancer or the API return 5xx responses.', new cloudwatch.MathExpression({
    // The load balancer publishes 5xx counts only in minutes that have some: without FILL an outage with only
    // ELB 5xx (no target answers at all) leaves `elb + api` without a datapoint and the alarm stays OK.
    expression: 'FILL(elb, 0) + FILL(api, 0)',
    usingMetrics: {
      elb: loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: METRIC_PERIOD, statistic: cloudwatch.Stats.SUM }),
      api: services.api.metricHttpCodeTarget5xxCount(),
    },
    label: '5xx per minute',
    period: METRIC_PERIOD,
  })));
  for (const spec of PUBLIC_SERVICES) {
    const svc = services[spec.key];
    add(svc, new cloudwatch.Alarm(scope, `${spec.id}NoHealthyTargets`, {
      alarmDescription: `The ${spec.name} has had no healthy task behind the load balancer for 3 minutes: it is down.`,
      metric: healthyTasks(svc),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
  }
  for (const spec of PUBLIC_SERVICES.filter(s => s.key !== 'api')) {
    const svc = services[spec.key];
    add(svc, http5xx(`${spec.id}Http5xx`, `The ${spec.name} returns 5xx responses.`, svc.metricHttpCodeTarget5xxCount()));
  }
  for (const spec of SERVICES.filter(s => !isPublicService(s))) {
    const svc = services[spec.key];
    // The alarm reads the service's own metrics and the service names the alarm: a fixed name (unique per stack and
    // construct path, so two deployments never share one) keeps that from being a circular dependency.
    const alarmName = `${Names.uniqueResourceName(scope, { maxLength: 200, separator: '-' })}-${spec.id}TasksNotRunning`;
    const count = (metricName: string) => new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName,
      dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: svc.service.serviceName },
      statistic: cloudwatch.Stats.AVERAGE,
      period: METRIC_PERIOD,
    });
    add(svc, new cloudwatch.Alarm(scope, `${spec.id}TasksNotRunning`, {
      alarmName,
      alarmDescription: `Fewer ${spec.name} tasks have run than desired for ${TASKS_NOT_RUNNING_PERIODS} minutes: its tasks fail to start or `
        + 'keep stopping (Container Insights).',
      metric: new cloudwatch.MathExpression({
        expression: 'desiredTasks - runningTasks',
        usingMetrics: { desiredTasks: count('DesiredTaskCount'), runningTasks: count('RunningTaskCount') },
        label: `${spec.name} tasks missing`,
        period: METRIC_PERIOD,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: TASKS_NOT_RUNNING_PERIODS,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }), alarmName);
  }
  notify(alarms, props.alarmTopic);
  return alarms;
}
