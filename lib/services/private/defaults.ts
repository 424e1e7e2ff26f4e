import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';

/** Container health check start period: "Self-hosting on AWS" allows up to five minutes for start-up. */
export const STARTUP_GRACE = Duration.minutes(5);

/** Container health check of the services that are not behind the load balancer. */
export const CONTAINER_HEALTH_CHECK = { interval: Duration.seconds(30), timeout: Duration.seconds(5), retries: 3 } as const;

/** Load balancer health check of the public services. */
export const TARGET_HEALTH_CHECK = {
  interval: Duration.seconds(15),
  timeout: Duration.seconds(5),
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 3,
} as const;

/** How long the load balancer drains a target that leaves. */
export const DEREGISTRATION_DELAY = Duration.seconds(30);

/** Workers get the longest graceful stop Fargate allows, to finish or hand back the job they run. */
export const WORKER_STOP_TIMEOUT = Duration.seconds(120);

/** MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS by default ("Self-hosting"): the longest a queued task, and its custom code, may run. */
export const DEFAULT_QUEUED_TASK_TIME = Duration.seconds(3000);

/** Retention of the services' log groups. */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** Start-up tolerance ("Self-hosting on AWS"): retries of the start-up checks, their back-off, the Mongo selection timeout. */
export const STARTUP_DEFAULTS = {
  retries: 5,
  retryDelay: Duration.seconds(2),
  maxRetryDelay: Duration.seconds(30),
  mongoServerSelectionTimeout: Duration.seconds(60),
} as const;

/**
 * Image of the task-protection sidecar: Node.js on Alpine from the ECR Public mirror of Docker's official images,
 * pinned to an exact tag (multi-architecture: x86_64 and ARM64).
 */
export const DEFAULT_TASK_PROTECTION_IMAGE = 'public.ecr.aws/docker/library/node:22.12.0-alpine3.20';

/** Size of the task-protection sidecar: one poll every few seconds. */
export const TASK_PROTECTION_SIZE = { cpu: 32, memoryReservationMiB: 64, memoryLimitMiB: 128 } as const;

/** How often the sidecar reads `queued_tasks_worker_busy`. */
export const TASK_PROTECTION_POLL = Duration.seconds(5);

/** Protection outlasts the longest queued task by this margin (and is renewed while the worker stays busy). */
export const TASK_PROTECTION_MARGIN = Duration.minutes(10);

/**
 * Graviton: Membrane's own Kubernetes infrastructure runs its multi-architecture images on ARM64 nodes; ARM64
 * Fargate costs about 20 % less per vCPU and GB, and needs no CUSTOM_CODE_MEMORY_LIMIT ("Self-hosting").
 */
export const DEFAULT_CPU_ARCHITECTURE = ecs.CpuArchitecture.ARM64;

/**
 * How long the old version of a blue/green service keeps running after the traffic moved ("Amazon ECS blue/green
 * deployments": the bake time): twice the 5-minute window in which the 5xx alarms count, so a new version that fails
 * under real traffic is switched back while the old tasks still run.
 */
export const DEFAULT_BAKE_TIME = Duration.minutes(10);

/** The bake times ECS accepts (`BakeTimeInMinutes`), in whole minutes. */
export const BAKE_TIME_RANGE = { min: 0, max: 1440 } as const;

/**
 * A worker whose tasks run fewer than desired for this many one-minute periods has tasks that fail to start or keep
 * stopping; it is long enough for a scale-out to start its tasks (Fargate pulls the image before a task runs).
 */
export const TASKS_NOT_RUNNING_PERIODS = 5;
