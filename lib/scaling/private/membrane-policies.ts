import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { MathInput, MetricFactory } from './metrics';
import { maxCapacityOf, ScalingPolicies } from './policies';
import { known } from '../../common/validation';
import { FRONTEND_SERVICE_KEYS, ServiceKey } from '../../services/private/services-table';
import {
  API_BURST_CPU_PERCENT, DEFAULT_BUFFER_RATIO, DEFAULT_BURST_COOLDOWN, DEFAULT_TARGETS, HIGH_RESOLUTION_PERIODS,
} from '../defaults';
import {
  MembraneFrontendStrategy, MembraneInstantWorkerStrategy, MembraneQueuedWorkerStrategy, MembraneScalingProps, MembraneServiceScaling,
} from '../props';

/** The scaling policies of every scaled service, on the formulas of Membrane's documentation. */
export class MembranePolicies {
  private readonly policies: ScalingPolicies;
  private readonly burst: boolean;
  /** A token ratio stays a CloudFormation expression: (1 + <ratio>) is computed when the policy is created. */
  private readonly queuedFactor: string;

  constructor(scope: Construct, private readonly props: MembraneScalingProps, private readonly metrics: MetricFactory,
    private readonly scrapeInterval: Duration) {
    this.policies = new ScalingPolicies(scope, props.services);
    this.burst = props.burstScaling ?? true;
    const buffer = props.queuedTasksWorker?.bufferRatio ?? DEFAULT_BUFFER_RATIO;
    this.queuedFactor = known(buffer) ? String(1 + buffer) : `(1 + ${Token.asString(buffer)})`;
  }

  /** Adds the policies: API, instant worker, queued worker, custom code runner, burst steps, UI and Console. */
  public add(): void {
    const props = this.props;
    this.policies.cpu('api', props.api ?? {});
    this.policies.memory('api', props.api ?? {}, props.api?.memoryTarget);
    this.addInstantWorker();
    this.addQueuedWorker();
    this.addCustomCodeRunner();
    if (this.burst) this.addBurstPolicies();
    for (const key of FRONTEND_SERVICE_KEYS) {
      const options = props[key] ?? {};
      if ((options.strategy ?? MembraneFrontendStrategy.FIXED) === MembraneFrontendStrategy.CPU) this.policies.cpu(key, options);
    }
  }

  /**
   * With burst scaling the burst policies own the fast scale-out and target tracking sizes the steady state on the
   * desired count: tasks still starting count as capacity, so target tracking does not multiply a count the burst
   * just raised by a utilization measured on the tasks before it. In steady state running = desired: the
   * documented targets are unchanged. Scale-in is measured (on the busiest of the low minutes).
   */
  private perDesired(service: ServiceKey, inputs: MathInput[], expression: string, label: string) {
    const m = this.metrics;
    return this.burst
      ? {
        inputs: [...inputs, m.runningTasks('running', service), m.desiredTasks('desired', service)],
        expression: `${expression} * running / desired`,
        label: `${label} x running / desired tasks`,
      }
      : { inputs, expression, label };
  }

  /**
   * A backlog per task: with burst scaling per desired task (tasks still starting count, as in `perDesired`), else per
   * running task.
   */
  private perTask(service: ServiceKey, inputs: MathInput[], backlog: string, label: string) {
    const count = this.burst ? 'desired' : 'running';
    return {
      inputs: [...inputs, this.burst ? this.metrics.desiredTasks(count, service) : this.metrics.runningTasks(count, service)],
      expression: `${backlog} / ${count}`,
      label: `${label} per ${count} task`,
    };
  }

  /** Target tracking on the average utilization rate a worker reports ("Self-hosting": the utilization-rate table). */
  private addUtilization(service: ServiceKey, options: MembraneServiceScaling, defaultTarget: number, metricName: string): void {
    this.policies.math({
      measuredScaleIn: this.burst,
      service,
      options,
      defaultTarget,
      targetMax: 1,
      what: 'utilization',
      ...this.perDesired(service, [this.metrics.input('rate', metricName, service, cloudwatch.Stats.AVERAGE)], 'rate', `avg(${metricName})`),
    });
  }

