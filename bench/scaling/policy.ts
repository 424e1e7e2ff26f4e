/**
 * The policy arithmetic of Application Auto Scaling: when a step policy's or target tracking's alarm asks for a
 * change, the capacity it sets, and which tasks a scale-in stops.
 */
import { StepPolicy, TargetTrackingPolicy } from './template';

/** The alarms Application Auto Scaling creates for target tracking ("3 of 3" above, "15 of 15" below 90 %), one-minute periods. */
export const TARGET_TRACKING_ALARMS = { out: { periods: 3 }, in: { periods: 15, ratio: 0.9 }, period: 60 } as const;

function compare(value: number, threshold: number, operator: string): boolean {
  switch (operator) {
    case 'GreaterThanOrEqualToThreshold': return value >= threshold;
    case 'GreaterThanThreshold': return value > threshold;
    case 'LessThanThreshold': return value < threshold;
    case 'LessThanOrEqualToThreshold': return value <= threshold;
    default: throw new Error(`unknown comparison ${operator}`);
  }
}

/** Whether the last `periods` datapoints, `needed` of them, breach; a missing datapoint does not breach. */
function breaching(values: Array<number | undefined>, needed: number, test: (v: number) => boolean): boolean {
  return values.filter(v => v !== undefined && test(v)).length >= needed;
}

/**
 * The adjustment a step policy's alarm asks for, or undefined when it is not in ALARM: the interval of its
 * datapoints combined by the policy's MetricAggregationType (relative to the threshold).
 */
export function stepAdjustment(p: StepPolicy, values: Array<number | undefined>): number | undefined {
  const { threshold, comparison, datapointsToAlarm } = p.alarm;
  const test = (v: number) => compare(v, threshold, comparison);
  if (!breaching(values, datapointsToAlarm, test)) return undefined;
  const breaches = values.filter((v): v is number => v !== undefined && test(v));
  const value = p.aggregation === 'Maximum' ? Math.max(...breaches) : p.aggregation === 'Minimum' ? Math.min(...breaches)
    : breaches.reduce((a, b) => a + b, 0) / breaches.length;
  const delta = value - threshold;
  return p.adjustments.find(a => delta >= a.lower && delta < a.upper)?.change;
}

/**
 * A percentage of the capacity as Application Auto Scaling rounds it: toward zero, at least one task (and at least
 * MinAdjustmentMagnitude).
 */
export function percentAdjustment(desired: number, percent: number, minMagnitude: number): number {
  const raw = (desired * percent) / 100;
  const rounded = raw > 0 ? Math.max(1, Math.floor(raw)) : raw < 0 ? Math.min(-1, Math.ceil(raw)) : 0;
  return Math.sign(rounded) * Math.max(Math.abs(rounded), rounded === 0 ? 0 : minMagnitude);
}

/**
 * The capacity a step policy sets when invoked with `change` (StepScalingPolicyConfiguration.Cooldown): within its
 * cooldown a scale-out adds only what a larger step asks beyond the step that started the cooldown (`inCooldown` is
 * that step), and nothing for the same or a smaller step; after it, the whole step.
 */
export function stepCapacity(p: StepPolicy, change: number, desired: number, inCooldown?: number): number | undefined {
  switch (p.adjustmentType) {
    case 'ChangeInCapacity':
      if (inCooldown === undefined || change < 0) return desired + change;
      return change > inCooldown ? desired + change - inCooldown : undefined;
    case 'PercentChangeInCapacity': return desired + percentAdjustment(desired, change, p.minAdjustmentMagnitude);
    case 'ExactCapacity': return change;
    default: throw new Error(`unknown adjustment type ${p.adjustmentType}`);
  }
}

/** The capacity a step policy asks for given its alarm's datapoints, outside any cooldown. */
export function stepProposal(p: StepPolicy, values: Array<number | undefined>, desired: number): number | undefined {
  const change = stepAdjustment(p, values);
  return change === undefined ? undefined : stepCapacity(p, change, desired);
}

/** Target tracking: ceil(capacity x metric / target) once its scale-out or scale-in alarm is in ALARM. */
export function targetProposal(p: TargetTrackingPolicy, values: Array<number | undefined>, desired: number) {
  const last = values[values.length - 1];
  const out = breaching(values.slice(-TARGET_TRACKING_ALARMS.out.periods), TARGET_TRACKING_ALARMS.out.periods, v => v > p.target);
  const inn = values.length >= TARGET_TRACKING_ALARMS.in.periods
    && breaching(values.slice(-TARGET_TRACKING_ALARMS.in.periods), TARGET_TRACKING_ALARMS.in.periods,
      v => v < p.target * TARGET_TRACKING_ALARMS.in.ratio);
  const proposal = last === undefined ? desired : Math.ceil((desired * last) / p.target);
  return { out: out ? proposal : undefined, in: inn ? proposal : undefined };
}

/**
 * A scale-in of `remove` running tasks of which `busy` are busy and `protectedBusy` protected. ECS stops only
 * unprotected tasks and does not know which of them are busy: the stopped ones are busy in proportion. The rest
 * of `remove` stays (protected) until its job ends.
 */
export function scaleIn(ready: number, busy: number, protectedBusy: number, remove: number): { stopped: number; kept: number; cut: number } {
  const candidates = ready - protectedBusy;
  const stopped = Math.max(0, Math.min(remove, candidates));
  const cut = candidates > 0 ? (stopped * (busy - protectedBusy)) / candidates : 0;
  return { stopped, kept: remove - stopped, cut };
}
