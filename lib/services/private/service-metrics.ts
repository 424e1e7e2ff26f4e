import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { METRIC_PERIOD } from '../../common/constants';
import { IMembraneService } from '../service';

/** The target groups of a public service: its own and, with blue/green, the alternate one (the traffic moves between them). */
export function targetGroupsOf(svc: IMembraneService): elbv2.ApplicationTargetGroup[] {
  return [svc.targetGroup, svc.alternateTargetGroup].filter((group): group is elbv2.ApplicationTargetGroup => group !== undefined);
}

/**
 * One metric of a public service's traffic, summed over its target groups: after a blue/green deployment the traffic
 * and the healthy tasks are in the other target group, and the sum follows them. A group without datapoints counts 0.
 * A service without a target group has no traffic metrics: asking for one is an error, not an empty graph.
 */
export function overTargetGroups(svc: IMembraneService, expression: cloudwatch.MathExpressionOptions & { readonly label: string },
  metric: (group: elbv2.ApplicationTargetGroup) => cloudwatch.Metric): cloudwatch.IMetric {
  const groups = targetGroupsOf(svc);
  if (groups.length === 0) {
    throw new Error(`${svc.node.path}: ${svc.serviceName} has no target group (it is not behind the load balancer), so it has no `
      + `'${expression.label}' metric. Only the services behind the load balancer (api, ui, console) have target group metrics.`);
  }
  if (groups.length === 1) return metric(groups[0]);
  // Metric ids are unique within an alarm or a graph: prefixed with the service.
  const id = (i: number) => `${svc.serviceName.replace(/[^a-z0-9]/gi, '_')}_${i}`;
  return new cloudwatch.MathExpression({
    expression: groups.map((_, i) => `FILL(${id(i)}, 0)`).join(' + '),
    usingMetrics: Object.fromEntries(groups.map((group, i) => [id(i), metric(group)])),
    period: METRIC_PERIOD,
    ...expression,
  });
}

/**
 * `HTTPCode_Target_5XX_Count` of a public service over its target groups: sum per minute, labelled `<service> 5xx`.
 * `props` apply to each target group's metric; label, period and color also to their sum.
 */
export function metricTarget5xx(svc: IMembraneService, props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
  const label = props.label ?? `${svc.serviceName} 5xx`;
  const period = props.period ?? METRIC_PERIOD;
  return overTargetGroups(svc, { label, period, color: props.color }, group => group.metrics.httpCodeTarget(
    elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: cloudwatch.Stats.SUM, ...props, label, period }));
}

/** An AWS/ECS metric of one service (`CPUUtilization`, `MemoryUtilization`): average per minute, labelled with its name. */
export function metricEcsService(svc: IMembraneService, metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/ECS',
    metricName,
    statistic: cloudwatch.Stats.AVERAGE,
    period: METRIC_PERIOD,
    dimensionsMap: { ClusterName: svc.service.cluster.clusterName, ServiceName: svc.service.serviceName },
    label: svc.serviceName,
    ...props,
  });
}

/** Healthy tasks of a public service behind the load balancer (the lowest count of each minute). */
export function healthyTasks(svc: IMembraneService): cloudwatch.IMetric {
  return overTargetGroups(svc, { label: `${svc.serviceName} healthy tasks` },
    group => group.metrics.healthyHostCount({ period: METRIC_PERIOD, statistic: cloudwatch.Stats.MINIMUM }));
}

/**
 * p95 response time of a public service's targets, one line per target group (the one without traffic has no data),
 * for the dashboard.
 */
export function targetResponseTimes(svc: IMembraneService): cloudwatch.IMetric[] {
  return targetGroupsOf(svc).map((group, i) => group.metrics.targetResponseTime({
    period: METRIC_PERIOD, statistic: cloudwatch.Stats.p(95), label: i === 0 ? svc.serviceName : `${svc.serviceName} (alternate)`,
  }));
}

