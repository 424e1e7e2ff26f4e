import { readFileSync } from 'fs';
import { join } from 'path';
import { cpuPolicy } from './support';
import { simulateKeda, KEDA_SERVICES } from '../../bench/scaling/keda';
import { simulate } from '../../bench/scaling/model';
import { Claims, configModels, duration, runBenchmark, sensitivity, sensitivityTable, summary } from '../../bench/scaling/run';
import { DEFAULT_OPTIONS, Result, SCENARIOS, SENSITIVITY } from '../../bench/scaling/scenarios';
import { ScaledService, ScalingModel } from '../../bench/scaling/template';

// The scaling simulator's timing on hand-computed cases (its arithmetic: scaling-policies.test.ts), then the claims of
// burst scaling on the real template: who is faster than the KEDA reference, by how much and why, at every reading of
// the delays.

describe('simulation timing', () => {
  // Scrape 5 s + batch 5 s: a Membrane datapoint is complete 10 s after its period ends, then ingested.
  const model: ScalingModel = { services: [], scrapeIntervalSeconds: 5, batchTimeoutSeconds: 5, highResolution: true };
  const api: ScaledService = { service: 'api', min: 2, max: 10, policies: [cpuPolicy], protectsBusyTasks: false };
  const steady = { name: 'steady-4', durationSeconds: 600, work: () => 4 };
  const options = { taskStartSeconds: 90, ingestSeconds: 60, tickSeconds: 5 };

  test('CPU at 100 % on 2 tasks: target tracking chases the late datapoints to the maximum', () => {
    // AWS/ECS minutes 0-2 are visible at 240 s (ingestion only: not scraped): 2 -> 4 at 240 s, running at 330 s.
    // At 300 s and 360 s the cooldown (60 s) is over and minutes 1-3, 2-4 still say 100 %: 4 -> 8 -> 10 (max).
    const result = simulate('test', model, api, steady, options);
    expect(result).toMatchObject({
      requiredTasks: 4,
      tasksReached: 4,
      secondsToDecision: 240,
      secondsToCapacity: 330,
      scalingActions: 3,
      peakOverProvisioning: 6,
    });
    expect(result.taskHours).toBeCloseTo((2 * 240 + 4 * 60 + 8 * 60 + 10 * 240) / 3600);
  });

  test('capacity is the decision plus the task start', () => {
    for (const taskStartSeconds of [30, 90, 180]) {
      const result = simulate('test', model, api, steady, { ...options, taskStartSeconds });
      expect(result.secondsToCapacity! - result.secondsToDecision!).toBe(taskStartSeconds);
    }
  });
});

