import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';

/** CloudWatch namespace of the Membrane metrics. */
export const DEFAULT_NAMESPACE = 'Membrane';

/** AWS Distro for OpenTelemetry, pinned. */
export const DEFAULT_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0';

/** Collector sidecar size: small next to the 512-CPU Membrane container. */
export const COLLECTOR_SIZE = { cpu: 64, memoryLimitMiB: 256 } as const;

/** "Autoscaling Configuration": KEDA polls every 15 s. */
export const DEFAULT_SCRAPE_INTERVAL = Duration.seconds(15);

/** Scrape intervals that still give one-minute metrics. */
export const SCRAPE_INTERVAL_RANGE = { minSeconds: 5, maxSeconds: 60 } as const;

/** Retention of the embedded-metric-format log group (the metrics themselves live in CloudWatch Metrics). */
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
 * Cooldown of the burst policies: the task counts they compare with reach CloudWatch a minute or more after a
 * change, so a shorter cooldown would add the same missing tasks twice.
 */
export const DEFAULT_BURST_COOLDOWN = Duration.seconds(120);

/** "Autoscaling Configuration": 30 % burst capacity on top of the required queued workers. */
export const DEFAULT_BUFFER_RATIO = 0.3;

/** Dashboard widget size: two graphs per row. */
export const WIDGET_SIZE = { width: 12, height: 6 } as const;

/** Default time range of the dashboard. */
export const DASHBOARD_RANGE = Duration.hours(3);

/** Alarm defaults: thresholds and how many one-minute periods they look at. */
export const ALARM_DEFAULTS = {
  instantQueueThreshold: 100,
  /** Minutes of a growing instant queue, of no spare job spaces. */
  evaluationPeriods: 5,
  /** Minutes the queued workers must be at their maximum: longer than a scale-out takes. */
  queuedAtCapacityPeriods: 15,
} as const;