  private addInstantWorker(): void {
    const m = this.metrics;
    const instant = this.props.instantTasksWorker ?? {};
    if ((instant.strategy ?? MembraneInstantWorkerStrategy.UTILIZATION) === MembraneInstantWorkerStrategy.UTILIZATION) {
      this.addUtilization('instantTasksWorker', instant, DEFAULT_TARGETS.instantUtilization, 'instant_tasks_worker_utilization_rate');
      return;
    }
    this.policies.math({
      measuredScaleIn: this.burst,
      service: 'instantTasksWorker',
      options: instant,
      defaultTarget: DEFAULT_TARGETS.instantJobsPerTask,
      targetMax: 1000,
      what: 'jobs per task',
      ...this.perTask('instantTasksWorker', [
        m.input('active', 'instant_tasks_jobs_active', 'api', cloudwatch.Stats.MAXIMUM),
        m.input('waiting', 'instant_tasks_jobs_waiting', 'api', cloudwatch.Stats.MAXIMUM),
      ], '(active + waiting)', '(instant_tasks_jobs_active + instant_tasks_jobs_waiting)'),
    });
  }

  private addQueuedWorker(): void {
    const factor = this.queuedFactor;
    const queued = this.props.queuedTasksWorker ?? {};
    if ((queued.strategy ?? MembraneQueuedWorkerStrategy.UTILIZATION) === MembraneQueuedWorkerStrategy.UTILIZATION) {
      this.addUtilization('queuedTasksWorker', queued, DEFAULT_TARGETS.queuedUtilization, 'queued_tasks_worker_utilization_rate');
      return;
    }
    this.policies.math({
      measuredScaleIn: this.burst,
      service: 'queuedTasksWorker',
      options: queued,
      defaultTarget: DEFAULT_TARGETS.queuedWorkersPerTask,
      targetMax: 10,
      what: 'buffered required workers per task',
      ...this.perTask('queuedTasksWorker', [
        this.metrics.input('required', 'queued_tasks_workers_required', 'api', cloudwatch.Stats.MAXIMUM),
      ], `required * ${factor}`, `max(queued_tasks_workers_required) * ${factor}`),
    });
  }

  private addCustomCodeRunner(): void {
    const m = this.metrics;
    this.policies.math({
      measuredScaleIn: this.burst,
      service: 'customCodeRunner',
      options: this.props.customCodeRunner ?? {},
      defaultTarget: DEFAULT_TARGETS.jobSpaceUse,
      targetMax: 1,
      what: 'job space use',
      ...this.perDesired('customCodeRunner', [
        m.input('total', 'custom_code_runner_total_job_spaces', 'customCodeRunner', cloudwatch.Stats.SUM),
        m.input('remaining', 'custom_code_runner_remaining_job_spaces', 'customCodeRunner', cloudwatch.Stats.SUM),
      ], '(total - remaining) / total', '(sum(total_job_spaces) - sum(remaining_job_spaces)) / sum(total_job_spaces)'),
    });
  }

