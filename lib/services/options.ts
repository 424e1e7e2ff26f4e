import * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * Environment variables and secrets added to what this library sets: for one service (`MembraneServiceOptions`)
 * or for several (`sharedEngineEnvironment`).
 */
export interface MembraneExtraEnvironment {
  /**
   * Extra plain environment variables. Variables this library manages cannot be overridden here, and names that
   * look like credentials must go to `secrets`.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Extra secret environment variables.
   *
   * @default - none
   */
  readonly secrets?: { [name: string]: ecs.Secret };
}

/**
 * Per-service settings a user may override.
 */
export interface MembraneServiceOptions extends MembraneExtraEnvironment {
  /**
   * Task CPU units (Fargate sizes: 256, 512, 1024, 2048, 4096, 8192, 16384).
   *
   * @default - per service: api 1024, other api-image services 512, custom-code-runner 512, ui/console 512
   */
  readonly cpu?: number;

  /**
   * Task memory in MiB; must be a Fargate size for the CPU. The api-image services (api, workers, orchestrator) give
   * 75 % of what their Membrane container may use to the Node.js heap (`NODE_OPTIONS=--max-old-space-size=<MiB>`, the
   * queued worker's sidecar deducted first), so a job that outgrows it fails inside Node.js rather than by the task being
   * killed; a `NODE_OPTIONS` of your own (here or in `sharedEngineEnvironment`) replaces it.
   *
   * @default - per service: api 4096, other api-image services 2048, custom-code-runner 2048, ui/console 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * Tasks to run. Autoscaling (MembraneScaling) manages the count of the services it scales.
   *
   * @default 2 (Membrane's documentation: at least 2 instances of every service in production)
   */
  readonly desiredCount?: number;

  /**
   * Run on Fargate Spot, keeping one task on regular Fargate when the service runs two or more (a single-task
   * service runs on Spot entirely). Only for the services that tolerate losing a task: the instant and queued tasks
   * workers, the custom code runner and the orchestrator (its standby takes over the lead). Spot tasks can be stopped
   * with two minutes' notice, which interrupts the job they run (the queued worker's jobs run for up to
   * `maxQueuedTasksProcessTime`, so Spot suits it less). Choose it when the service is created: turning it on or off
   * later replaces the ECS service (its launch type goes), which CloudFormation cannot do for a service with Service
   * Connect, so that update fails (the changelog says how to move a running service).
   *
   * @default false
   */
  readonly spot?: boolean;

  /**
   * Container health check command, for the services that are not behind the load balancer (the workers,
   * orchestrator and custom code runner); refused for the API, UI and Console, whose health the load balancer checks,
   * and when it runs no command. It runs every 30 s with a 5 s timeout, 3 retries, and 5 minutes to
   * start (ECS's maximum).
   *
   * @default - `node -e "fetch('http://127.0.0.1:5000<health path>')..."`: an HTTP GET of the service's health path
   * that exits 0 on a 2xx answer. It needs Node.js 18 or later (global `fetch`) on the image's PATH, which
   * Membrane's images have; give your own command for an image without it.
   */
  readonly healthCheckCommand?: string[];
}

/**
 * Overrides per Membrane service.
 */
export interface MembraneServicesOptions {
  /** API (`IS_API=1`). @default - see MembraneServiceOptions */
  readonly api?: MembraneServiceOptions;
  /** Instant tasks worker (`IS_INSTANT_TASKS_WORKER=1`). @default - see MembraneServiceOptions */
  readonly instantTasksWorker?: MembraneServiceOptions;
  /** Queued tasks worker (`IS_QUEUED_TASKS_WORKER=1`). @default - see MembraneServiceOptions */
  readonly queuedTasksWorker?: MembraneServiceOptions;
  /** Orchestrator (`IS_ORCHESTRATOR=1`); leader election, 2 for availability. @default - see MembraneServiceOptions */
  readonly orchestrator?: MembraneServiceOptions;
  /** UI (`core/ui`). @default - see MembraneServiceOptions */
  readonly ui?: MembraneServiceOptions;
  /** Console (`core/console`). @default - see MembraneServiceOptions */
  readonly console?: MembraneServiceOptions;
  /** Custom code runner (`core/custom-code-runner`), internal only. @default - see MembraneServiceOptions */
  readonly customCodeRunner?: MembraneServiceOptions;
}
