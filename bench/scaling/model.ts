/**
 * A deterministic model of how Application Auto Scaling, CloudWatch and ECS scale a Membrane service, driven by
 * the policies of a synthesized template (see README "Scaling benchmark" and docs/scaling-model.md).
 */
import { evaluate } from './math';
import { MetricQuery, ScaledService, ScalingModel, ScalingPolicy, StepPolicy, TargetTrackingPolicy } from './template';
import { DEFAULT_BUFFER_RATIO, DEFAULT_TARGETS } from '../../lib/scaling/defaults';
import { ModeKey } from '../../lib/services/modes';

/** Delays the model assumes; where AWS documents no number, the slower reading. */
export interface SimulationOptions {
  /** From a desired-count increase until the new task takes work and reports metrics (image pull, start-up). */
  readonly taskStartSeconds: number;
  /** From the end of a one-minute period until its datapoint is visible to alarms (EMF and Container Insights). */
  readonly ingestSeconds: number;
  /** Simulation step. */
  readonly tickSeconds: number;
}

export const DEFAULT_OPTIONS: SimulationOptions = { taskStartSeconds: 90, ingestSeconds: 60, tickSeconds: 5 };

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
  readonly service: ModeKey;
  readonly scenario: string;
  /** Most tasks the scenario needs, within min and max. */
  readonly requiredTasks: number;
  /** From the first load above the minimum until that many tasks run; null if never. */
  readonly secondsToCapacity: number | null;
  /** Most tasks (running, starting or protected) above what the load needs, while there is load. */
  readonly peakOverProvisioning: number;
  /** Changes of the desired count. */
  readonly scalingActions: number;
  readonly taskHours: number;
  readonly neededTaskHours: number;
  /** Busy queued workers stopped by a scale-in (their running job is cut). */
  readonly jobsInterrupted: number;
}

/** Which service's work a Membrane metric describes (the API reports the workers' backlog). */
const METRIC_SERVICE: Record<string, ModeKey> = {
  instant_tasks_jobs_active: 'instantTasksWorker',
  instant_tasks_jobs_waiting: 'instantTasksWorker',
  instant_tasks_worker_utilization_rate: 'instantTasksWorker',
  queued_tasks_workers_required: 'queuedTasksWorker',
  queued_tasks_worker_utilization_rate: 'queuedTasksWorker',
  custom_code_runner_total_job_spaces: 'customCodeRunner',
  custom_code_runner_remaining_job_spaces: 'customCodeRunner',
};

/** Job spaces per custom code runner task (only their ratio matters). */
const JOB_SPACES = 10;
/** The API's memory does not follow load in this model: a flat 40 %. */
const API_MEMORY_PERCENT = 40;

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
    case 'queued_tasks_worker_utilization_rate':
      return running > 0 ? Math.min(1, (work * DEFAULT_TARGETS.queuedUtilization) / running) : undefined;
    case 'custom_code_runner_total_job_spaces':
      return running * JOB_SPACES;
    case 'custom_code_runner_remaining_job_spaces':
      return running * JOB_SPACES - Math.min(running * JOB_SPACES, work * DEFAULT_TARGETS.jobSpaceUse * JOB_SPACES);
    case 'ECSServiceAverageCPUUtilization':
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

