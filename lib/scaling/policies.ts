import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct } from 'constructs';
import { DEFAULT_COOLDOWNS, DEFAULT_TARGETS } from './defaults';
import { MathInput } from './metrics';
import { MembraneServiceScaling } from './props';
import { MIN_PRODUCTION_TASKS } from '../common/constants';
import { known, propError, requireInteger, requireOrdered } from '../common/validation';
import { MembraneEcsServices } from '../services';
import { ModeKey, modeOf } from '../services/modes';

/** A target-tracking policy on a metric-math expression. */
export interface MathPolicySpec {
  readonly service: ModeKey;
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
}

/**
 * Registers services with Application Auto Scaling and attaches their policies. The services construct owns
 * the task count and hands it over through `autoScaleTaskCount`.
 */
export class ScalingPolicies {
  constructor(private readonly scope: Construct, private readonly services: MembraneEcsServices) {}

  /** CPU target tracking ("Autoscaling Configuration": 50 %). */
  public cpu(service: ModeKey, options: MembraneServiceScaling): void {
    const { taskCount } = this.scalable(service, options, DEFAULT_TARGETS.cpu, 100);
    taskCount.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: options.target ?? DEFAULT_TARGETS.cpu, ...cooldowns(options),
    });
  }

  /** Target tracking on a metric-math expression (the L1 policy: the L2 takes a single metric only). */
  public math(spec: MathPolicySpec): void {
    const { taskCount, scalableTargetId } = this.scalable(spec.service, spec.options, spec.defaultTarget, spec.targetMax);
    const { scaleInCooldown, scaleOutCooldown } = cooldowns(spec.options);
    new appscaling.CfnScalingPolicy(taskCount, 'MetricMathScaling', {
      policyName: `${this.services[spec.service].serviceName}-${spec.what.replace(/\s+/g, '-')}`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: spec.options.target ?? spec.defaultTarget,
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

  /** Validates the bounds and target, then takes over the service's task count. */
  private scalable(service: ModeKey, options: MembraneServiceScaling, defaultTarget: number, targetMax: number) {
    const minCapacity = options.minCapacity ?? MIN_PRODUCTION_TASKS;
    const maxCapacity = options.maxCapacity ?? modeOf(service).scaling!.maxCapacity;
    const target = options.target ?? defaultTarget;
    requireInteger(this.scope, `${service}.minCapacity`, minCapacity, 1, 1000);
    requireInteger(this.scope, `${service}.maxCapacity`, maxCapacity, 1, 1000);
    requireOrdered(this.scope, `${service}.minCapacity`, minCapacity, 'maxCapacity', maxCapacity, 'Keep minCapacity <= maxCapacity.');
    if (known(target) && !(target > 0 && target <= targetMax)) {
      throw propError(this.scope, `${service}.target`, `${target} is outside (0, ${targetMax}]`,
        `Use a target above 0 and at most ${targetMax}; the default is ${defaultTarget}.`);
    }
    return this.services[service].autoScaleTaskCount({ minCapacity, maxCapacity });
  }
}

function cooldowns(options: MembraneServiceScaling) {
  return {
    scaleOutCooldown: options.scaleOutCooldown ?? DEFAULT_COOLDOWNS.scaleOut,
    scaleInCooldown: options.scaleInCooldown ?? DEFAULT_COOLDOWNS.scaleIn,
  };
}

