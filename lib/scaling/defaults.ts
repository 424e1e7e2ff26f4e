import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/** CloudWatch namespace of the Membrane metrics (a choice of this library; the metric names are those of "Autoscaling Configuration"). */
export const DEFAULT_NAMESPACE = 'Membrane';

/**
 * AWS Distro for OpenTelemetry, pinned. v0.49.0 builds on opentelemetry-collector-contrib v0.156.0, whose `awsemf`
 * exporter honours the `aws.emf.storage_resolution` attribute (open-telemetry-collector-contrib PR 36057, merged
 * October 2024, first in ADOT v0.42.0): the scaling signals are stored at 1-second resolution.
 */
export const DEFAULT_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0';

/**
 * Data-point attribute the `awsemf` exporter reads for a metric's CloudWatch storage resolution (1 or 60 s); it is
 * not written as a dimension.
 */
export const STORAGE_RESOLUTION_ATTRIBUTE = 'aws.emf.storage_resolution';

/** How long the collector batches metrics before it writes them: it delays every datapoint by up to this (a choice of this library). */
export const COLLECTOR_BATCH_TIMEOUT = Duration.seconds(5);

/** Collector sidecar size: small next to the 512-CPU Membrane container ("Self-hosting": 0.5 CPU per container). */
export const COLLECTOR_SIZE = { cpu: 64, memoryLimitMiB: 256 } as const;

/**
 * Scrape every 5 s: two samples in each 10-second period of the burst alarms, so that their sample count tells the
 * running tasks ("Autoscaling Configuration" polls every 15 s, which 10-second periods could not count).
 */
export const DEFAULT_SCRAPE_INTERVAL = Duration.seconds(5);

/** Scrape intervals that still give one-minute metrics. */
export const SCRAPE_INTERVAL_RANGE = { minSeconds: 5, maxSeconds: 60 } as const;

/** CloudWatch alarm periods below a minute: 10 and 30 s (high-resolution alarms, evaluated every 10 s). */
export const HIGH_RESOLUTION_PERIODS: readonly number[] = [10, 30];

/** Retention of the embedded-metric-format log group (the metrics themselves live in CloudWatch Metrics; a choice of this library). */
export const DEFAULT_METRICS_LOG_RETENTION = logs.RetentionDays.ONE_WEEK;

/** Scaling decides per minute. */
export { METRIC_PERIOD } from '../common/constants';

/** "Autoscaling Configuration": scale out fast, scale in slowly to prevent flapping. */
export const DEFAULT_COOLDOWNS = { scaleOut: Duration.seconds(60), scaleIn: Duration.seconds(300) } as const;

/** Scaling targets ("Self-hosting" for the utilization rates, "Autoscaling Configuration" for the rest). */
export const DEFAULT_TARGETS = {
  /** API, UI and Console: % CPU. */
  cpu: 50,
  /** API: % memory ("Self-hosting": watch memory as well as CPU). */
  memory: 70,
  /** avg(instant_tasks_worker_utilization_rate). */
  instantUtilization: 0.75,
  /** (active + waiting instant jobs) per running task. */
  instantJobsPerTask: 5,
  /** avg(queued_tasks_worker_utilization_rate). */
  queuedUtilization: 0.85,
  /** buffered required queued workers per running task. */
  queuedWorkersPerTask: 1,
  /** share of the custom code runner's job spaces in use. */
  jobSpaceUse: 0.45,
} as const;

/**
 * Burst scaling: lower bounds of the step intervals, in missing tasks. A backlog adds the most its interval holds
 * (missing 8 to 11 add 11), so in one action at least the missing tasks and at most about 1.4 times as many.
 */
export const BURST_STEPS: readonly number[] = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128];

/**
 * Cooldown of the burst policies. They compare the backlog with the tasks that report metrics, and a new task
 * reports only once it runs: a task start (180 s at the slower reading, docs/scaling-model.md) plus the delay of
 * the metrics (about 80 s). Within the cooldown Application Auto Scaling adds only what a larger step asks beyond
 * the step already taken, so the tasks still starting are not added twice.
 */
export const DEFAULT_BURST_COOLDOWN = Duration.seconds(300);

/**
 * API burst: an average CPU at or above this for one minute means the API is saturated (1.7 times its 50 % target)
 * and CPU cannot say by how much: go to the maximum in one action; target tracking trims the count later.
 */
export const API_BURST_CPU_PERCENT = 85;

/**
 * Measured scale-in (with burst scaling): below which share of the target the busiest of the low minutes must be,
 * and which percentage of the tasks goes. Removing a share f keeps a metric m below the target T when
 * m / (1 - f) <= T: below 25 % remove 75 %, below 50 % half, below 75 % a quarter (none nearer the target, where
 * removing even one of a few tasks would cross it and target tracking would scale out again).
 */
export const MEASURED_SCALE_IN: ReadonlyArray<{ readonly below: number; readonly remove: number }> = [
  { below: 0.25, remove: 75 },
  { below: 0.5, remove: 50 },
  { below: 0.75, remove: 25 },
];

/** Target tracking's scale-in alarm looks at 15 one-minute datapoints; the measured scale-in waits as long. */
export const TARGET_TRACKING_SCALE_IN_PERIODS = 15;

/** "Autoscaling Configuration": 30 % burst capacity on top of the required queued workers. */
export const DEFAULT_BUFFER_RATIO = 0.3;

/** Dashboard widget size: two graphs per row (a choice of this library). */
export const WIDGET_SIZE = { width: 12, height: 6 } as const;

/** Default time range of the dashboard (a choice of this library). */
export const DASHBOARD_RANGE = Duration.hours(3);

/** Alarm defaults: thresholds and how many one-minute periods they look at (choices of this library). */
export const ALARM_DEFAULTS = {
  instantQueueThreshold: 100,
  /** Minutes of a growing instant queue, of no spare job spaces. */
  evaluationPeriods: 5,
  /** Minutes the queued workers must be at their maximum: longer than a scale-out takes. */
  queuedAtCapacityPeriods: 15,
} as const;
