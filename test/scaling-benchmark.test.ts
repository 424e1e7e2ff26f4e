import { readFileSync } from 'fs';
import { join } from 'path';
import { evaluate } from '../bench/scaling/math';
import { Result, SCENARIOS, simulate, stepProposal, targetProposal } from '../bench/scaling/model';
import { runBenchmark, summary } from '../bench/scaling/run';
import { ScaledService, ScalingModel, StepPolicy, TargetTrackingPolicy } from '../bench/scaling/template';

// The scaling simulator's semantics on hand-computed cases, then the goals of burst scaling on the real template.

describe('metric math', () => {
  test.each([
    ['CEIL((active + waiting) / 5) - desired', { active: 12, waiting: 30, desired: 4 }, 5],
    ['required * 1.3 / running', { required: 10, running: 13 }, 1],
    ['(total - remaining) / total', { total: 40, remaining: 30 }, 0.25],
    ['IF(remaining <= 0, 20 - desired, 1)', { remaining: 0, desired: 6 }, 14],
    ['IF(remaining <= 0, 20 - desired, 1)', { remaining: 3, desired: 6 }, 1],
    ['-2 + MAX(1, FLOOR(2.7))', {}, 0],
  ])('%s with %j is %d', (expression, values, expected) => {
    expect(evaluate(expression, values)).toBeCloseTo(expected);
  });

  test('no datapoint for a missing input or a division by zero', () => {
    expect(evaluate('a / b', { a: 1 })).toBeUndefined();
    expect(evaluate('a / b', { a: 1, b: 0 })).toBeUndefined();
  });
});

const cpuPolicy: TargetTrackingPolicy = {
  kind: 'target', name: 'cpu', target: 50, scaleOutCooldown: 60, scaleInCooldown: 300, predefined: 'ECSServiceAverageCPUUtilization', metrics: [],
};

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

describe('step scaling', () => {
  const policy: StepPolicy = {
    kind: 'step',
    name: 'burst',
    cooldown: 120,
    adjustmentType: 'ChangeInCapacity',
    adjustments: [{ lower: 0, upper: 1, change: 1 }, { lower: 1, upper: 3, change: 3 }, { lower: 3, upper: Infinity, change: 10 }],
    alarm: { threshold: 1, comparison: 'GreaterThanOrEqualToThreshold', evaluationPeriods: 1, datapointsToAlarm: 1, period: 60, metrics: [] },
  };
  test('adds the adjustment of the interval the breach falls in', () => {
    expect(stepProposal(policy, [1], 2)).toBe(3);
    expect(stepProposal(policy, [3.5], 2)).toBe(5);
    expect(stepProposal(policy, [40], 2)).toBe(12);
    expect(stepProposal(policy, [0.5], 2)).toBeUndefined();
    expect(stepProposal(policy, [undefined], 2)).toBeUndefined();
  });
});

describe('simulation timing', () => {
  // Scrape 15 s + batch 10 s + ingestion 60 s: a minute's datapoint is visible 85 s after it ends.
  const model: ScalingModel = { services: [], scrapeIntervalSeconds: 15, batchTimeoutSeconds: 10 };
  const api: ScaledService = { service: 'api', min: 2, max: 10, policies: [cpuPolicy], protectsBusyTasks: false };
  const steady = { name: 'steady-4', durationSeconds: 600, work: () => 4 };

  test('CPU at 100 % on 2 tasks: scale-out at minute 5, then target tracking chases the late datapoints to the maximum', () => {
    // Minutes 0-2 are visible at 265 s; alarms are evaluated on the minute: 2 -> 4 at 300 s (running at 390 s).
    // At 360 s and 420 s the cooldown (60 s) is over and minutes 1-3 and 2-4 still say 100 %: 4 -> 8 -> 10 (max).
    const result = simulate('test', model, api, steady);
    expect(result).toMatchObject({ requiredTasks: 4, secondsToCapacity: 390, scalingActions: 3, peakOverProvisioning: 6 });
    expect(result.taskHours).toBeCloseTo((2 * 300 + 4 * 60 + 8 * 60 + 10 * 180) / 3600);
  });

  test('the task start delay is a parameter', () => {
    const result = simulate('test', model, api, steady, { taskStartSeconds: 30, ingestSeconds: 60, tickSeconds: 5 });
    expect(result.secondsToCapacity).toBe(330);
  });
});

describe('the benchmark on the production example', () => {
  let results: Result[];
  const FIELDS = ['service', 'scenario', 'requiredTasks', 'secondsToCapacity', 'scalingActions', 'taskHours'];
  beforeAll(() => {
    results = runBenchmark();
  });
  const find = (config: string, service: string, scenario: string) =>
    results.find(r => r.config === config && r.service === service && r.scenario === scenario)!;

  test('every result carries the fields other tools read', () => {
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(FIELDS));
    }
    expect(new Set(results.map(r => r.scenario))).toEqual(new Set(SCENARIOS.map(s => s.name)));
  });

  test('the queued worker reaches 50 in one burst: datapoint at 445 s, alarm at 480 s, tasks up at 570 s', () => {
    expect(find('defaults', 'queuedTasksWorker', 'step')).toMatchObject({ requiredTasks: 50, secondsToCapacity: 270, scalingActions: 1 });
  });

  test.each(['instantTasksWorker', 'queuedTasksWorker', 'customCodeRunner'])('%s: a step to the maximum is met within 5 minutes', service => {
    expect(find('defaults', service, 'step').secondsToCapacity).toBeLessThanOrEqual(300);
    expect(find('target tracking only', service, 'step').secondsToCapacity).toBeGreaterThan(300);
  });

  const ALL = ['instantTasksWorker', 'queuedTasksWorker', 'customCodeRunner', 'api'];
  test.each(ALL)('%s: the sawtooth oscillates no more than with target tracking only', service => {
    const actions = (config: string) => find(config, service, 'sawtooth').scalingActions;
    expect(actions('defaults')).toBeLessThanOrEqual(actions('target tracking only'));
  });

  test.each(ALL)('%s: idle cost is unchanged', service => {
    expect(find('defaults', service, 'steady-low').taskHours).toBe(find('target tracking only', service, 'steady-low').taskHours);
    expect(find('defaults', service, 'steady-low').scalingActions).toBe(0);
  });

  test('the README shows the current numbers', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf-8');
    const block = `<!-- bench:scaling summary (the tests check it is current) -->\n${summary(results)}\n<!-- end bench:scaling summary -->`;
    expect(readme).toContain(block);
  });

  test('task protection: no busy queued worker is stopped; without it a scale-in cuts jobs', () => {
    for (const scenario of SCENARIOS) expect(find('defaults', 'queuedTasksWorker', scenario.name).jobsInterrupted).toBe(0);
    expect(find('defaults, no task protection', 'queuedTasksWorker', 'taper').jobsInterrupted).toBeGreaterThan(0);
  });
});
