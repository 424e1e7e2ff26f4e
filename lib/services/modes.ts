import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * Per-service settings a user may override.
 */
export interface MembraneServiceOptions {
  /**
   * Task CPU units (Fargate sizes: 256, 512, 1024, 2048, 4096, 8192, 16384).
   *
   * @default - per service: api 1024, other api-image services 512, custom-code-runner 512, ui/console 512
   */
  readonly cpu?: number;

  /**
   * Task memory in MiB; must be a Fargate size for the CPU.
   *
   * @default - per service: api 4096, other api-image services 2048, custom-code-runner 2048, ui/console 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * Tasks to run. Autoscaling (MembraneScaling) manages the count of the services it scales.
   *
   * @default 2 (seeds: at least 2 instances of every service in production)
   */
  readonly desiredCount?: number;

  /**
   * Run on Fargate Spot, keeping one task on regular Fargate. Only for the worker services; Spot tasks can
   * be stopped with two minutes' notice, which interrupts the job they run.
   *
   * @default false
   */
  readonly spot?: boolean;

  /**
   * Extra plain environment variables for this service. Variables this library manages cannot be
   * overridden here, and names that look like credentials must go to `secrets`.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Extra secret environment variables for this service.
   *
   * @default - none
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * Container health check command, for the services that are not behind the load balancer.
   *
   * @default - an HTTP GET of the service's health path with Node.js inside the container
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

/** Key of a service in `MembraneServicesOptions`. */
export type ModeKey = keyof MembraneServicesOptions;

/** Which environment a service gets. */
export type ModeKind = 'engine' | 'ui' | 'console' | 'runner';

/** How a service is reached. */
export type Exposure = 'public-alb' | 'service-connect' | 'none';

/**
 * Everything that differs between Membrane's services. Sources: seed 001 (images, modes, health checks,
 * minimum resources), seed 003 (mode variables, scaling table: fixed 2 for UI, Console, Orchestrator),
 * seed 000 (public vs internal; deploy workers before the API).
 */
export interface ModeSpec {
  readonly key: ModeKey;
  /** Construct id: stable, part of every logical ID below it. */
  readonly id: string;
  /** Service name used in logs, DNS and Service Connect. */
  readonly name: string;
  /** Image under `<registry>/core/`. */
  readonly image: 'api' | 'ui' | 'console' | 'custom-code-runner';
  readonly kind: ModeKind;
  /** The mode switch of the api image (seed 003). */
  readonly modeFlag?: string;
  readonly exposure: Exposure;
  /** Health check path on port 5000. */
  readonly healthPath: string;
  /** Seed minimum task size. */
  readonly minimum: { readonly cpu: number; readonly memoryMiB: number };
  /** Default task size (the seeds' production recommendation where they give one). */
  readonly size: { readonly cpu: number; readonly memoryMiB: number };
  readonly spotAllowed: boolean;
  /** Deployment order: every service depends on all services of the lower tiers. */
  readonly tier: number;
}

/** The seven services, in deployment order. */
export const MODES: readonly ModeSpec[] = [
  {
    key: 'customCodeRunner', id: 'CustomCodeRunner', name: 'custom-code-runner', image: 'custom-code-runner', kind: 'runner',
    exposure: 'service-connect', healthPath: '/api/v2/health',
    minimum: { cpu: 512, memoryMiB: 2048 }, size: { cpu: 512, memoryMiB: 2048 }, spotAllowed: false, tier: 0,
  },
  {
    key: 'instantTasksWorker', id: 'InstantTasksWorker', name: 'instant-tasks-worker', image: 'api', kind: 'engine',
    modeFlag: 'IS_INSTANT_TASKS_WORKER', exposure: 'none', healthPath: '/',
    minimum: { cpu: 512, memoryMiB: 2048 }, size: { cpu: 512, memoryMiB: 2048 }, spotAllowed: true, tier: 1,
  },
  {
    key: 'queuedTasksWorker', id: 'QueuedTasksWorker', name: 'queued-tasks-worker', image: 'api', kind: 'engine',
    modeFlag: 'IS_QUEUED_TASKS_WORKER', exposure: 'none', healthPath: '/prometheus/queued-tasks',
    minimum: { cpu: 512, memoryMiB: 2048 }, size: { cpu: 512, memoryMiB: 2048 }, spotAllowed: true, tier: 1,
  },
  {
    key: 'orchestrator', id: 'Orchestrator', name: 'orchestrator', image: 'api', kind: 'engine',
    modeFlag: 'IS_ORCHESTRATOR', exposure: 'none', healthPath: '/',
    minimum: { cpu: 512, memoryMiB: 2048 }, size: { cpu: 512, memoryMiB: 2048 }, spotAllowed: false, tier: 1,
  },
  {
    key: 'api', id: 'Api', name: 'api', image: 'api', kind: 'engine',
    modeFlag: 'IS_API', exposure: 'public-alb', healthPath: '/',
    minimum: { cpu: 512, memoryMiB: 2048 }, size: { cpu: 1024, memoryMiB: 4096 }, spotAllowed: false, tier: 2,
  },
  {
    key: 'ui', id: 'Ui', name: 'ui', image: 'ui', kind: 'ui', exposure: 'public-alb', healthPath: '/',
    minimum: { cpu: 256, memoryMiB: 512 }, size: { cpu: 512, memoryMiB: 1024 }, spotAllowed: false, tier: 3,
  },
  {
    key: 'console', id: 'Console', name: 'console', image: 'console', kind: 'console', exposure: 'public-alb', healthPath: '/',
    minimum: { cpu: 256, memoryMiB: 512 }, size: { cpu: 512, memoryMiB: 1024 }, spotAllowed: false, tier: 3,
  },
];

/** Fargate task sizes: CPU units to the memory sizes (MiB) allowed with them. */
const FARGATE_MEMORY: { [cpu: number]: (memory: number) => boolean } = {
  256: m => [512, 1024, 2048].includes(m),
  512: m => m >= 1024 && m <= 4096 && m % 1024 === 0,
  1024: m => m >= 2048 && m <= 8192 && m % 1024 === 0,
  2048: m => m >= 4096 && m <= 16384 && m % 1024 === 0,
  4096: m => m >= 8192 && m <= 30720 && m % 1024 === 0,
  8192: m => m >= 16384 && m <= 61440 && m % 4096 === 0,
  16384: m => m >= 32768 && m <= 122880 && m % 8192 === 0,
};

/** Whether cpu/memory is a valid Fargate task size. */
export function isFargateSize(cpu: number, memoryMiB: number): boolean {
  const allowed = FARGATE_MEMORY[cpu];
  return allowed !== undefined && allowed(memoryMiB);
}

/** Container health check start period: seed 002 allows up to five minutes for start-up. */
export const STARTUP_GRACE = Duration.minutes(5);
