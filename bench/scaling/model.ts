/**
 * A deterministic model of how Application Auto Scaling, CloudWatch and ECS scale a Membrane service, driven by
 * the policies of a synthesized template (see docs/scaling.md, "Scaling benchmark", and docs/scaling-model.md, which names the
 * source of every delay).
 */
import { evaluate } from './math';
import { MetricQuery, ScaledService, ScalingModel, ScalingPolicy, StepPolicy, TargetTrackingPolicy } from './template';
import { DEFAULT_BUFFER_RATIO, DEFAULT_TARGETS } from '../../lib/scaling/defaults';
import { ServiceKey } from '../../lib/services/private/services-table';

/** Delays the model assumes; where AWS documents no number, the slower reading (docs/scaling-model.md). */
export interface SimulationOptions {
  /** From a desired-count increase until the new task takes work and reports metrics (image pull, start-up). */
  readonly taskStartSeconds: number;
  /** From the end of a period until its datapoint is visible to alarms (embedded metric format, AWS/ECS metrics). */
  readonly ingestSeconds: number;
  /** Simulation step. */
  readonly tickSeconds: number;
}

/**
 * The slower readings: a Membrane image of about 1 GB pulled from Membrane's registry through the NAT gateway plus
 * Membrane's start-up is taken as 180 s (docs/scaling-model.md, "Task start"); 60 s for a datapoint to reach alarms.
 */
export const DEFAULT_OPTIONS: SimulationOptions = { taskStartSeconds: 180, ingestSeconds: 60, tickSeconds: 5 };

/** The readings the sensitivity table varies. */
export const SENSITIVITY = { ingestSeconds: [30, 60, 90], taskStartSeconds: [60, 90, 180] } as const;

/** Load over time: the tasks the work needs at the documented targets (before min/max). */
export interface Scenario {
  readonly name: string;
  readonly durationSeconds: number;
  readonly work: (t: number, max: number) => number;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'step', durationSeconds: 40 * 60, work: (t, max) => (t < 300 ? 0 : max) },
  { name: 'spike', durationSeconds: 60 * 60, work: (t, max) => (t >= 300 && t < 900 ? max : 0) },
  { name: 'sawtooth', durationSeconds: 120 * 60, work: (t, max) => (Math.floor(t / 600) % 2 === 1 ? Math.ceil(max / 2) : 0) },
  { name: 'taper', durationSeconds: 85 * 60, work: (t, max) => (t < 300 ? 0 : t < 1500 ? max : Math.ceil(max * 0.4)) },
  { name: 'steady-low', durationSeconds: 120 * 60, work: () => 1 },
];

export interface Result {
  readonly config: string;
  readonly service: ServiceKey;
  readonly scenario: string;
  /** Most tasks the scenario needs, within min and max. */
  readonly requiredTasks: number;
  /**
   * Most tasks the desired count reached for the first load above the minimum, at most what that load needs: below
   * `requiredTasks` when the policies stop short (the KEDA reference's queued worker stops at 48 of 50).
   */
  readonly tasksReached: number;
  /** From the first load above the minimum until the desired count is `tasksReached`; null if it never rose. */
  readonly secondsToDecision: number | null;
  /** From the first load above the minimum until `tasksReached` tasks take work: the decision plus a task start. */
  readonly secondsToCapacity: number | null;
  /** Most tasks (running, starting or protected) above what the load needs, while there is load. */
  readonly peakOverProvisioning: number;
  /** Changes of the desired count. */
  readonly scalingActions: number;
  readonly taskHours: number;
  readonly neededTaskHours: number;
  /** Task-hours of busy tasks that a scale-in removed from the desired count and that protection kept running. */
  readonly protectedTaskHours: number;
  /** Busy queued workers stopped by a scale-in (their running job is cut). */
  readonly jobsInterrupted: number;
}

