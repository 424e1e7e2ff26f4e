import { cpuPolicy } from './support';
import { evaluate } from '../../bench/scaling/math';
import { percentAdjustment, scaleIn, stepAdjustment, stepCapacity, stepProposal, targetProposal } from '../../bench/scaling/policy';
import { StepPolicy } from '../../bench/scaling/template';

// The scaling simulator's arithmetic: metric math, target tracking, step scaling and task protection.

describe('metric math', () => {
  test.each([
    ['CEIL((active + waiting) / 5) - running', { active: 12, waiting: 30, running: 4 }, 5],
    ['required * 1.3 / running', { required: 10, running: 13 }, 1],
    ['(total - remaining) / total', { total: 40, remaining: 30 }, 0.25],
    ['IF(remaining <= 0, 20 - desired, 1)', { remaining: 0, desired: 6 }, 14],
    ['IF(remaining <= 0, 20 - desired, 1)', { remaining: 3, desired: 6 }, 1],
    ['samples * 5 / 10', { samples: 8 }, 4],
    ['-2 + MAX(1, FLOOR(2.7))', {}, 0],
  ])('%s with %j is %d', (expression, values, expected) => {
    expect(evaluate(expression, values)).toBeCloseTo(expected);
  });

  test('no datapoint for a missing input or a division by zero', () => {
    expect(evaluate('a / b', { a: 1 })).toBeUndefined();
    expect(evaluate('a / b', { a: 1, b: 0 })).toBeUndefined();
  });
});

describe('target tracking', () => {
  test('scales out after 3 of 3 datapoints above the target: ceil(capacity x metric / target)', () => {
    expect(targetProposal(cpuPolicy, [80, 90, 100], 4).out).toBe(8);
    expect(targetProposal(cpuPolicy, [40, 90, 100], 4).out).toBeUndefined();
    expect(targetProposal(cpuPolicy, [undefined, 90, 100], 4).out).toBeUndefined();
  });

  test('scales in after 15 of 15 datapoints below 90 % of the target', () => {
    expect(targetProposal(cpuPolicy, Array(15).fill(20), 10).in).toBe(4);
    expect(targetProposal(cpuPolicy, [...Array(14).fill(20), 46], 10).in).toBeUndefined();
    expect(targetProposal(cpuPolicy, Array(14).fill(20), 10).in).toBeUndefined();
  });
});

describe('step scaling (StepScalingPolicyConfiguration)', () => {
  const policy: StepPolicy = {
    kind: 'step',
    name: 'burst',
    cooldown: 300,
    adjustmentType: 'ChangeInCapacity',
    aggregation: 'Maximum',
    minAdjustmentMagnitude: 1,
    adjustments: [{ lower: 0, upper: 1, change: 2 }, { lower: 1, upper: 3, change: 3 }, { lower: 3, upper: Infinity, change: 10 }],
    alarm: { threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', evaluationPeriods: 1, datapointsToAlarm: 1, period: 10, metrics: [] },
  };

  test('adds the adjustment of the interval the breach falls in', () => {
    expect(stepProposal(policy, [1], 2)).toBe(4);
    expect(stepProposal(policy, [3.5], 2)).toBe(5);
    expect(stepProposal(policy, [40], 2)).toBe(12);
    expect(stepProposal(policy, [0.5], 2)).toBeUndefined();
    expect(stepProposal(policy, [undefined], 2)).toBeUndefined();
  });

  test('in the cooldown a larger step adds only its difference to the step taken; the same step adds nothing', () => {
    // The API reference's example: +2 starts the cooldown, the alarm fires again at the +3 step: only 1 is added.
    expect(stepCapacity(policy, 3, 4, 2)).toBe(5);
    expect(stepCapacity(policy, 2, 4, 2)).toBeUndefined();
    expect(stepCapacity(policy, 10, 5, 3)).toBe(12);
    // After the cooldown the whole step again.
    expect(stepCapacity(policy, 3, 4)).toBe(7);
  });

  test('the interval is chosen on the breaching datapoints combined by MetricAggregationType', () => {
    const measured: StepPolicy = {
      ...policy,
      adjustmentType: 'PercentChangeInCapacity',
      aggregation: 'Maximum',
      adjustments: [{ lower: -Infinity, upper: -0.4, change: -75 }, { lower: -0.4, upper: 0, change: -25 }],
      alarm: { ...policy.alarm, threshold: 0.5, comparison: 'LessThanOrEqualToThreshold', evaluationPeriods: 3, datapointsToAlarm: 3 },
    };
    // The busiest of the low datapoints decides: 0.3 is in the -25 % interval although the newest is 0.
    expect(stepAdjustment(measured, [0.3, 0.05, 0])).toBe(-25);
    expect(stepAdjustment({ ...measured, aggregation: 'Minimum' }, [0.3, 0.05, 0])).toBe(-75);
    expect(stepAdjustment(measured, [0.3, 0.6, 0])).toBeUndefined();
  });

  test('percentages are rounded toward zero, but at least one task', () => {
    expect(percentAdjustment(20, -25, 1)).toBe(-5);
    expect(percentAdjustment(5, -25, 1)).toBe(-1);
    expect(percentAdjustment(3, -10, 1)).toBe(-1);
    expect(percentAdjustment(7, -50, 1)).toBe(-3);
    expect(percentAdjustment(1, 50, 1)).toBe(1);
  });
});

describe('task protection', () => {
  test('ECS stops only unprotected tasks and does not know which of them are busy', () => {
    // 10 running, 6 busy; the scale-in removes 7.
    expect(scaleIn(10, 6, 6, 7)).toEqual({ stopped: 4, kept: 3, cut: 0 });
    expect(scaleIn(10, 6, 0, 7)).toEqual({ stopped: 7, kept: 0, cut: 7 * 6 / 10 });
    // Two workers took their job after the sidecar's last look: they are stopped in proportion.
    expect(scaleIn(10, 6, 4, 7)).toEqual({ stopped: 6, kept: 1, cut: 2 });
  });
});
