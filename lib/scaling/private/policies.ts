import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { BURST_STEPS, DEFAULT_COOLDOWNS, DEFAULT_TARGETS, MEASURED_SCALE_IN, METRIC_PERIOD, TARGET_TRACKING_SCALE_IN_PERIODS } from '../defaults';
import { MathInput } from './metrics';
import { MIN_PRODUCTION_TASKS } from '../../common/constants';
import { known, propError, requireInteger, requireOrdered } from '../../common/validation';
import { ServiceKey, serviceSpecOf } from '../../services/private/services-table';
import { IMembraneEcsServices, MembraneTaskCountScaling } from '../../services/service';
import { MembraneServiceScaling } from '../props';

/** A target-tracking policy on a metric-math expression. */
export interface MathPolicySpec {
  readonly service: ServiceKey;
  readonly options: MembraneServiceScaling;
  /** Target when `options.target` is not given. */
  readonly defaultTarget: number;
  /** Largest target that makes sense for the metric (1 for a utilization rate). */
  readonly targetMax: number;
  /** What the metric measures, for the policy name. */
  readonly what: string;
  readonly inputs: MathInput[];
  readonly expression: string;
  /** The formula as Membrane's documentation writes it. */
  readonly label: string;
  /**
   * Scale in with a measured step policy instead of target tracking's own scale-in (with burst scaling): on the
   * busiest of 15 low minutes, by a share that keeps the metric below the target.
   */
  readonly measuredScaleIn?: boolean;
}

/** A step policy that adds the tasks a backlog expression says are missing. */
export interface BurstPolicySpec {
  readonly service: ServiceKey;
  readonly inputs: MathInput[];
  /** Intermediate expressions by id (e.g. the running tasks from a sample count), usable in `expression`. */
  readonly intermediate?: { readonly [id: string]: string };
  /** Tasks missing: the tasks the backlog needs minus the tasks that run. */
  readonly expression: string;
  readonly label: string;
  readonly cooldown: Duration;
  /** Alarm period: 10 s for high-resolution signals. */
  readonly period: Duration;
}

/** A step policy that sets the maximum at once when a bounded signal (CPU) is saturated. */
export interface SaturationPolicySpec {
  readonly service: ServiceKey;
  readonly metric: cloudwatch.IMetric;
  /** At or above this the service is saturated. */
  readonly threshold: number;
  readonly cooldown: Duration;
}

/**
 * Registers services with Application Auto Scaling and attaches their policies. The services construct owns
 * the task count and hands it over through `autoScaleTaskCount`.
 */
export class ScalingPolicies {
  private readonly taskCounts: { [K in ServiceKey]?: MembraneTaskCountScaling } = {};
  private readonly maxima: { [K in ServiceKey]?: number } = {};

  constructor(private readonly scope: Construct, private readonly services: IMembraneEcsServices) {}

