import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IMembraneCache } from '../cache/cache-base';
import { IMembraneEcsServices } from '../services/service';

/** How the instant tasks worker scales. */
export enum MembraneInstantWorkerStrategy {
  /** avg(instant_tasks_worker_utilization_rate) against a target of 0.75 ("Self-hosting", the newest guidance). */
  UTILIZATION = 'utilization',
  /** (instant_tasks_jobs_active + instant_tasks_jobs_waiting) per running task against 5 ("Autoscaling Configuration"). */
  QUEUE_DEPTH = 'queue-depth',
}

/** How the queued tasks worker scales. */
export enum MembraneQueuedWorkerStrategy {
  /** avg(queued_tasks_worker_utilization_rate) against a target of 0.85 ("Self-hosting", the newest guidance). */
  UTILIZATION = 'utilization',
  /** max(queued_tasks_workers_required) plus a 30 % buffer, as running tasks ("Autoscaling Configuration"). */
  WORKERS_REQUIRED = 'workers-required',
}

/** How the UI and Console are sized. */
export enum MembraneFrontendStrategy {
  /** A fixed number of tasks ("Self-hosting": 2 for availability and zero-downtime updates). */
  FIXED = 'fixed',
  /** CPU target tracking, 2 to 5 tasks at 50 % ("Autoscaling Configuration"). */
  CPU = 'cpu',
}

/**
 * Scaling bounds and target of one service. The meaning of `target` depends on the service's strategy.
 */
export interface MembraneServiceScaling {
  /**
   * Fewest tasks.
   *
   * @default 2 (Membrane's documentation: at least 2 of every service)
   */
  readonly minCapacity?: number;

  /**
   * Most tasks.
   *
   * @default - api 10, instant tasks worker 20, queued tasks worker 50, custom code runner 20, UI and Console 5 ("Autoscaling Configuration")
   */
  readonly maxCapacity?: number;

  /**
   * Target value of the scaling metric.
   *
   * @default - api 50 (% CPU); instant worker 0.75 (utilization) or 5 (jobs per task); queued worker 0.85
   * (utilization) or 1 (tasks per buffered required worker); custom code runner 0.45 (job space use);
   * UI/Console 50 (% CPU)
   */
  readonly target?: number;

  /**
   * Minimum time between scale-out activities: fast, to answer load ("Autoscaling Configuration").
   *
   * @default Duration.seconds(60)
   */
  readonly scaleOutCooldown?: Duration;

  /**
   * Minimum time between scale-in activities: slow, to prevent flapping ("Autoscaling Configuration").
   *
   * @default Duration.seconds(300)
   */
  readonly scaleInCooldown?: Duration;
}

/** Scaling of the API. */
export interface MembraneApiScaling extends MembraneServiceScaling {
  /**
   * Memory target tracking (% of the task's memory) next to the CPU target: "Self-hosting" asks to watch memory as
   * well as CPU for the API. The larger of the two policies' outputs wins on scale-out; scale-in needs both.
   *
   * @default 70
   */
  readonly memoryTarget?: number;
}

/** Scaling of the instant tasks worker. */
export interface MembraneInstantWorkerScaling extends MembraneServiceScaling {
  /**
   * Scaling metric.
   *
   * @default MembraneInstantWorkerStrategy.UTILIZATION
   */
  readonly strategy?: MembraneInstantWorkerStrategy;
}

/** Scaling of the queued tasks worker. */
export interface MembraneQueuedWorkerScaling extends MembraneServiceScaling {
  /**
   * Scaling metric.
   *
   * @default MembraneQueuedWorkerStrategy.UTILIZATION
   */
  readonly strategy?: MembraneQueuedWorkerStrategy;

  /**
   * Burst buffer on top of the required workers, with `WORKERS_REQUIRED` ("Autoscaling Configuration": 0.3).
   *
   * @default 0.3
   */
  readonly bufferRatio?: number;
}

/** Scaling of the UI or the Console. */
export interface MembraneFrontendScaling extends MembraneServiceScaling {
  /**
   * Fixed count (the service's desired count) or CPU target tracking.
   *
   * @default MembraneFrontendStrategy.FIXED
   */
  readonly strategy?: MembraneFrontendStrategy;
}

