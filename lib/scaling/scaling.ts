import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addCollectors, COLLECTOR_CONTAINER } from './collector';
import { createAlarms, createDashboard } from './dashboard';
import {
  API_BURST_CPU_PERCENT, DEFAULT_BUFFER_RATIO, DEFAULT_COLLECTOR_IMAGE, DEFAULT_METRICS_LOG_RETENTION, DEFAULT_NAMESPACE,
  DEFAULT_SCRAPE_INTERVAL, DEFAULT_BURST_COOLDOWN, DEFAULT_TARGETS, HIGH_RESOLUTION_PERIODS, SCRAPE_INTERVAL_RANGE,
} from './defaults';
import { MathInput, MetricFactory, SCRAPED } from './metrics';
import { maxCapacityOf, ScalingPolicies } from './policies';
import {
  MembraneFrontendStrategy, MembraneInstantWorkerStrategy, MembraneQueuedWorkerStrategy, MembraneScalingProps,
} from './props';
import { createLogGroup } from '../common/resources';
import { known, propError, requireRange } from '../common/validation';
import { ModeKey } from '../services/private/modes';

/**
 * Autoscaling for Membrane on the metrics it emits.
 *
 * An OpenTelemetry collector sidecar (AWS Distro for OpenTelemetry) in the api, instant worker, queued
 * worker and custom code runner tasks scrapes their Prometheus endpoints and writes the metrics Membrane
 * scales on to CloudWatch (namespace `Membrane`, dimensions `ClusterName` and `Service`). Application Auto
 * Scaling tracks the targets of Membrane's documentation; the orchestrator stays fixed (leader election), and
 * so do the UI and Console unless CPU scaling is chosen. A dashboard and alarms cover queues, utilization, job
 * spaces, task counts, CPU/memory, load balancer errors and latency, and Redis.
 *
 * The autoscaled services' DesiredCount is left to Application Auto Scaling, so a deployment does not reset
 * the running count.
 *
 * @example
 * declare const stack: Stack;
 * declare const services: MembraneEcsServices;
 * declare const cache: MembraneCache;
 * declare const alarmTopic: sns.ITopic;
 * new MembraneScaling(stack, 'Scaling', {
 *   services,
 *   caches: [cache],
 *   alarmTopic,
 *   queuedTasksWorker: { maxCapacity: 80 },
 *   instantTasksWorker: { strategy: MembraneInstantWorkerStrategy.QUEUE_DEPTH },
 * });
 */
export class MembraneScaling extends Construct {
  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Alarms on Membrane's signals: growing instant queue, queued workers at capacity, no spare job spaces. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The log group the collectors write embedded-metric-format records to. */
  public readonly metricsLogGroup: logs.ILogGroup;
  /** CloudWatch namespace of the Membrane metrics. */
  public readonly namespace: string;

  private readonly metrics: MetricFactory;
  private readonly scrapeInterval: Duration;

