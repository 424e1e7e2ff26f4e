import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { MODES } from './modes';
import { IMembraneService, MembraneEcsServicesProps } from './props';
import { notify } from '../common/alarms';
import { METRIC_PERIOD } from '../common/constants';


/** 5xx per minute (load balancer plus API) that raise the 5xx alarm by default. */
export const DEFAULT_HTTP_5XX_THRESHOLD = 10;

/** 5xx responses of a public service's targets per minute (alarm and dashboard). */
export function target5xx(svc: IMembraneService): cloudwatch.IMetric {
  return svc.targetGroup!.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT,
    { period: METRIC_PERIOD, statistic: cloudwatch.Stats.SUM, label: `${svc.serviceName} 5xx` });
}

/**
 * Alarms that need no Membrane metrics, so they exist with or without autoscaling: 5xx responses of the load
 * balancer and the API, and a public service without a healthy target.
 */
export function createServiceAlarms(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer,
  byKey: (key: 'api' | 'ui' | 'console') => IMembraneService, props: MembraneEcsServicesProps): cloudwatch.Alarm[] {
  const api = byKey('api');
  const alarms = [
    new cloudwatch.Alarm(scope, 'Http5xx', {
      alarmDescription: 'The load balancer or the API return 5xx responses.',
      metric: new cloudwatch.MathExpression({
        // The load balancer publishes 5xx counts only in minutes that have some: without FILL an outage with only
        // ELB 5xx (no target answers at all) leaves `elb + api` without a datapoint and the alarm stays OK.
        expression: 'FILL(elb, 0) + FILL(api, 0)',
        usingMetrics: {
          elb: loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: METRIC_PERIOD, statistic: cloudwatch.Stats.SUM }),
          api: target5xx(api),
        },
        label: '5xx per minute',
        period: METRIC_PERIOD,
      }),
      threshold: props.http5xxAlarmThreshold ?? DEFAULT_HTTP_5XX_THRESHOLD,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    ...MODES.filter(mode => mode.exposure === 'public-alb').map(mode => {
      const svc = byKey(mode.key as 'api' | 'ui' | 'console');
      return new cloudwatch.Alarm(scope, `${mode.id}NoHealthyTargets`, {
        alarmDescription: `The ${mode.name} has had no healthy task behind the load balancer for 3 minutes: it is down.`,
        metric: svc.targetGroup!.metrics.healthyHostCount({ period: METRIC_PERIOD, statistic: cloudwatch.Stats.MINIMUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }),
  ];
  notify(alarms, props.alarmTopic);
  return alarms;
}