describe('the benchmark on the production example', () => {
  let models: Record<string, ScalingModel>;
  let results: Result[];
  let claims: Claims[];
  const WORKERS = ['instantTasksWorker', 'queuedTasksWorker', 'customCodeRunner'];
  const ALL = [...WORKERS, 'api'];
  beforeAll(() => {
    models = configModels();
    results = runBenchmark(DEFAULT_OPTIONS, models);
    claims = sensitivity(models);
  });
  const find = (config: string, service: string, scenario: string, from: readonly Result[] = results) =>
    from.find(r => r.config === config && r.service === service && r.scenario === scenario)!;
  const at = (ingestSeconds: number, taskStartSeconds: number) =>
    claims.find(c => c.ingestSeconds === ingestSeconds && c.taskStartSeconds === taskStartSeconds)!;

  test('every result carries the fields other tools read', () => {
    const fields = ['service', 'scenario', 'requiredTasks', 'tasksReached', 'secondsToDecision', 'secondsToCapacity', 'scalingActions', 'taskHours'];
    for (const r of results) expect(Object.keys(r)).toEqual(expect.arrayContaining(fields));
    expect(new Set(results.map(r => r.scenario))).toEqual(new Set(SCENARIOS.map(s => s.name)));
  });

  test('the template is read: high-resolution signals, 5 s scrapes, 5 s batches, 10-second burst alarms', () => {
    expect(models.defaults).toMatchObject({ highResolution: true, scrapeIntervalSeconds: 5, batchTimeoutSeconds: 5 });
    for (const key of WORKERS) {
      const burst = models.defaults.services.find(s => s.service === key)!.policies
        .find(p => p.kind === 'step' && p.adjustments.some(a => a.change > 0));
      expect(burst && burst.kind === 'step' && burst.alarm.period).toBe(10);
    }
  });

  test.each(WORKERS)('%s: the decision for a step to the maximum is the 10 s period plus scrape, batch and ingestion, within 90 s', service => {
    const m = models.defaults;
    for (const ingestSeconds of SENSITIVITY.ingestSeconds) {
      const r = at(ingestSeconds, DEFAULT_OPTIONS.taskStartSeconds).step[service].defaults;
      // The first 10-second period with load is complete 10 s after the load starts; its alarm evaluates every 10 s.
      const visible = 10 + m.scrapeIntervalSeconds + m.batchTimeoutSeconds + ingestSeconds;
      expect(r.secondsToDecision).toBe(Math.ceil(visible / 10) * 10);
      expect(r).toMatchObject({ tasksReached: r.requiredTasks, scalingActions: 1 });
    }
    expect(find('defaults', service, 'step').secondsToDecision).toBeLessThanOrEqual(90);
    // Target tracking alone needs several actions of at most 1/target each.
    expect(find('target tracking only', service, 'step').secondsToDecision).toBeGreaterThan(3 * 90);
  });

  test('api: one minute of saturated CPU takes it to its maximum in one action, decided within 150 s', () => {
    const r = find('defaults', 'api', 'step');
    expect(r).toMatchObject({ tasksReached: 10, scalingActions: 1 });
    expect(r.secondsToDecision).toBeLessThanOrEqual(150);
    // AWS/ECS metrics are not scraped: the minute with load, then 60 s of ingestion, then the next minute's evaluation.
    expect(r.secondsToDecision).toBe(120);
    expect(find('target tracking only', 'api', 'step').scalingActions).toBeGreaterThan(1);
  });

  test.each(ALL)('%s: capacity is the decision plus one task start, for us and for the KEDA reference', service => {
    for (const c of claims) {
      for (const r of [c.step[service].defaults, c.step[service].keda]) {
        expect(r.secondsToDecision).not.toBeNull();
        expect(r.secondsToCapacity! - r.secondsToDecision!).toBe(c.taskStartSeconds);
      }
    }
  });

  test('KEDA decides the instant worker sooner by our ingestion delay less its own staleness; with 30 s ingestion we are sooner', () => {
    // KEDA sees a value 30 s old every 15 s and doubles (or +4) per poll: 2 -> 6 -> 12 -> 20 in 30 s after it sees the load.
    for (const c of claims) {
      const { defaults, keda } = c.step.instantTasksWorker;
      expect(keda.secondsToDecision).toBe(60);
      expect(defaults.secondsToDecision! - keda.secondsToDecision!).toBe(c.ingestSeconds - 40);
    }
    expect(at(60, 180).step.instantTasksWorker.defaults.secondsToCapacity! - at(60, 180).step.instantTasksWorker.keda.secondsToCapacity!).toBe(20);
    expect(at(30, 180).step.instantTasksWorker.defaults.secondsToCapacity!).toBeLessThan(at(30, 180).step.instantTasksWorker.keda.secondsToCapacity!);
  });

  test('KEDA stops the queued worker at 48 of 50 (the last step is within the HPA\'s 10 % tolerance): reported, not "never"', () => {
    for (const c of claims) {
      const { defaults, keda } = c.step.queuedTasksWorker;
      expect(keda).toMatchObject({ requiredTasks: 50, tasksReached: 48 });
      expect(50 / 48 - 1).toBeLessThanOrEqual(0.1);
      // Our decision is the ingestion delay plus 20 s; KEDA's 75 s (three doublings after a 30 s old value).
      expect(keda.secondsToDecision).toBe(75);
      expect(defaults.secondsToDecision! - keda.secondsToDecision!).toBe(c.ingestSeconds + 20 - 75);
    }
    // At 90 s task start KEDA has its 48 tasks after 165 s.
    expect(at(60, 90).step.queuedTasksWorker.keda.secondsToCapacity).toBe(165);
  });

  test('KEDA never scales the custom code runner above 3 (a ratio of at most 1 against 0.45 as an average value); we reach 20', () => {
    const { defaults, keda } = at(60, 180).step.customCodeRunner;
    expect(keda.tasksReached).toBe(Math.ceil(1 / 0.45));
    expect(defaults.tasksReached).toBe(20);
  });

  test('the API: KEDA waits for each doubling\'s pods before the next (CPU is bounded), so we are faster by more than a task start', () => {
    for (const c of claims) {
      const { defaults, keda } = c.step.api;
      expect(keda.scalingActions).toBe(3);
      expect(keda.secondsToCapacity!).toBeGreaterThanOrEqual(3 * c.taskStartSeconds);
      expect(defaults.secondsToCapacity!).toBeLessThan(keda.secondsToCapacity!);
    }
    const slower = at(60, 180).step.api;
    expect(slower.keda.secondsToCapacity! - slower.defaults.secondsToCapacity!).toBeGreaterThan(180);
  });

  test.each(ALL)('%s: at every reading the sawtooth takes no more scaling actions than target tracking alone', service => {
    for (const c of claims) expect(c.sawtooth[service].defaults).toBeLessThanOrEqual(c.sawtooth[service].targetTracking);
  });

  test.each(ALL)('%s: idle cost is unchanged: no action and the same task-hours at steady low load', service => {
    expect(find('defaults', service, 'steady-low').taskHours).toBe(find('target tracking only', service, 'steady-low').taskHours);
    expect(find('defaults', service, 'steady-low').scalingActions).toBe(0);
  });

  test('with standard-resolution signals a 10-second alarm sees one datapoint a minute: the decision comes later', () => {
    const standard = { ...models.defaults, highResolution: false };
    const svc = models.defaults.services.find(s => s.service === 'instantTasksWorker')!;
    const step = SCENARIOS.find(s => s.name === 'step')!;
    expect(simulate('standard', standard, svc, step).secondsToDecision!)
      .toBeGreaterThan(simulate('high', models.defaults, svc, step).secondsToDecision!);
  });

  test('task protection: scale-ins stop only idle workers; the same scale-ins without it cut jobs', () => {
    for (const scenario of SCENARIOS) {
      const protectedRun = find('defaults', 'queuedTasksWorker', scenario.name);
      const unprotected = find('defaults, no task protection', 'queuedTasksWorker', scenario.name);
      expect(protectedRun.jobsInterrupted).toBeLessThanOrEqual(unprotected.jobsInterrupted);
      // Protection changes which tasks stop, not when the count changes.
      expect(protectedRun.scalingActions).toBe(unprotected.scalingActions);
    }
    // The taper's scale-ins come while 40 % of the load keeps 17 workers busy: without protection some are stopped.
    expect(find('defaults', 'queuedTasksWorker', 'taper').jobsInterrupted).toBe(0);
    expect(find('defaults, no task protection', 'queuedTasksWorker', 'taper').jobsInterrupted).toBeGreaterThan(1);
  });

  test('the KEDA reference cuts jobs on scale-in too (the guide sets no protection)', () => {
    expect(simulateKeda(KEDA_SERVICES.find(s => s.service === 'queuedTasksWorker')!, SCENARIOS.find(s => s.name === 'taper')!).jobsInterrupted)
      .toBeGreaterThan(0);
  });

  test('docs/scaling.md shows the current summary and sensitivity tables', () => {
    const page = readFileSync(join(__dirname, '..', '..', 'docs', 'scaling.md'), 'utf-8');
    expect(page).toContain(`<!-- bench:scaling summary (the tests check it is current) -->\n${summary(results)}\n`
      + '<!-- end bench:scaling summary -->');
    expect(page).toContain(`<!-- bench:scaling sensitivity (the tests check it is current) -->\n${sensitivityTable(claims)}\n`
      + '<!-- end bench:scaling sensitivity -->');
  });

  test("the README's headline names the current decision times of a step to the maximum", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf-8').replace(/\s+/g, ' ');
    const decision = (config: string, service: string) => find(config, service, 'step').secondsToDecision!;
    const workers = Math.max(...WORKERS.map(service => decision('defaults', service)));
    const targetTracking = Math.max(...ALL.map(service => decision('target tracking only', service)));
    expect(readme).toContain(`is decided in ${duration(workers)} for the workers and the custom code runner `
      + `(${duration(decision('defaults', 'api'))} for the API) `
      + `where target tracking alone takes up to ${duration(targetTracking)}`);
  });
});