  constructor(scope: Construct, id: string, props: MembraneScalingProps) {
    super(scope, id);
    if (SCRAPED.some(mode => props.services[mode.key].taskDefinition.node.tryFindChild(COLLECTOR_CONTAINER))) {
      throw propError(this, 'services', `${props.services.node.path} already has a MembraneScaling`,
        'Apply MembraneScaling once per MembraneEcsServices and give all options to that one.');
    }
    this.namespace = props.namespace ?? DEFAULT_NAMESPACE;
    if (known(this.namespace) && (/^AWS\//.test(this.namespace) || !/^[A-Za-z0-9.\-_/#:]{1,255}$/.test(this.namespace))) {
      throw propError(this, 'namespace', `'${this.namespace}' cannot hold custom metrics`,
        'CloudWatch reserves namespaces starting with AWS/; use letters, digits and . - _ / # :, e.g. \'Membrane\'.');
    }
    requireRange(this, 'instantQueueAlarmThreshold', props.instantQueueAlarmThreshold, 1, 1_000_000,
      'Give the number of waiting instant jobs that should raise the alarm (default 100).');
    this.metrics = new MetricFactory(props.services, this.namespace);
    const scrapeInterval = props.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL;
    const { minSeconds, maxSeconds } = SCRAPE_INTERVAL_RANGE;
    if (!scrapeInterval.isUnresolved() && scrapeInterval.toMilliseconds() % 1000 !== 0) {
      throw propError(this, 'scrapeInterval', `${scrapeInterval.toHumanString()} is not a whole number of seconds`,
        'The collector takes the interval in seconds: use Duration.seconds(n).');
    }
    if (!scrapeInterval.isUnresolved() && (scrapeInterval.toSeconds() < minSeconds || scrapeInterval.toSeconds() > maxSeconds)) {
      throw propError(this, 'scrapeInterval', `${scrapeInterval.toHumanString()} is outside ${minSeconds} to ${maxSeconds} seconds`,
        'Scaling decisions use one-minute metrics; scrape at least once a minute ("Autoscaling Configuration" polls every 15 s).');
    }
    if (!scrapeInterval.isUnresolved() && 60 % scrapeInterval.toSeconds() !== 0) {
      throw propError(this, 'scrapeInterval', `${scrapeInterval.toHumanString()} does not divide a minute`,
        'The burst alarms count the tasks by the samples in each period: use 5, 6, 10, 12, 15, 20, 30 or 60 seconds.');
    }
    this.scrapeInterval = scrapeInterval;

    this.metricsLogGroup = createLogGroup(this, 'MetricsLogGroup', props.metricsLogRetention ?? DEFAULT_METRICS_LOG_RETENTION,
      'the embedded-metric-format records of the Membrane metrics', props.encryptionKey, props.logRemovalPolicy);
    addCollectors(props.services, {
      image: props.collectorImage ?? DEFAULT_COLLECTOR_IMAGE,
      namespace: this.namespace,
      logGroup: this.metricsLogGroup,
      scrapeInterval,
    });
    this.addPolicies(props);
    this.dashboard = createDashboard(this, props, this.metrics);
    this.alarms = createAlarms(this, props, this.metrics,
      maxCapacityOf('queuedTasksWorker', props.queuedTasksWorker));
  }

  /** instant_tasks_jobs_waiting, reported by every API task with the same global value (read as Maximum). */
  public metricInstantTasksJobsWaiting(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.instantTasksJobsWaiting(options);
  }

  /** instant_tasks_jobs_active, a global gauge reported by the API (read as Maximum). */
  public metricInstantTasksJobsActive(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.instantTasksJobsActive(options);
  }

  /** queued_tasks_workers_required, a global gauge reported by the API (read as Maximum). */
  public metricQueuedTasksWorkersRequired(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.queuedTasksWorkersRequired(options);
  }

  /** queued_tasks_workers, the running queued workers as the API counts them (read as Maximum). */
  public metricQueuedTasksWorkers(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.queuedTasksWorkers(options);
  }

  /** Average instant_tasks_worker_utilization_rate over the instant worker tasks (0 to 1). */
  public metricInstantTasksWorkerUtilization(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.instantTasksWorkerUtilization(options);
  }

  /** Average queued_tasks_worker_utilization_rate over the queued worker tasks (0 to 1). */
  public metricQueuedTasksWorkerUtilization(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.queuedTasksWorkerUtilization(options);
  }

  /** Sum of custom_code_runner_total_job_spaces over the runner tasks. */
  public metricCustomCodeRunnerTotalJobSpaces(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.customCodeRunnerTotalJobSpaces(options);
  }

  /** Sum of custom_code_runner_remaining_job_spaces over the runner tasks. */
  public metricCustomCodeRunnerRemainingJobSpaces(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.customCodeRunnerRemainingJobSpaces(options);
  }

  /** Share of the custom code runner's job spaces in use: (total - remaining) / total. */
  public metricCustomCodeRunnerUtilization(options: cloudwatch.MetricOptions = {}): cloudwatch.MathExpression {
    return this.metrics.customCodeRunnerUtilization(options);
  }

  /** One policy per scaled service, on the formulas of Membrane's documentation. */
  private addPolicies(props: MembraneScalingProps): void {
    const policies = new ScalingPolicies(this, props.services);
    const m = this.metrics;
    const burst = props.burstScaling ?? true;
    // With burst scaling the burst policies own the fast scale-out and target tracking sizes the steady state on the
    // desired count: tasks still starting count as capacity, so target tracking does not multiply a count the burst
    // just raised by a utilization measured on the tasks before it. In steady state running = desired: the
    // documented targets are unchanged. Scale-in is measured (on the busiest of the low minutes).
    const measuredScaleIn = burst;
    const perDesired = (service: ModeKey, inputs: MathInput[], expression: string, label: string) => (burst
      ? {
        inputs: [...inputs, m.runningTasks('running', service), m.desiredTasks('desired', service)],
        expression: `${expression} * running / desired`,
        label: `${label} x running / desired tasks`,
      }
      : { inputs, expression, label });
    policies.cpu('api', props.api ?? {});
    policies.memory('api', props.api ?? {}, props.api?.memoryTarget);

    const instant = props.instantTasksWorker ?? {};
    if ((instant.strategy ?? MembraneInstantWorkerStrategy.UTILIZATION) === MembraneInstantWorkerStrategy.UTILIZATION) {
      policies.math({
        measuredScaleIn,
        service: 'instantTasksWorker',
        options: instant,
        defaultTarget: DEFAULT_TARGETS.instantUtilization,
        targetMax: 1,
        what: 'utilization',
        ...perDesired('instantTasksWorker',
          [m.input('rate', 'instant_tasks_worker_utilization_rate', 'instantTasksWorker', cloudwatch.Stats.AVERAGE)],
          'rate', 'avg(instant_tasks_worker_utilization_rate)'),
      });
    } else {
      policies.math({
        measuredScaleIn,
        service: 'instantTasksWorker',
        options: instant,
        defaultTarget: DEFAULT_TARGETS.instantJobsPerTask,
        targetMax: 1000,
        what: 'jobs per task',
        inputs: [
          m.input('active', 'instant_tasks_jobs_active', 'api', cloudwatch.Stats.MAXIMUM),
          m.input('waiting', 'instant_tasks_jobs_waiting', 'api', cloudwatch.Stats.MAXIMUM),
          burst ? m.desiredTasks('desired', 'instantTasksWorker') : m.runningTasks('running', 'instantTasksWorker'),
        ],
        expression: `(active + waiting) / ${burst ? 'desired' : 'running'}`,
        label: `(instant_tasks_jobs_active + instant_tasks_jobs_waiting) per ${burst ? 'desired' : 'running'} task`,
      });
    }

    const queued = props.queuedTasksWorker ?? {};
    const buffer = queued.bufferRatio ?? DEFAULT_BUFFER_RATIO;
    requireRange(this, 'queuedTasksWorker.bufferRatio', buffer, 0, 5, '"Autoscaling Configuration" uses 0.3 (30 % burst capacity).');
    // A token ratio stays a CloudFormation expression: (1 + <ratio>) is computed when the policy is created.
    const factor = known(buffer) ? String(1 + buffer) : `(1 + ${Token.asString(buffer)})`;
    if ((queued.strategy ?? MembraneQueuedWorkerStrategy.UTILIZATION) === MembraneQueuedWorkerStrategy.UTILIZATION) {
      policies.math({
        measuredScaleIn,
        service: 'queuedTasksWorker',
        options: queued,
        defaultTarget: DEFAULT_TARGETS.queuedUtilization,
        targetMax: 1,
        what: 'utilization',
        ...perDesired('queuedTasksWorker', [m.input('rate', 'queued_tasks_worker_utilization_rate', 'queuedTasksWorker', cloudwatch.Stats.AVERAGE)],
          'rate', 'avg(queued_tasks_worker_utilization_rate)'),
      });
    } else {
      policies.math({
        measuredScaleIn,
        service: 'queuedTasksWorker',
        options: queued,
        defaultTarget: DEFAULT_TARGETS.queuedWorkersPerTask,
        targetMax: 10,
        what: 'buffered required workers per task',
        inputs: [
          m.input('required', 'queued_tasks_workers_required', 'api', cloudwatch.Stats.MAXIMUM),
          burst ? m.desiredTasks('desired', 'queuedTasksWorker') : m.runningTasks('running', 'queuedTasksWorker'),
        ],
        expression: `required * ${factor} / ${burst ? 'desired' : 'running'}`,
        label: `max(queued_tasks_workers_required) * ${factor} per ${burst ? 'desired' : 'running'} task`,
      });
    }

    const runner = props.customCodeRunner ?? {};
    policies.math({
      measuredScaleIn,
      service: 'customCodeRunner',
      options: runner,
      defaultTarget: DEFAULT_TARGETS.jobSpaceUse,
      targetMax: 1,
      what: 'job space use',
      ...perDesired('customCodeRunner', [
        m.input('total', 'custom_code_runner_total_job_spaces', 'customCodeRunner', cloudwatch.Stats.SUM),
        m.input('remaining', 'custom_code_runner_remaining_job_spaces', 'customCodeRunner', cloudwatch.Stats.SUM),
      ], '(total - remaining) / total', '(sum(total_job_spaces) - sum(remaining_job_spaces)) / sum(total_job_spaces)'),
    });

    if (props.burstScaling ?? true) {
      this.addBurstPolicies(policies, props, factor);
    } else if (props.burstCooldown !== undefined) {
      throw propError(this, 'burstCooldown', 'it is set but burstScaling is false',
        'Remove burstCooldown, or turn burstScaling on.');
    }

    for (const key of ['ui', 'console'] as const) {
      const options = props[key] ?? {};
      if ((options.strategy ?? MembraneFrontendStrategy.FIXED) === MembraneFrontendStrategy.CPU) {
        policies.cpu(key, options);
      } else if (options.minCapacity !== undefined || options.maxCapacity !== undefined || options.target !== undefined) {
        throw propError(this, `${key}.strategy`, 'capacity or target is set but the strategy is FIXED',
          `Set ${key}.strategy to MembraneFrontendStrategy.CPU, or size the fixed count with the services' desiredCount.`);
      }
    }
  }

  /**
   * Step policies on the unbounded backlog signals: the tasks the backlog needs, by the formulas of "Autoscaling
   * Configuration", minus the tasks that run. Utilization cannot exceed 1, so target tracking alone grows a service
   * by at most 1/target per step; these add what is missing in one. They read 10-second periods of the
   * high-resolution signals, so the running tasks come from the same signals (how many samples their tasks sent),
   * not from Container Insights, whose one-minute metrics a 10-second alarm cannot read. The API's CPU is bounded:
   * saturated, it takes the API to its maximum at once.
   */
  private addBurstPolicies(policies: ScalingPolicies, props: MembraneScalingProps, queuedFactor: string): void {
    const m = this.metrics;
    const cooldown = props.burstCooldown ?? DEFAULT_BURST_COOLDOWN;
    if (!cooldown.isUnresolved() && (cooldown.toMilliseconds() % 1000 !== 0 || cooldown.toSeconds() > 3600)) {
      throw propError(this, 'burstCooldown', `${cooldown.toHumanString()} is not a whole number of seconds up to an hour`,
        'Give Duration.seconds(n); the default, 300 s, covers a task start and the delay of the metrics that count it.');
    }
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
      expression: `CEIL(required * ${queuedFactor}) - workers`,
      label: `queued workers missing: required * ${queuedFactor} - running`,
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
      metric: m.ecs('AWS/ECS', 'CPUUtilization', 'api', cloudwatch.Stats.AVERAGE),
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