/** Which service's work a Membrane metric describes (the API reports the workers' backlog). Scraped by the collector. */
const METRIC_SERVICE: Record<string, ServiceKey> = {
  instant_tasks_jobs_active: 'instantTasksWorker',
  instant_tasks_jobs_waiting: 'instantTasksWorker',
  instant_tasks_worker_utilization_rate: 'instantTasksWorker',
  queued_tasks_workers_required: 'queuedTasksWorker',
  queued_tasks_workers: 'queuedTasksWorker',
  queued_tasks_worker_utilization_rate: 'queuedTasksWorker',
  custom_code_runner_total_job_spaces: 'customCodeRunner',
  custom_code_runner_remaining_job_spaces: 'customCodeRunner',
};

/** Metrics every task of the service reports for itself (the others are one global value). */
const PER_TASK = new Set([
  'instant_tasks_worker_utilization_rate', 'queued_tasks_worker_utilization_rate',
  'custom_code_runner_total_job_spaces', 'custom_code_runner_remaining_job_spaces',
]);
/** Per-task metrics whose service value is the sum over tasks (the others: every task reports the same rate). */
const SUMMED = new Set(['custom_code_runner_total_job_spaces', 'custom_code_runner_remaining_job_spaces']);

/** Job spaces per custom code runner task (only their ratio matters). */
const JOB_SPACES = 10;
/** The API's memory does not follow load in this model: a flat 40 %. */
const API_MEMORY_PERCENT = 40;
/** The task-protection sidecar reads `queued_tasks_worker_busy` every 5 s: a worker that just took a job is not yet protected. */
const PROTECTION_LAG_SECONDS = 5;
/** Application Auto Scaling invokes a step policy again every minute while its alarm stays in ALARM. */
const REINVOKE_SECONDS = 60;
/** CloudWatch evaluates alarms with a 10 or 30 s period every 10 s, the others every minute. */
const evaluationEvery = (period: number) => (period < 60 ? 10 : 60);

/** The state one service's metrics are computed from. */
export interface ServiceState {
  /** Work in tasks at the documented target. */
  readonly work: number;
  readonly running: number;
  readonly desired: number;
}

/**
 * What the service reports for `work`, with `running` tasks taking it: each documented formula gives exactly
 * `work` tasks at its documented target. Utilization cannot exceed 1, job spaces in use cannot exceed the total.
 */
export function signal(metric: string, s: ServiceState): number | undefined {
  const { work, running, desired } = s;
  switch (metric) {
    case 'instant_tasks_worker_utilization_rate':
      return running > 0 ? Math.min(1, (work * DEFAULT_TARGETS.instantUtilization) / running) : undefined;
    case 'instant_tasks_jobs_active':
      return Math.min(work, running) * DEFAULT_TARGETS.instantJobsPerTask;
    case 'instant_tasks_jobs_waiting':
      return Math.max(0, work - running) * DEFAULT_TARGETS.instantJobsPerTask;
    case 'queued_tasks_workers_required':
      return work / (1 + DEFAULT_BUFFER_RATIO);
    case 'queued_tasks_workers':
      return running;
    case 'queued_tasks_worker_utilization_rate':
      return running > 0 ? Math.min(1, (work * DEFAULT_TARGETS.queuedUtilization) / running) : undefined;
    case 'custom_code_runner_total_job_spaces':
      return running * JOB_SPACES;
    case 'custom_code_runner_remaining_job_spaces':
      return running * JOB_SPACES - Math.min(running * JOB_SPACES, work * DEFAULT_TARGETS.jobSpaceUse * JOB_SPACES);
    case 'ECSServiceAverageCPUUtilization':
    case 'CPUUtilization':
      return running > 0 ? Math.min(100, (work * DEFAULT_TARGETS.cpu) / running) : undefined;
    case 'ECSServiceAverageMemoryUtilization':
      return running > 0 ? API_MEMORY_PERCENT : undefined;
    case 'RunningTaskCount':
      return running;
    case 'DesiredTaskCount':
      return desired;
    default:
      throw new Error(`the model has no signal for metric ${metric}`);
  }
}