  /** CPU target tracking ("Autoscaling Configuration": 50 %). */
  public cpu(service: ServiceKey, options: MembraneServiceScaling): void {
    const { taskCount } = this.scalable(service, options, DEFAULT_TARGETS.cpu, 100);
    taskCount.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: options.target ?? DEFAULT_TARGETS.cpu, ...cooldowns(options),
    });
  }

  /** Memory target tracking, next to the CPU policy of the same service. */
  public memory(service: ServiceKey, options: MembraneServiceScaling, target: number | undefined): void {
    const { taskCount } = this.scalable(service, options, DEFAULT_TARGETS.cpu, 100);
    const targetUtilizationPercent = target ?? DEFAULT_TARGETS.memory;
    if (known(targetUtilizationPercent) && !(targetUtilizationPercent > 0 && targetUtilizationPercent <= 100)) {
      throw propError(this.scope, `${service}.memoryTarget`, `${targetUtilizationPercent} is outside (0, 100]`,
        `Give a percentage of the task's memory above 0 and at most 100; the default is ${DEFAULT_TARGETS.memory}.`);
    }
    taskCount.scaleOnMemoryUtilization('MemoryScaling', { targetUtilizationPercent, ...cooldowns(options) });
  }

  /**
   * Step scaling on a backlog: one datapoint (10 s with high-resolution signals) with tasks missing adds them at
   * once, rounded up to the next step (BURST_STEPS). Scale-out only: target tracking scales in.
   */
  public burst(spec: BurstPolicySpec): void {
    const period = spec.period;
    const usingMetrics: Record<string, cloudwatch.IMetric> = Object.fromEntries(spec.inputs.map(i => [i.id, new cloudwatch.Metric({
      namespace: i.namespace, metricName: i.metricName, dimensionsMap: i.dimensions, statistic: i.stat, period,
    })]));
    for (const [id, expression] of Object.entries(spec.intermediate ?? {})) {
      usingMetrics[id] = new cloudwatch.MathExpression({ expression, usingMetrics: { ...usingMetrics }, period });
    }
    const scalingSteps: appscaling.ScalingInterval[] = [{ upper: BURST_STEPS[0], change: 0 }];
    BURST_STEPS.forEach((lower, i) => {
      const upper = BURST_STEPS[i + 1];
      // Missing tasks are whole numbers: add the most this interval can hold (the last one its double).
      scalingSteps.push({ lower, upper, change: upper !== undefined ? upper - 1 : 2 * lower });
    });
    this.stepPolicy(spec.service, new cloudwatch.MathExpression({ expression: spec.expression, usingMetrics, label: spec.label, period }),
      scalingSteps, spec.cooldown);
  }

  /**
   * Step scaling on a bounded signal: one one-minute datapoint at or above the threshold adds the maximum (capped
   * at it), since a saturated CPU cannot say how many tasks are missing. Scale-out only: target tracking trims.
   */
  public saturation(spec: SaturationPolicySpec): void {
    const max = this.maxima[spec.service]!;
    this.stepPolicy(spec.service, spec.metric, [{ upper: spec.threshold, change: 0 }, { lower: spec.threshold, change: max }], spec.cooldown);
  }

  private stepPolicy(service: ServiceKey, metric: cloudwatch.IMetric, scalingSteps: appscaling.ScalingInterval[], cooldown: Duration): void {
    const { taskCount } = this.taskCounts[service]!;
    taskCount.scaleOnMetric('BurstScaling', {
      metric,
      scalingSteps,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown,
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    });
    // aws-cdk-lib puts the policy under the scalable target and returns nothing.
    const policy = taskCount.node.findChild('Target').node.findChild('BurstScaling') as appscaling.StepScalingPolicy;
    // An alarm left in ALARM adds tasks every minute: without data (the API down, no backlog reported) it must
    // fall back to OK rather than keep its last state.
    (policy.upperAlarm!.node.defaultChild as cloudwatch.CfnAlarm).treatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING;
  }

  /** Target tracking on a metric-math expression (the L1 policy: the L2 takes a single metric only). */
  public math(spec: MathPolicySpec): void {
    const { taskCount, scalableTargetId } = this.scalable(spec.service, spec.options, spec.defaultTarget, spec.targetMax);
    const { scaleInCooldown, scaleOutCooldown } = cooldowns(spec.options);
    const target = spec.options.target ?? spec.defaultTarget;
    // The intervals of a measured scale-in are fractions of the target: a token target keeps target tracking's own.
    const measured = (spec.measuredScaleIn ?? false) && known(target);
    if (measured) this.measuredScaleIn(spec, target, scaleInCooldown);
    new appscaling.CfnScalingPolicy(taskCount, 'MetricMathScaling', {
      policyName: `${this.services[spec.service].serviceName}-${spec.what.replace(/\s+/g, '-')}`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: target,
        disableScaleIn: measured ? true : undefined,
        scaleInCooldown: scaleInCooldown.toSeconds(),
        scaleOutCooldown: scaleOutCooldown.toSeconds(),
        customizedMetricSpecification: {
          metrics: [
            ...spec.inputs.map(i => ({
              id: i.id,
              returnData: false,
              metricStat: {
                stat: i.stat,
                metric: {
                  namespace: i.namespace,
                  metricName: i.metricName,
                  dimensions: Object.entries(i.dimensions).map(([name, value]) => ({ name, value })),
                },
              },
            })),
            { id: 'scaling_metric', expression: spec.expression, label: spec.label, returnData: true },
          ],
        },
      },
    });
  }

  /**
   * Scale-in on the policy's own metric, the way the KEDA reference's stabilization window does it: when all of the
   * last 15 one-minute datapoints are below 75 % of the target, remove the share of tasks that the highest of them
   * allows without going above the target (below 25 % of the target: 75 %; below 50 %: half; below 75 %: a quarter),
   * then wait the scale-in cooldown. Target tracking's own scale-in sets the count from the newest minute alone:
   * after a burst that minute can be idle, and the count drops to the minimum just before the next burst.
   */
  private measuredScaleIn(spec: MathPolicySpec, target: number, cooldown: Duration): void {
    const { taskCount } = this.taskCounts[spec.service]!;
    const usingMetrics = Object.fromEntries(spec.inputs.map(i => [i.id, new cloudwatch.Metric({
      namespace: i.namespace, metricName: i.metricName, dimensionsMap: i.dimensions, statistic: i.stat, period: METRIC_PERIOD,
    })]));
    const share = (fraction: number) => Math.round(target * fraction * 1e6) / 1e6;
    taskCount.scaleOnMetric('MeasuredScaleIn', {
      metric: new cloudwatch.MathExpression({ expression: spec.expression, usingMetrics, label: spec.label, period: METRIC_PERIOD }),
      scalingSteps: [
        ...MEASURED_SCALE_IN.map((step, i): appscaling.ScalingInterval => ({
          lower: i === 0 ? undefined : share(MEASURED_SCALE_IN[i - 1].below),
          upper: share(step.below),
          change: -step.remove,
        })),
        { lower: share(MEASURED_SCALE_IN[MEASURED_SCALE_IN.length - 1].below), change: 0 },
      ],
      adjustmentType: appscaling.AdjustmentType.PERCENT_CHANGE_IN_CAPACITY,
      minAdjustmentMagnitude: 1,
      cooldown,
      // The interval is chosen on the highest of the 15 datapoints: the busiest minute decides how far to go.
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
      evaluationPeriods: TARGET_TRACKING_SCALE_IN_PERIODS,
      datapointsToAlarm: TARGET_TRACKING_SCALE_IN_PERIODS,
    });
    const policy = taskCount.node.findChild('Target').node.findChild('MeasuredScaleIn') as appscaling.StepScalingPolicy;
    // No data is no reason to scale in.
    (policy.lowerAlarm!.node.defaultChild as cloudwatch.CfnAlarm).treatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING;
  }

  /** Validates the bounds and target, then takes over the service's task count (once per service). */
  private scalable(service: ServiceKey, options: MembraneServiceScaling, defaultTarget: number, targetMax: number): MembraneTaskCountScaling {
    const existing = this.taskCounts[service];
    if (existing) return existing;
    const minCapacity = options.minCapacity ?? MIN_PRODUCTION_TASKS;
    const maxCapacity = maxCapacityOf(service, options);
    const target = options.target ?? defaultTarget;
    requireInteger(this.scope, `${service}.minCapacity`, minCapacity, 1, 1000);
    requireInteger(this.scope, `${service}.maxCapacity`, maxCapacity, 1, 1000);
    requireOrdered(this.scope, `${service}.minCapacity`, minCapacity, 'maxCapacity', maxCapacity, 'Keep minCapacity <= maxCapacity.');
    if (known(target) && !(target > 0 && target <= targetMax)) {
      throw propError(this.scope, `${service}.target`, `${target} is outside (0, ${targetMax}]`,
        `Use a target above 0 and at most ${targetMax}; the default is ${defaultTarget}.`);
    }
    const taskCount = this.services[service].autoScaleTaskCount({ minCapacity, maxCapacity });
    this.taskCounts[service] = taskCount;
    this.maxima[service] = maxCapacity;
    return taskCount;
  }
}

/** The most tasks of a scaled service: the option, else the default of "Autoscaling Configuration". */
export function maxCapacityOf(service: ServiceKey, options: MembraneServiceScaling | undefined): number {
  return options?.maxCapacity ?? serviceSpecOf(service).scaling!.maxCapacity;
}

function cooldowns(options: MembraneServiceScaling) {
  return {
    scaleOutCooldown: options.scaleOutCooldown ?? DEFAULT_COOLDOWNS.scaleOut,
    scaleInCooldown: options.scaleInCooldown ?? DEFAULT_COOLDOWNS.scaleIn,
  };
}

