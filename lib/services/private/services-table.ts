import { MembraneServicesOptions } from '../options';

/** Key of a service in `MembraneServicesOptions`: the one list of Membrane's services. */
export type ServiceKey = keyof MembraneServicesOptions;

/** Which environment a service gets. */
export type ServiceKind = 'engine' | 'ui' | 'console' | 'runner';

/** How a service is reached. */
export type Exposure = 'public-alb' | 'service-connect' | 'none';

/**
 * Everything that differs between Membrane's services. Sources ("docs/sources.md"): "Service Deployment"
 * (images, the services each image runs as, health checks, minimum resources, Prometheus endpoints), "Self-hosting"
 * (the variable that selects a service of the api image, scaling table: fixed 2 for UI, Console, Orchestrator),
 * "Autoscaling Configuration" (maximum replicas),
 * "Frequently Asked Questions" (public vs internal; deploy workers before the API).
 */
export interface ServiceSpec {
  readonly key: ServiceKey;
  /** Construct id: stable, part of every logical ID below it. */
  readonly id: string;
  /** Service name used in logs, DNS and Service Connect. */
  readonly name: string;
  /** Image under `<registry>/core/`. */
  readonly image: 'api' | 'ui' | 'console' | 'custom-code-runner';
  readonly kind: ServiceKind;
  /** The variable that makes the api image run as this service, set to 1 ("Self-hosting" calls these the modes of the api image). */
  readonly serviceFlag?: string;
  readonly exposure: Exposure;
  /** Health check path on the Membrane port. */
  readonly healthPath: string;
  /** Minimum task size ("Service Deployment"). */
  readonly minimum: { readonly cpu: number; readonly memoryMiB: number };
  /** Default task size (the documentation's production recommendation where it gives one). */
  readonly size: { readonly cpu: number; readonly memoryMiB: number };
  /**
   * Whether the service may run on Fargate Spot: it loses a task at two minutes' notice without losing work a retry
   * cannot redo (the job services, whose jobs are retried; the orchestrator, whose standby takes over the lead).
   */
  readonly spotAllowed: boolean;
  /** Deployment order: every service depends on all services of the lower tiers. */
  readonly tier: number;
  /** Listener-rule priorities of a public service: path rules before host-only rules, the API's host last. */
  readonly rulePriority?: { readonly host: number; readonly path?: number };
  /**
   * Application Auto Scaling defaults ("Autoscaling Configuration"): the default maximum, and whether
   * `MembraneScaling` always scales the service (the others only when asked to). None: a fixed count.
   */
  readonly scaling?: { readonly maxCapacity: number; readonly alwaysAutoscaled: boolean };
  /** The Prometheus endpoint and the metrics kept from it for scaling, dashboards and alarms. */
  readonly prometheus?: { readonly path: string; readonly metrics: readonly string[] };
  /** Reports `queued_tasks_worker_busy` on its Prometheus endpoint: protected from scale-in while busy. */
  readonly protectWhileBusy?: boolean;
}