/** The samples one scrape (or one AWS measurement) adds: one per reporting task for per-task metrics, else one. */
export function samples(metric: string, s: ServiceState): { value: number; count: number } | undefined {
  const value = signal(metric, s);
  if (value === undefined) return undefined;
  if (!PER_TASK.has(metric)) return { value, count: 1 };
  if (s.running <= 0) return undefined;
  return { value: SUMMED.has(metric) ? value / s.running : value, count: s.running };
}

interface Aggregate { sum: number; count: number; max: number; min: number }

/** Samples by metric and time, aggregated into any period and statistic the way CloudWatch does. */
class Datapoints {
  private readonly data = new Map<string, Map<number, Aggregate>>();

  constructor(private readonly highResolution: (key: string) => boolean, private readonly dt: number) {}

  public add(t: number, key: string, sample: { value: number; count: number } | undefined): void {
    if (sample === undefined) return;
    const series = this.data.get(key) ?? new Map<number, Aggregate>();
    this.data.set(key, series);
    const a = series.get(t) ?? { sum: 0, count: 0, max: -Infinity, min: Infinity };
    series.set(t, {
      sum: a.sum + sample.value * sample.count,
      count: a.count + sample.count,
      max: Math.max(a.max, sample.value),
      min: Math.min(a.min, sample.value),
    });
  }

  /**
   * The datapoint of [start, start + period). A standard-resolution metric is stored per minute: a shorter period
   * gets its minute's datapoint only where the minute starts, and no data otherwise (PutMetricAlarm, Period).
   */
  public get(key: string, stat: string, start: number, period: number): number | undefined {
    let from = start;
    let length = period;
    if (!this.highResolution(key) && period < 60) {
      if (start % 60 !== 0) return undefined;
      length = 60;
    }
    if (!this.highResolution(key)) from = Math.floor(from / 60) * 60;
    const series = this.data.get(key);
    if (!series) return undefined;
    let a: Aggregate = { sum: 0, count: 0, max: -Infinity, min: Infinity };
    for (let t = Math.ceil(from / this.dt) * this.dt; t < from + length; t += this.dt) {
      const s = series.get(t);
      if (s) a = { sum: a.sum + s.sum, count: a.count + s.count, max: Math.max(a.max, s.max), min: Math.min(a.min, s.min) };
    }
    if (a.count === 0) return undefined;
    switch (stat) {
      case 'Average': return a.sum / a.count;
      case 'Sum': return a.sum;
      case 'SampleCount': return a.count;
      case 'Maximum': return a.max;
      case 'Minimum': return a.min;
      default: throw new Error(`the model has no statistic ${stat}`);
    }
  }
}

/** A policy's value for one period: its metric queries, then its expressions in dependency order. */
function valueOf(metrics: readonly MetricQuery[], predefined: string | undefined, start: number, period: number,
  data: Datapoints): number | undefined {
  if (predefined) return data.get(predefined, 'Average', start, period);
  const values: Record<string, number | undefined> = {};
  for (const q of metrics) if (q.metricName) values[q.id] = data.get(q.metricName, q.stat ?? 'Average', start, period);
  const pending = metrics.filter(q => q.expression);
  while (pending.length > 0) {
    const ready = pending.findIndex(q => !pending.some(other => other !== q && new RegExp(`\\b${other.id}\\b`).test(q.expression!)));
    if (ready < 0) throw new Error('circular metric-math expressions');
    const [q] = pending.splice(ready, 1);
    values[q.id] = evaluate(q.expression!, values);
  }
  const returned = metrics.find(q => q.returnData) ?? metrics[metrics.length - 1];
  return values[returned.id];
}

/** The alarms Application Auto Scaling creates for target tracking ("3 of 3" above, "15 of 15" below 90 %), one-minute periods. */
export const TARGET_TRACKING_ALARMS = { out: { periods: 3 }, in: { periods: 15, ratio: 0.9 }, period: 60 } as const;