  /**
   * Step policies on the unbounded backlog signals: the tasks the backlog needs, by the formulas of "Autoscaling
   * Configuration", minus the tasks that run. Utilization cannot exceed 1, so target tracking alone grows a service
   * by at most 1/target per step; these add what is missing in one. They read 10-second periods of the
   * high-resolution signals, so the running tasks come from the same signals (how many samples their tasks sent),
   * not from Container Insights, whose one-minute metrics a 10-second alarm cannot read. The API's CPU is bounded:
   * saturated, it takes the API to its maximum at once.
   */
  private addBurstPolicies(): void {
    const { props, policies } = this;
    const m = this.metrics;
    const cooldown = props.burstCooldown ?? DEFAULT_BURST_COOLDOWN;
    const period = burstPeriod(this.scrapeInterval);
    // Each task sends one sample per scrape: samples x scrape interval / period is the number of reporting tasks.
    const running = `samples * ${numberText(this.scrapeInterval.toSeconds())} / ${period.toSeconds()}`;
    const instant = props.instantTasksWorker ?? {};
    const jobsPerTask = instant.strategy === MembraneInstantWorkerStrategy.QUEUE_DEPTH && instant.target !== undefined
      ? instant.target : DEFAULT_TARGETS.instantJobsPerTask;
    policies.burst({
      service: 'instantTasksWorker',
      cooldown,
      period,
      inputs: [
        m.input('active', 'instant_tasks_jobs_active', 'api', cloudwatch.Stats.MAXIMUM),
        m.input('waiting', 'instant_tasks_jobs_waiting', 'api', cloudwatch.Stats.MAXIMUM),
        m.input('samples', 'instant_tasks_worker_utilization_rate', 'instantTasksWorker', cloudwatch.Stats.SAMPLE_COUNT),
      ],
      intermediate: { running },
      expression: `CEIL((active + waiting) / ${numberText(jobsPerTask)}) - running`,
      label: `instant workers missing: (active + waiting jobs) / ${numberText(jobsPerTask)} - running`,
    });
    policies.burst({
      service: 'queuedTasksWorker',
      cooldown,
      period,
      inputs: [
        m.input('required', 'queued_tasks_workers_required', 'api', cloudwatch.Stats.MAXIMUM),
        // "Autoscaling Configuration": the API counts the running queued workers (queued_tasks_workers).
        m.input('workers', 'queued_tasks_workers', 'api', cloudwatch.Stats.MAXIMUM),
      ],
      expression: `CEIL(required * ${this.queuedFactor}) - workers`,
      label: `queued workers missing: required * ${this.queuedFactor} - running`,
    });
    const jobSpaceUse = props.customCodeRunner?.target ?? DEFAULT_TARGETS.jobSpaceUse;
    const runnerMax = maxCapacityOf('customCodeRunner', props.customCodeRunner);
    policies.burst({
      service: 'customCodeRunner',
      cooldown,
      period,
      inputs: [
        m.input('total', 'custom_code_runner_total_job_spaces', 'customCodeRunner', cloudwatch.Stats.SUM),
        m.input('remaining', 'custom_code_runner_remaining_job_spaces', 'customCodeRunner', cloudwatch.Stats.SUM),
        m.input('samples', 'custom_code_runner_total_job_spaces', 'customCodeRunner', cloudwatch.Stats.SAMPLE_COUNT),
      ],
      intermediate: { running },
      // No job space left says work waits but not how much: ask for the maximum; target tracking trims it later.
      expression: `IF(remaining <= 0, ${numberText(runnerMax)} - running, `
        + `CEIL(running * (total - remaining) / total / ${numberText(jobSpaceUse)}) - running)`,
      label: 'custom code runners missing: the maximum when no job space is left, '
        + `else running * job space use / ${numberText(jobSpaceUse)} - running`,
    });
    policies.saturation({
      service: 'api',
      cooldown,
      metric: props.services.api.metricCpuUtilization(),
      threshold: API_BURST_CPU_PERCENT,
    });
  }
}

/**
 * Period of the burst alarms: the shortest high-resolution period (10 or 30 s) that a whole number of scrapes fills,
 * else a minute (and a token interval: a minute).
 */
function burstPeriod(scrapeInterval: Duration): Duration {
  if (scrapeInterval.isUnresolved()) return Duration.minutes(1);
  const seconds = HIGH_RESOLUTION_PERIODS.find(p => p % scrapeInterval.toSeconds() === 0) ?? 60;
  return Duration.seconds(seconds);
}

/** A number in a metric-math expression: tokens become CloudFormation expressions. */
function numberText(value: number): string {
  return known(value) ? String(value) : Token.asString(value);
}