/**
 * Options of `MembraneScaling`, everything but the services it scales.
 */
export interface MembraneScalingOptions {
  /** API: CPU and memory target tracking. @default - 2 to 10 tasks at 50 % CPU and 70 % memory */
  readonly api?: MembraneApiScaling;
  /** Instant tasks worker. @default - 2 to 20 tasks, utilization 0.75 */
  readonly instantTasksWorker?: MembraneInstantWorkerScaling;
  /** Queued tasks worker. @default - 2 to 50 tasks, utilization 0.85 */
  readonly queuedTasksWorker?: MembraneQueuedWorkerScaling;
  /** Custom code runner: share of job spaces in use. @default - 2 to 20 tasks at 0.45 */
  readonly customCodeRunner?: MembraneServiceScaling;
  /** UI. @default - fixed count */
  readonly ui?: MembraneFrontendScaling;
  /** Console. @default - fixed count */
  readonly console?: MembraneFrontendScaling;

  /**
   * Step scaling next to target tracking. On the backlog, for the instant tasks worker (active and waiting instant
   * jobs, 5 per task), the queued tasks worker (required workers plus the buffer, against the running workers the API
   * counts) and the custom code runner (job spaces in use): one 10-second datapoint of the high-resolution signals
   * with more work than running tasks adds the missing tasks at once (up to about 1.5 times as many), instead of
   * target tracking's steps of at most x1.33 after three minutes. On the API's CPU: one minute at 85 % or more takes
   * the API to its maximum. Target tracking still sizes the steady state and alone scales in.
   * `npx projen bench:scaling` shows both.
   *
   * @default true
   */
  readonly burstScaling?: boolean;

  /**
   * Cooldown of the burst step policies: a larger backlog still adds tasks during it (only what its step asks beyond
   * the step already taken).
   *
   * @default Duration.seconds(300) (a task start and the delay of the metrics that count the new task)
   */
  readonly burstCooldown?: Duration;

  /**
   * CloudWatch namespace of the Membrane metrics.
   *
   * @default 'Membrane'
   */
  readonly namespace?: string;

  /**
   * Image of the OpenTelemetry collector sidecar that turns the Prometheus metrics into CloudWatch
   * metrics (embedded metric format). Pin a version whose `awsemf` exporter honours the
   * `aws.emf.storage_resolution` attribute (ADOT v0.42.0 or later), or the burst alarms' 10-second periods get no
   * data.
   *
   * @default 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0' (AWS Distro for OpenTelemetry)
   */
  readonly collectorImage?: string;

  /**
   * How often the sidecars scrape the Prometheus endpoints: a whole number of seconds that divides a minute. The
   * burst alarms' period is the shortest of 10 s, 30 s and 60 s that a whole number of scrapes fills.
   *
   * @default Duration.seconds(5) (two samples in each 10-second period; "Autoscaling Configuration" polls every 15 s)
   */
  readonly scrapeInterval?: Duration;

  /**
   * Retention of the embedded-metric-format log group (the metrics themselves live in CloudWatch Metrics).
   *
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly metricsLogRetention?: logs.RetentionDays;

  /**
   * What happens to the metrics log group when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * Customer-managed KMS key for the metrics log group.
   *
   * @default - CloudWatch Logs' own keys
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Topic that receives the alarm and OK notifications of the scaling alarms (the 5xx and health alarms belong to
   * MembraneEcsServices, which has its own alarmTopic).
   *
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Caches whose CPU, memory and connections go on the dashboard.
   *
   * @default - none
   */
  readonly caches?: IMembraneCache[];

  /**
   * Waiting instant jobs that count as a growing queue.
   *
   * @default 100
   */
  readonly instantQueueAlarmThreshold?: number;

  /**
   * Name of the CloudWatch dashboard.
   *
   * @default - generated
   */
  readonly dashboardName?: string;
}

/**
 * Properties for `MembraneScaling`.
 */
export interface MembraneScalingProps extends MembraneScalingOptions {
  /**
   * The services to scale and observe: a `MembraneEcsServices`, or another construct that hands on its cluster, load
   * balancer and services (for example a wrapper of your own).
   */
  readonly services: IMembraneEcsServices;
}