interface PolicyState {
  lastOutAt: number;
  /** Target tracking: the capacity it last set. Step scaling: the adjustment it last applied (the cooldown's step). */
  lastOut: number;
  lastInAt: number;
  alarm: boolean;
  lastInvokedAt: number;
}

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

/** Busy queued workers for `work` on `ready` tasks (the other services' jobs are short: not counted). */
function busyTasks(service: ServiceKey, work: number, ready: number): number {
  return service === 'queuedTasksWorker' ? Math.min(ready, Math.ceil(work * DEFAULT_TARGETS.queuedUtilization)) : 0;
}

interface Task { readyAt: number }

/** Replays one scenario against one service's policies. */
export function simulate(config: string, model: ScalingModel, svc: ScaledService, scenario: Scenario,
  options: SimulationOptions = DEFAULT_OPTIONS): Result {
  const { tickSeconds: dt, taskStartSeconds, ingestSeconds } = options;
  const scraped = (key: string) => METRIC_SERVICE[key] !== undefined;
  // A period's datapoint is complete once its last sample is scraped, batched and ingested.
  const delayOf = (key: string) => (scraped(key) ? model.scrapeIntervalSeconds + model.batchTimeoutSeconds + ingestSeconds : ingestSeconds);
  const data = new Datapoints(key => scraped(key) && model.highResolution, dt);
  let tasks: Task[] = Array.from({ length: svc.min }, () => ({ readyAt: 0 }));
  let draining = 0; // protected busy tasks the desired count no longer includes
  let desired = svc.min;
  const state = new Map<ScalingPolicy, PolicyState>(svc.policies.map(p => [p, {
    lastOutAt: -Infinity, lastOut: 0, lastInAt: -Infinity, alarm: false, lastInvokedAt: -Infinity,
  }]));
  const keys = new Set<string>();
  const inputs = (p: ScalingPolicy) => (p.kind === 'target' ? p.metrics : p.alarm.metrics);
  for (const p of svc.policies) {
    if (p.kind === 'target' && p.predefined) keys.add(p.predefined);
    for (const q of inputs(p)) if (q.metricName) keys.add(q.metricName);
  }
  const delay = new Map(svc.policies.map(p => [p, Math.max(0, ...[...(p.kind === 'target' && p.predefined ? [p.predefined] : []),
    ...inputs(p).filter(q => q.metricName).map(q => q.metricName!)].map(delayOf))]));

  let actions = 0;
  let interrupted = 0;
  let protectedSeconds = 0;
  let busyBefore = 0;
  const recorder = new Recorder(svc, scenario, dt);

  for (let t = 0; t < scenario.durationSeconds; t += dt) {
    const work = scenario.work(t, svc.max);
    const running = tasks.filter(task => task.readyAt <= t).length + draining;
    const s: ServiceState = { work, running, desired };
    for (const key of keys) {
      if (!scraped(key) || t % model.scrapeIntervalSeconds === 0) data.add(t, key, samples(key, s));
    }

    // The newest `periods` datapoints of `period` seconds that are visible at t.
    const series = (p: ScalingPolicy, metrics: readonly MetricQuery[], predefined: string | undefined, period: number, periods: number) => {
      const newest = Math.floor((t - delay.get(p)!) / period) - 1;
      return Array.from({ length: periods }, (_, i) => newest - periods + 1 + i)
        .map(k => (k < 0 ? undefined : valueOf(metrics, predefined, k * period, period, data)));
    };
    const outs: Array<[ScalingPolicy, number, number]> = [];
    const ins: number[] = [];
    const stepIns: Array<[ScalingPolicy, number]> = [];
    let targetPolicies = 0;
    for (const p of svc.policies) {
      const ps = state.get(p)!;
      if (p.kind === 'step') {
        if (t % evaluationEvery(p.alarm.period) !== 0) continue;
        const values = series(p, p.alarm.metrics, undefined, p.alarm.period, p.alarm.evaluationPeriods);
        const change = stepAdjustment(p, values);
        const wasAlarm = ps.alarm;
        ps.alarm = change !== undefined;
        // The alarm invokes the policy when it enters ALARM, then every minute while it stays there.
        if (change === undefined || (wasAlarm && t - ps.lastInvokedAt < REINVOKE_SECONDS)) continue;
        ps.lastInvokedAt = t;
        if (change < 0) {
          // A scale-in waits for its cooldown to end.
          if (t - ps.lastInAt >= p.cooldown) stepIns.push([p, Math.max(svc.min, stepCapacity(p, change, desired)!)]);
          continue;
        }
        const capacity = stepCapacity(p, change, desired, t - ps.lastOutAt < p.cooldown ? ps.lastOut : undefined);
        if (capacity !== undefined && capacity > desired) outs.push([p, capacity, change]);
      } else {
        if (t % 60 !== 0) continue;
        if (p.disableScaleIn) {
          const proposal = targetProposal(p, series(p, p.metrics, p.predefined, TARGET_TRACKING_ALARMS.period,
            TARGET_TRACKING_ALARMS.out.periods), desired);
          if (proposal.out !== undefined && proposal.out > desired && (t - ps.lastOutAt >= p.scaleOutCooldown || proposal.out > ps.lastOut)) {
            outs.push([p, proposal.out, proposal.out]);
          }
          continue;
        }
        targetPolicies++;
        const proposal = targetProposal(p, series(p, p.metrics, p.predefined, TARGET_TRACKING_ALARMS.period,
          TARGET_TRACKING_ALARMS.in.periods), desired);
        if (proposal.in !== undefined && t - ps.lastInAt >= p.scaleInCooldown) ins.push(proposal.in);
        // In its cooldown target tracking only scales out again for a larger capacity than it last set.
        const out = proposal.out;
        if (out !== undefined && out > desired && (t - ps.lastOutAt >= p.scaleOutCooldown || out > ps.lastOut)) outs.push([p, out, out]);
      }
    }
    let next = desired;
    if (outs.length > 0) {
      next = Math.min(svc.max, Math.max(...outs.map(([, c]) => c)));
      for (const [p, , last] of outs) Object.assign(state.get(p)!, { lastOutAt: t, lastOut: p.kind === 'step' ? last : next });
    } else {
      // Target tracking scales in only when every target-tracking policy that may scale in agrees; of several
      // scale-ins the one that leaves the most tasks wins.
      const consensus = t % 60 === 0 && targetPolicies > 0 && ins.length === targetPolicies ? [Math.max(...ins)] : [];
      const candidates = [...consensus, ...stepIns.map(([, c]) => c)].filter(c => c < desired);
      if (candidates.length > 0) {
        next = Math.max(svc.min, Math.max(...candidates));
        if (consensus.length > 0) for (const p of svc.policies) if (p.kind === 'target' && !p.disableScaleIn) state.get(p)!.lastInAt = t;
        for (const [p] of stepIns) state.get(p)!.lastInAt = t;
      }
    }
    const ready = tasks.filter(task => task.readyAt <= t).length;
    const busy = busyTasks(svc.service, work, ready);
    if (next !== desired) {
      actions++;
      if (next > desired) {
        const reuse = Math.min(draining, next - desired); // a protected task the count takes back, still running
        draining -= reuse;
        for (let i = 0; i < next - desired; i++) tasks.push({ readyAt: i < reuse ? t : t + taskStartSeconds });
      } else {
        tasks.sort((a, b) => a.readyAt - b.readyAt);
        const remove = desired - next;
        const pending = tasks.filter(task => task.readyAt > t).length;
        const fromPending = Math.min(pending, remove);
        tasks = tasks.slice(0, tasks.length - fromPending);
        // Busy workers are protected once the sidecar has seen them busy (it polls every 5 s).
        const protectedBusy = svc.protectsBusyTasks ? Math.min(busy, busyBefore) : 0;
        const { kept, cut } = scaleIn(tasks.length, busy, protectedBusy, remove - fromPending);
        tasks = tasks.slice(0, tasks.length - (remove - fromPending));
        draining += kept;
        interrupted += cut;
      }
      desired = next;
    }
    if (draining > 0) {
      // Protected tasks stop once their job ends: when the busy workers fit into the desired count.
      draining = Math.max(0, Math.min(draining, Math.ceil(work * DEFAULT_TARGETS.queuedUtilization) - tasks.length));
    }
    if (t % PROTECTION_LAG_SECONDS === 0) busyBefore = busy;
    protectedSeconds += draining * dt;

    recorder.tick(t, tasks.length + draining, tasks.filter(task => task.readyAt <= t).length + draining, desired);
  }
  return recorder.result(config, actions, interrupted, protectedSeconds);
}

