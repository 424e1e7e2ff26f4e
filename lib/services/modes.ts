import { Duration } from 'aws-cdk-lib';
import { MembraneServicesOptions } from './options';

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
    key: 'customCodeRunner',
    id: 'CustomCodeRunner',
    name: 'custom-code-runner',
    image: 'custom-code-runner',
    kind: 'runner',
    exposure: 'service-connect',
    healthPath: '/api/v2/health',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 512, memoryMiB: 2048 },
    spotAllowed: false,
    tier: 0,
  },
  {
    key: 'instantTasksWorker',
    id: 'InstantTasksWorker',
    name: 'instant-tasks-worker',
    image: 'api',
    kind: 'engine',
    modeFlag: 'IS_INSTANT_TASKS_WORKER',
    exposure: 'none',
    healthPath: '/',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 512, memoryMiB: 2048 },
    spotAllowed: true,
    tier: 1,
  },
  {
    key: 'queuedTasksWorker',
    id: 'QueuedTasksWorker',
    name: 'queued-tasks-worker',
    image: 'api',
    kind: 'engine',
    modeFlag: 'IS_QUEUED_TASKS_WORKER',
    exposure: 'none',
    healthPath: '/prometheus/queued-tasks',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 512, memoryMiB: 2048 },
    spotAllowed: true,
    tier: 1,
  },
  {
    key: 'orchestrator',
    id: 'Orchestrator',
    name: 'orchestrator',
    image: 'api',
    kind: 'engine',
    modeFlag: 'IS_ORCHESTRATOR',
    exposure: 'none',
    healthPath: '/',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 512, memoryMiB: 2048 },
    spotAllowed: false,
    tier: 1,
  },
  {
    key: 'api',
    id: 'Api',
    name: 'api',
    image: 'api',
    kind: 'engine',
    modeFlag: 'IS_API',
    exposure: 'public-alb',
    healthPath: '/',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 1024, memoryMiB: 4096 },
    spotAllowed: false,
    tier: 2,
  },
  {
    key: 'ui',
    id: 'Ui',
    name: 'ui',
    image: 'ui',
    kind: 'ui',
    exposure: 'public-alb',
    healthPath: '/',
    minimum: { cpu: 256, memoryMiB: 512 },
    size: { cpu: 512, memoryMiB: 1024 },
    spotAllowed: false,
    tier: 3,
  },
  {
    key: 'console',
    id: 'Console',
    name: 'console',
    image: 'console',
    kind: 'console',
    exposure: 'public-alb',
    healthPath: '/',
    minimum: { cpu: 256, memoryMiB: 512 },
    size: { cpu: 512, memoryMiB: 1024 },
    spotAllowed: false,
    tier: 3,
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