/** The seven services, in deployment order (the order of this table). */
const TABLE = {
  customCodeRunner: {
    id: 'CustomCodeRunner',
    name: 'custom-code-runner',
    image: 'custom-code-runner',
    kind: 'runner',
    exposure: 'service-connect',
    healthPath: '/api/v2/health',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 512, memoryMiB: 2048 },
    spotAllowed: true,
    tier: 0,
    scaling: { maxCapacity: 20, alwaysAutoscaled: true },
    prometheus: { path: '/api/v2/prometheus', metrics: ['custom_code_runner_total_job_spaces', 'custom_code_runner_remaining_job_spaces'] },
  },
  instantTasksWorker: {
    id: 'InstantTasksWorker',
    name: 'instant-tasks-worker',
    image: 'api',
    kind: 'engine',
    serviceFlag: 'IS_INSTANT_TASKS_WORKER',
    exposure: 'none',
    healthPath: '/',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 512, memoryMiB: 2048 },
    spotAllowed: true,
    tier: 1,
    scaling: { maxCapacity: 20, alwaysAutoscaled: true },
    prometheus: { path: '/prometheus/instant-tasks', metrics: ['instant_tasks_worker_utilization_rate'] },
  },
  queuedTasksWorker: {
    id: 'QueuedTasksWorker',
    name: 'queued-tasks-worker',
    image: 'api',
    kind: 'engine',
    serviceFlag: 'IS_QUEUED_TASKS_WORKER',
    exposure: 'none',
    healthPath: '/prometheus/queued-tasks',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 512, memoryMiB: 2048 },
    spotAllowed: true,
    tier: 1,
    scaling: { maxCapacity: 50, alwaysAutoscaled: true },
    prometheus: { path: '/prometheus/queued-tasks', metrics: ['queued_tasks_worker_utilization_rate', 'queued_tasks_worker_busy'] },
    protectWhileBusy: true,
  },
  orchestrator: {
    id: 'Orchestrator',
    name: 'orchestrator',
    image: 'api',
    kind: 'engine',
    serviceFlag: 'IS_ORCHESTRATOR',
    exposure: 'none',
    healthPath: '/',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 512, memoryMiB: 2048 },
    spotAllowed: true,
    tier: 1,
  },
  api: {
    id: 'Api',
    name: 'api',
    image: 'api',
    kind: 'engine',
    serviceFlag: 'IS_API',
    exposure: 'public-alb',
    healthPath: '/',
    minimum: { cpu: 512, memoryMiB: 2048 },
    size: { cpu: 1024, memoryMiB: 4096 },
    spotAllowed: false,
    tier: 2,
    rulePriority: { host: 300 },
    scaling: { maxCapacity: 10, alwaysAutoscaled: true },
    prometheus: {
      path: '/prometheus',
      metrics: ['instant_tasks_jobs_active', 'instant_tasks_jobs_waiting', 'queued_tasks_workers', 'queued_tasks_workers_required'],
    },
  },
  ui: {
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
    rulePriority: { path: 100, host: 200 },
    scaling: { maxCapacity: 5, alwaysAutoscaled: false },
  },
  console: {
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
    rulePriority: { path: 110, host: 210 },
    scaling: { maxCapacity: 5, alwaysAutoscaled: false },
  },
} as const satisfies { readonly [K in ServiceKey]: Omit<ServiceSpec, 'key'> };

/** The keys of the services whose table row matches `Row`. */
type KeysWhere<Row> = { [K in ServiceKey]: (typeof TABLE)[K] extends Row ? K : never }[ServiceKey];

/** A service reached through the public load balancer (api, ui, console): the rows exposed on `'public-alb'`. */
export type PublicServiceKey = KeysWhere<{ readonly exposure: 'public-alb' }>;

/** A service `MembraneScaling` scales only when asked to (ui, console): the rows not always autoscaled. */
export type FrontendServiceKey = KeysWhere<{ readonly scaling: { readonly alwaysAutoscaled: false } }>;

/** The seven services, in deployment order. */
export const SERVICES: readonly ServiceSpec[] = Object.entries(TABLE).map(([key, spec]) => ({ key: key as ServiceKey, ...spec }));

/** Whether a service is reached through the public load balancer. */
export function isPublicService(spec: ServiceSpec): spec is ServiceSpec & { readonly key: PublicServiceKey } {
  return spec.exposure === 'public-alb';
}

/** The services behind the public load balancer, in deployment order (api, ui, console). */
export const PUBLIC_SERVICES = SERVICES.filter(isPublicService);

/** Whether `MembraneScaling` scales a service only when asked to. */
function isFrontendService(spec: ServiceSpec): spec is ServiceSpec & { readonly key: FrontendServiceKey } {
  return spec.scaling?.alwaysAutoscaled === false;
}

/** The keys of the services `MembraneScaling` scales only when asked to, in deployment order (ui, console). */
export const FRONTEND_SERVICE_KEYS = SERVICES.filter(isFrontendService).map(spec => spec.key);

/** The api-image services (api, workers, orchestrator), in deployment order. */
export const ENGINE_SERVICES = SERVICES.filter(spec => spec.kind === 'engine');

/** The spec of one service. */
export function serviceSpecOf(key: ServiceKey): ServiceSpec {
  return { key, ...TABLE[key] };
}

/** A record with one value per service, built in deployment order. */
export function perService<T>(build: (spec: ServiceSpec) => T): Record<ServiceKey, T> {
  return Object.fromEntries(SERVICES.map(spec => [spec.key, build(spec)])) as Record<ServiceKey, T>;
}

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
