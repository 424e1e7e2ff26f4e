/**
 * Reads what the scaling simulator needs from a synthesized CloudFormation template: the scalable targets, their
 * policies (target tracking and step scaling with their alarms, statistics and periods), the collector's scrape
 * interval, batch timeout and storage resolution, and which services protect busy tasks. Nothing is taken from the
 * library's source: only the template.
 */
import { ServiceKey, SERVICES } from '../../lib/services/private/services-table';
import { CfnMetricQuery, CfnProperties, cfnTemplate, propertiesOf, resourcesOf } from '../cost/template';

/** A metric of a policy or alarm as CloudFormation writes it (MetricDataQuery): the fields the simulator reads. */
interface CfnMetricDataQuery extends CfnMetricQuery {
  readonly Id: string;
  readonly Expression?: string;
  readonly ReturnData?: boolean;
  readonly MetricStat?: {
    readonly Metric?: { readonly MetricName?: string; readonly Dimensions?: readonly CfnDimension[] };
    readonly Period?: number;
    readonly Stat?: string;
  };
}

/** A metric dimension: its value is a service's name or a token naming the service's logical ID. */
interface CfnDimension {
  readonly Name: string;
  readonly Value: unknown;
}

/** What the cost estimate reads of a policy and an alarm: the simulator reads more. */
type CostScalingPolicy = CfnProperties['AWS::ApplicationAutoScaling::ScalingPolicy'];
type CostAlarm = CfnProperties['AWS::CloudWatch::Alarm'];

/** A scaling policy's properties; each configuration is present on the policies of its PolicyType. */
interface CfnScalingPolicy extends CostScalingPolicy {
  readonly ScalingTargetId: unknown;
  readonly TargetTrackingScalingPolicyConfiguration: {
    readonly TargetValue: number;
    readonly ScaleOutCooldown?: number;
    readonly ScaleInCooldown?: number;
    readonly DisableScaleIn?: boolean;
    readonly PredefinedMetricSpecification?: { readonly PredefinedMetricType: string };
    readonly CustomizedMetricSpecification?: { readonly Metrics?: readonly CfnMetricDataQuery[] };
  };
  readonly StepScalingPolicyConfiguration: {
    readonly AdjustmentType: string;
    readonly Cooldown?: number;
    readonly MetricAggregationType?: string;
    readonly MinAdjustmentMagnitude?: number;
    readonly StepAdjustments: ReadonlyArray<{
      readonly MetricIntervalLowerBound?: number;
      readonly MetricIntervalUpperBound?: number;
      readonly ScalingAdjustment: number;
    }>;
  };
}

/** An alarm's properties: a single metric (MetricName, Dimensions, Statistic, Period) or metric queries (Metrics). */
interface CfnAlarm extends CostAlarm {
  readonly AlarmActions?: readonly unknown[];
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number;
  readonly MetricName?: string;
  readonly Dimensions?: readonly CfnDimension[];
  readonly Statistic?: string;
  readonly Metrics?: readonly CfnMetricDataQuery[];
}

/** One metric of a policy or alarm: a CloudWatch metric of a service, or a metric-math expression. */
export interface MetricQuery {
  readonly id: string;
  readonly expression?: string;
  readonly metricName?: string;
  /** CloudWatch statistic (Average, Sum, SampleCount, Maximum, Minimum). */
  readonly stat?: string;
  /** The service the metric's dimensions name, if any. */
  readonly service?: ServiceKey;
  readonly returnData: boolean;
}

export interface TargetTrackingPolicy {
  readonly kind: 'target';
  readonly name: string;
  readonly target: number;
  readonly scaleOutCooldown: number;
  readonly scaleInCooldown: number;
  /** Scale-out only: another policy scales in. */
  readonly disableScaleIn: boolean;
  /** ECSServiceAverageCPUUtilization / ECSServiceAverageMemoryUtilization, or a customized metric. */
  readonly predefined?: string;
  readonly metrics: readonly MetricQuery[];
}

export interface StepAdjustment {
  readonly lower: number;
  readonly upper: number;
  readonly change: number;
}

export interface StepPolicy {
  readonly kind: 'step';
  readonly name: string;
  readonly cooldown: number;
  readonly adjustmentType: string;
  /** How the alarm's datapoints are combined to choose the interval (Average, Minimum, Maximum). */
  readonly aggregation: string;
  /** Smallest change of a PercentChangeInCapacity adjustment. */
  readonly minAdjustmentMagnitude: number;
  readonly adjustments: readonly StepAdjustment[];
  readonly alarm: {
    readonly threshold: number;
    readonly comparison: string;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    readonly period: number;
    readonly metrics: readonly MetricQuery[];
  };
}

export type ScalingPolicy = TargetTrackingPolicy | StepPolicy;

export interface ScaledService {
  readonly service: ServiceKey;
  readonly min: number;
  readonly max: number;
  readonly policies: readonly ScalingPolicy[];
  /** A sidecar protects busy tasks from scale-in (ECS task scale-in protection). */
  readonly protectsBusyTasks: boolean;
}

export interface ScalingModel {
  readonly services: readonly ScaledService[];
  readonly scrapeIntervalSeconds: number;
  readonly batchTimeoutSeconds: number;
  /** The collector stores Membrane's metrics at 1-second resolution (else one minute: a 10 s alarm sees a minute's datapoint). */
  readonly highResolution: boolean;
}

/** The service a logical id or a service name belongs to. */
function serviceOf(value: unknown, serviceLogicalIds: Map<string, ServiceKey>): ServiceKey | undefined {
  const text = JSON.stringify(value);
  for (const [logicalId, key] of serviceLogicalIds) if (text.includes(`"${logicalId}"`)) return key;
  return SERVICES.find(spec => text === JSON.stringify(spec.name))?.key;
}