/** One-minute datapoints: averages of the samples taken in each minute. */
class Datapoints {
  private readonly sums = new Map<string, number>();
  private readonly counts = new Map<string, number>();
  public add(minute: number, key: string, value: number | undefined): void {
    if (value === undefined) return;
    const k = `${minute}|${key}`;
    this.sums.set(k, (this.sums.get(k) ?? 0) + value);
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
  public get(minute: number, key: string): number | undefined {
    const k = `${minute}|${key}`;
    const count = this.counts.get(k);
    return count ? this.sums.get(k)! / count : undefined;
  }
}

/** A policy's metric value for one minute: its returned query, metric math evaluated on the inputs. */
function valueOf(metrics: readonly MetricQuery[], predefined: string | undefined, minute: number, data: Datapoints): number | undefined {
  if (predefined) return data.get(minute, predefined);
  const values: Record<string, number | undefined> = {};
  for (const q of metrics) if (q.metricName) values[q.id] = data.get(minute, q.metricName);
  const returned = metrics.find(q => q.returnData) ?? metrics[metrics.length - 1];
  return returned.expression ? evaluate(returned.expression, values) : values[returned.id];
}

/** The alarms Application Auto Scaling creates for target tracking ("3 of 3" above, "15 of 15" below 90 %). */
export const TARGET_TRACKING_ALARMS = { out: { periods: 3 }, in: { periods: 15, ratio: 0.9 } } as const;

interface PolicyState {
  lastOutAt: number;
  lastOutCapacity: number;
  lastInAt: number;
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

/** The capacity a step policy asks for, or undefined when its alarm is not in ALARM. */
export function stepProposal(p: StepPolicy, values: Array<number | undefined>, desired: number): number | undefined {
  const { threshold, comparison, datapointsToAlarm } = p.alarm;
  if (!breaching(values, datapointsToAlarm, v => compare(v, threshold, comparison))) return undefined;
  const delta = values[values.length - 1]! - threshold;
  const step = p.adjustments.find(a => delta >= a.lower && delta < a.upper);
  if (!step) return undefined;
  switch (p.adjustmentType) {
    case 'ChangeInCapacity': return desired + step.change;
    case 'PercentChangeInCapacity': return desired + Math.ceil((desired * step.change) / 100);
    case 'ExactCapacity': return step.change;
    default: throw new Error(`unknown adjustment type ${p.adjustmentType}`);
  }
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

interface Task { readyAt: number }

/** Replays one scenario against one service's policies. */
export function simulate(config: string, model: ScalingModel, svc: ScaledService, scenario: Scenario,
  options: SimulationOptions = DEFAULT_OPTIONS): Result {
  const { tickSeconds: dt, taskStartSeconds, ingestSeconds } = options;
  const delay = model.scrapeIntervalSeconds + model.batchTimeoutSeconds + ingestSeconds;
  const data = new Datapoints();
  let tasks: Task[] = Array.from({ length: svc.min }, () => ({ readyAt: 0 }));
  let draining = 0; // protected busy tasks the desired count no longer includes
  let desired = svc.min;
  const state = new Map<ScalingPolicy, PolicyState>(svc.policies.map(p => [p, { lastOutAt: -Infinity, lastOutCapacity: 0, lastInAt: -Infinity }]));
  const keys = new Set<string>();
  for (const p of svc.policies) {
    if (p.kind === 'target' && p.predefined) keys.add(p.predefined);
    for (const q of p.kind === 'target' ? p.metrics : p.alarm.metrics) if (q.metricName) keys.add(q.metricName);
  }

  let actions = 0;
  let interrupted = 0;
  const recorder = new Recorder(svc, scenario, dt);

  for (let t = 0; t < scenario.durationSeconds; t += dt) {
    const work = scenario.work(t, svc.max);
    const running = tasks.filter(task => task.readyAt <= t).length + draining;
    const s: ServiceState = { work, running, desired };
    const minute = Math.floor(t / 60);
    for (const key of keys) {
      const scraped = METRIC_SERVICE[key] !== undefined;
      if (!scraped || t % model.scrapeIntervalSeconds === 0) data.add(minute, key, signal(key, s));
    }

    if (t % 60 === 0) {
      const lastMinute = Math.floor((t - delay) / 60) - 1;
      const series = (metrics: readonly MetricQuery[], predefined: string | undefined, periods: number) =>
        Array.from({ length: periods }, (_, i) => lastMinute - periods + 1 + i).map(m => (m < 0 ? undefined : valueOf(metrics, predefined, m, data)));
      const outs: Array<[ScalingPolicy, number]> = [];
      const ins: number[] = [];
      let targetPolicies = 0;
      for (const p of svc.policies) {
        const ps = state.get(p)!;
        let out: number | undefined;
        if (p.kind === 'step') {
          out = stepProposal(p, series(p.alarm.metrics, undefined, p.alarm.evaluationPeriods), desired);
        } else {
          targetPolicies++;
          const proposal = targetProposal(p, series(p.metrics, p.predefined, TARGET_TRACKING_ALARMS.in.periods), desired);
          out = proposal.out;
          if (proposal.in !== undefined && t - ps.lastInAt >= p.scaleInCooldown) ins.push(proposal.in);
        }
        const cooldown = p.kind === 'step' ? p.cooldown : p.scaleOutCooldown;
        // In its cooldown a policy only scales out again for a larger capacity than it last asked for.
        if (out !== undefined && out > desired && (t - ps.lastOutAt >= cooldown || out > ps.lastOutCapacity)) outs.push([p, out]);
      }
      let next = desired;
      if (outs.length > 0) {
        next = Math.min(svc.max, Math.max(...outs.map(([, c]) => c)));
        for (const [p] of outs) Object.assign(state.get(p)!, { lastOutAt: t, lastOutCapacity: next });
      } else if (targetPolicies > 0 && ins.length === targetPolicies) {
        // Scale-in only when every target-tracking policy agrees; the largest of their capacities wins.
        next = Math.max(svc.min, Math.max(...ins));
        if (next < desired) for (const p of svc.policies) if (p.kind === 'target') state.get(p)!.lastInAt = t;
      }
      if (next !== desired) {
        actions++;
        if (next > desired) {
          const reuse = Math.min(draining, next - desired); // a protected task the count takes back
          draining -= reuse;
          for (let i = reuse; i < next - desired; i++) tasks.push({ readyAt: t + taskStartSeconds });
        } else {
          tasks.sort((a, b) => a.readyAt - b.readyAt);
          const remove = desired - next;
          const pending = tasks.filter(task => task.readyAt > t).length;
          const fromPending = Math.min(pending, remove);
          tasks = tasks.slice(0, tasks.length - fromPending);
          const fromRunning = remove - fromPending;
          const ready = tasks.length;
          const busy = svc.service === 'queuedTasksWorker' ? Math.min(ready, Math.ceil(work * DEFAULT_TARGETS.queuedUtilization)) : 0;
          if (svc.protectsBusyTasks) {
            const free = ready - busy;
            const stopNow = Math.min(free, fromRunning);
            draining += fromRunning - stopNow;
            tasks = tasks.slice(0, ready - fromRunning);
          } else {
            // ECS does not know which tasks are idle: the stopped ones are busy in proportion.
            tasks = tasks.slice(0, ready - fromRunning);
            interrupted += ready > 0 ? (fromRunning * busy) / ready : 0;
          }
        }
        desired = next;
      }
    }
    if (draining > 0) {
      // Protected tasks stop once their job ends: when the busy workers fit into the desired count.
      const busy = Math.ceil(work * DEFAULT_TARGETS.queuedUtilization);
      draining = Math.max(0, Math.min(draining, busy - tasks.length));
    }

    recorder.tick(t, tasks.length + draining, tasks.filter(task => task.readyAt <= t).length + draining);
  }
  return recorder.result(config, actions, Math.round(interrupted));
}

/** What every simulation reports, kept the same way for the AWS model and the KEDA reference. */
export class Recorder {
  private taskSeconds = 0;
  private neededSeconds = 0;
  private peakOver = 0;
  private requiredTasks: number;
  private loadStart: number | undefined;
  private loadTarget = 0;
  private reachedAt: number | undefined;

  constructor(private readonly svc: { readonly service: ModeKey; readonly min: number; readonly max: number },
    private readonly scenario: Scenario, private readonly dt: number) {
    this.requiredTasks = svc.min;
  }

  /** The tasks the load needs at `t`, within min and max. */
  private need(t: number): number {
    return Math.min(this.svc.max, Math.max(this.svc.min, Math.ceil(this.scenario.work(t, this.svc.max))));
  }

  /** One step: `billed` tasks (running, starting or protected), of which `ready` take work. */
  public tick(t: number, billed: number, ready: number): void {
    const needed = this.need(t);
    this.taskSeconds += billed * this.dt;
    this.neededSeconds += needed * this.dt;
    if (this.scenario.work(t, this.svc.max) > 0) this.peakOver = Math.max(this.peakOver, billed - needed);
    this.requiredTasks = Math.max(this.requiredTasks, needed);
    if (this.loadStart === undefined && needed > this.svc.min) {
      this.loadStart = t;
      this.loadTarget = needed;
    }
    if (this.loadStart !== undefined && this.reachedAt === undefined && ready >= this.loadTarget) this.reachedAt = t;
  }

  public result(config: string, scalingActions: number, jobsInterrupted: number): Result {
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      config,
      service: this.svc.service,
      scenario: this.scenario.name,
      requiredTasks: this.requiredTasks,
      secondsToCapacity: this.loadStart === undefined ? 0 : this.reachedAt === undefined ? null : this.reachedAt - this.loadStart,
      peakOverProvisioning: this.peakOver,
      scalingActions,
      taskHours: round(this.taskSeconds / 3600),
      neededTaskHours: round(this.neededSeconds / 3600),
      jobsInterrupted,
    };
  }
}