/** What every simulation reports, kept the same way for the AWS model and the KEDA reference. */
export class Recorder {
  private taskSeconds = 0;
  private neededSeconds = 0;
  private peakOver = 0;
  private requiredTasks: number;
  private loadStart: number | undefined;
  private loadTarget = 0;
  private mostDesired = 0;
  /** First time (from the load's start) the desired count, and the ready tasks, reached n. */
  private readonly desiredAt: number[] = [];
  private readonly readyAt: number[] = [];

  constructor(private readonly svc: { readonly service: ServiceKey; readonly min: number; readonly max: number },
    private readonly scenario: Scenario, private readonly dt: number) {
    this.requiredTasks = svc.min;
  }

  /** The tasks the load needs at `t`, within min and max. */
  private need(t: number): number {
    return Math.min(this.svc.max, Math.max(this.svc.min, Math.ceil(this.scenario.work(t, this.svc.max))));
  }

  /** One step: `billed` tasks (running, starting or protected), of which `ready` take work; `desired` the count asked for. */
  public tick(t: number, billed: number, ready: number, desired: number): void {
    const needed = this.need(t);
    this.taskSeconds += billed * this.dt;
    this.neededSeconds += needed * this.dt;
    if (this.scenario.work(t, this.svc.max) > 0) this.peakOver = Math.max(this.peakOver, billed - needed);
    this.requiredTasks = Math.max(this.requiredTasks, needed);
    if (this.loadStart === undefined && needed > this.svc.min) {
      this.loadStart = t;
      this.loadTarget = needed;
    }
    if (this.loadStart === undefined) return;
    this.mostDesired = Math.max(this.mostDesired, desired);
    for (let n = 0; n <= Math.min(desired, this.loadTarget); n++) this.desiredAt[n] ??= t - this.loadStart;
    for (let n = 0; n <= Math.min(ready, this.loadTarget); n++) this.readyAt[n] ??= t - this.loadStart;
  }

  public result(config: string, scalingActions: number, jobsInterrupted: number, protectedSeconds = 0): Result {
    const round = (value: number) => Math.round(value * 100) / 100;
    const reached = this.loadStart === undefined ? this.requiredTasks : Math.min(this.loadTarget, this.mostDesired);
    const rose = this.loadStart === undefined || reached > this.svc.min;
    return {
      config,
      service: this.svc.service,
      scenario: this.scenario.name,
      requiredTasks: this.requiredTasks,
      tasksReached: reached,
      secondsToDecision: this.loadStart === undefined ? 0 : rose ? this.desiredAt[reached] ?? null : null,
      secondsToCapacity: this.loadStart === undefined ? 0 : rose ? this.readyAt[reached] ?? null : null,
      peakOverProvisioning: this.peakOver,
      scalingActions,
      taskHours: round(this.taskSeconds / 3600),
      neededTaskHours: round(this.neededSeconds / 3600),
      protectedTaskHours: round(protectedSeconds / 3600),
      jobsInterrupted: round(jobsInterrupted),
    };
  }
}