function queries(metrics: readonly CfnMetricDataQuery[], serviceLogicalIds: Map<string, ServiceKey>): MetricQuery[] {
  return metrics.map(m => {
    const stat = m.MetricStat;
    const dimensions = stat?.Metric?.Dimensions ?? [];
    const named = dimensions.find(d => d.Name === 'Service' || d.Name === 'ServiceName');
    return {
      id: m.Id,
      expression: m.Expression,
      metricName: stat?.Metric?.MetricName,
      stat: stat?.Stat,
      service: named ? serviceOf(named.Value, serviceLogicalIds) : undefined,
      returnData: m.ReturnData !== false,
    };
  });
}

/** The simulator's view of a template. */
export function readScalingModel(json: unknown): ScalingModel {
  const template = cfnTemplate(json);
  const serviceLogicalIds = new Map<string, ServiceKey>();
  for (const [logicalId] of resourcesOf(template, 'AWS::ECS::Service')) {
    // The service's construct path is <MembraneEcsServices>/<service id>/Service: its logical id holds `<service id>Service`.
    const spec = [...SERVICES].sort((a, b) => b.id.length - a.id.length).find(m => logicalId.includes(`${m.id}Service`));
    if (spec) serviceLogicalIds.set(logicalId, spec.key);
  }
  const collector = JSON.stringify(template);
  const scrape = /scrape_interval\\":\\"(\d+)s/.exec(collector);
  const batch = /batch\\":\{\\"timeout\\":\\"(\d+)s/.exec(collector);
  const highResolution = /aws\.emf\.storage_resolution\\",\\"value\\":\\"1\\"/.test(collector);
  // The same resources as the cost estimate reads, with the properties the simulator reads too.
  const scalingPolicies = resourcesOf(template, 'AWS::ApplicationAutoScaling::ScalingPolicy') as Array<[string, CfnScalingPolicy]>;
  const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm') as Array<[string, CfnAlarm]>;

  const services: ScaledService[] = [];
  for (const [targetId, target] of resourcesOf(template, 'AWS::ApplicationAutoScaling::ScalableTarget')) {
    const service = serviceOf(target.ResourceId, serviceLogicalIds);
    if (!service) continue;
    const serviceLogicalId = [...serviceLogicalIds].find(([, key]) => key === service)![0];
    const taskDefinitionId = propertiesOf(template, serviceLogicalId, 'AWS::ECS::Service').TaskDefinition.Ref;
    const containers = propertiesOf(template, taskDefinitionId, 'AWS::ECS::TaskDefinition').ContainerDefinitions;
    const policies: ScalingPolicy[] = [];
    for (const [policyId, p] of scalingPolicies) {
      if (JSON.stringify(p.ScalingTargetId) !== JSON.stringify({ Ref: targetId })) continue;
      if (p.PolicyType === 'TargetTrackingScaling') {
        const c = p.TargetTrackingScalingPolicyConfiguration;
        policies.push({
          kind: 'target',
          name: policyId,
          target: c.TargetValue,
          scaleOutCooldown: c.ScaleOutCooldown ?? 300,
          scaleInCooldown: c.ScaleInCooldown ?? 300,
          disableScaleIn: c.DisableScaleIn === true,
          predefined: c.PredefinedMetricSpecification?.PredefinedMetricType,
          metrics: queries(c.CustomizedMetricSpecification?.Metrics ?? [], serviceLogicalIds),
        });
      } else {
        const c = p.StepScalingPolicyConfiguration;
        const a = alarms.find(([, alarm]) => JSON.stringify(alarm.AlarmActions ?? []).includes(`"${policyId}"`))?.[1];
        if (!a) continue;
        const metrics: readonly CfnMetricDataQuery[] = a.Metrics ?? [{
          Id: 'm', MetricStat: { Metric: { MetricName: a.MetricName, Dimensions: a.Dimensions }, Period: a.Period, Stat: a.Statistic },
        }];
        policies.push({
          kind: 'step',
          name: policyId,
          cooldown: c.Cooldown ?? 0,
          adjustmentType: c.AdjustmentType,
          aggregation: c.MetricAggregationType ?? 'Average',
          minAdjustmentMagnitude: c.MinAdjustmentMagnitude ?? 1,
          adjustments: c.StepAdjustments.map(s => ({
            lower: s.MetricIntervalLowerBound ?? -Infinity,
            upper: s.MetricIntervalUpperBound ?? Infinity,
            change: s.ScalingAdjustment,
          })),
          alarm: {
            threshold: a.Threshold,
            comparison: a.ComparisonOperator,
            evaluationPeriods: a.EvaluationPeriods,
            datapointsToAlarm: a.DatapointsToAlarm ?? a.EvaluationPeriods,
            period: a.Period ?? metrics.find(m => m.MetricStat)?.MetricStat?.Period ?? 60,
            metrics: queries(metrics, serviceLogicalIds),
          },
        });
      }
    }
    services.push({
      service,
      min: target.MinCapacity,
      max: target.MaxCapacity,
      policies,
      protectsBusyTasks: containers.some(c => c.Name === 'task-protection'),
    });
  }
  return {
    services: services.sort((a, b) => a.service.localeCompare(b.service)),
    scrapeIntervalSeconds: scrape ? Number(scrape[1]) : 60,
    batchTimeoutSeconds: batch ? Number(batch[1]) : 60,
    highResolution,
  };
}
