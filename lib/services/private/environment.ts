import { Duration, Token } from 'aws-cdk-lib';
import { DEFAULT_QUEUED_TASK_TIME, STARTUP_DEFAULTS } from './defaults';
import { ServiceSpec } from './services-table';
import { MEMBRANE_PORT } from '../../common/constants';
import { MembraneApplicationSettings } from '../settings';

/** Public URLs of the three public services. */
export interface MembraneUrls {
  readonly api: string;
  readonly ui: string;
  readonly console: string;
}

/** "Service Deployment": on AMD64 the api-image services need 20 GB of virtual memory for WebAssembly. */
export const X86_CUSTOM_CODE_MEMORY_LIMIT = '21474836480';

const PORT = String(MEMBRANE_PORT);

/**
 * The address the api-image services listen on: every interface, as in Membrane's own ECS deployments (awsvpc gives
 * each task its own network interface; the load balancer, Service Connect and the health checks reach the task on it).
 */
export const LISTEN_HOST = '0.0.0.0';

/**
 * Share of an api-image container's memory given to Node.js's old space (`--max-old-space-size`): Node.js's own
 * guidance is 1536 MiB on a 2 GiB machine, "to leave some memory for other uses" (its CLI documentation). The other
 * quarter holds what the limit does not cover: the young generation, code, buffers and WebAssembly memory outside the
 * heap, native allocations and thread stacks. A job that outgrows the heap then fails inside Node.js (a JavaScript
 * out-of-memory error Membrane reports for that job) instead of the kernel killing the whole task.
 */
export const NODE_HEAP_RATIO = 0.75;

/**
 * The plain environment every api-image service shares ("Service Deployment", "Self-hosting on AWS",
 * "Self-hosting"). Storage, cache, auth and secrets are merged in by the caller from their own contracts.
 */
export function engineEnvironment(settings: MembraneApplicationSettings, urls: MembraneUrls,
  customCodeRunnerUri: string, x86: boolean): { [name: string]: string } {
  const env: { [name: string]: string } = {
    NODE_ENV: 'production',
    HOST: LISTEN_HOST,
    PORT,
    BASE_URI: urls.api,
    BASE_URI_INTERNAL: settings.baseUriInternal ?? urls.api,
    CUSTOM_CODE_RUNNER_URI: customCodeRunnerUri,
    MONGO_SERVER_SELECTION_TIMEOUT_MS: ms(settings.mongoServerSelectionTimeout ?? STARTUP_DEFAULTS.mongoServerSelectionTimeout),
    HEALTH_CHECK_RETRIES: String(settings.startupCheckRetries ?? STARTUP_DEFAULTS.retries),
    HEALTH_CHECK_RETRY_DELAY_MS: ms(settings.startupCheckRetryDelay ?? STARTUP_DEFAULTS.retryDelay),
    HEALTH_CHECK_MAX_RETRY_DELAY_MS: ms(settings.startupCheckMaxRetryDelay ?? STARTUP_DEFAULTS.maxRetryDelay),
  };
  const optional: Array<[string, string | undefined]> = [
    ['BASE_WEBHOOKS_URI', settings.baseWebhooksUri],
    ['BASE_OAUTH_CALLBACK_URI', settings.baseOauthCallbackUri],
    ['ENABLE_LIMITS', settings.enableLimits ? 'true' : undefined],
    ['MAX_NODE_RUN_OUTPUT_SIZE_MB', str(settings.maxNodeRunOutputSizeMb)],
    ['CONNECTION_CREDENTIALS_STORAGE_TYPE', settings.connectionCredentialsStorage],
    ['CONNECTION_CREDENTIALS_EXTERNAL_API_ENDPOINT_URL', settings.connectionCredentialsEndpointUrl],
    ['MONGO_MAX_IDLE_TIME_MS', settings.mongoMaxIdleTime && ms(settings.mongoMaxIdleTime)],
    ['MONGO_MIN_POOL_SIZE', str(settings.mongoMinPoolSize)],
    ['MONGO_MAX_POOL_SIZE', str(settings.mongoMaxPoolSize)],
    ['SKIP_HEALTH_CHECKS', settings.skipStartupChecks?.length ? settings.skipStartupChecks.join(',') : undefined],
    ['DEBUG_ALL', settings.debug ? '1' : undefined],
    ['CUSTOM_CODE_MEMORY_LIMIT', x86 ? X86_CUSTOM_CODE_MEMORY_LIMIT : undefined],
  ];
  for (const [name, value] of optional) if (value !== undefined) env[name] = value;
  return env;
}

/**
 * The longest a healthy service may need to start with these settings: every start-up check retried with the
 * exponential back-off ("Self-hosting on AWS"), plus one MongoDB server selection and one Redis connection.
 * Undefined when a value is a token.
 */
export function startupBudget(settings: MembraneApplicationSettings, redisConnectTimeoutMs: number | undefined): Duration | undefined {
  const retries = settings.startupCheckRetries ?? STARTUP_DEFAULTS.retries;
  const first = settings.startupCheckRetryDelay ?? STARTUP_DEFAULTS.retryDelay;
  const most = settings.startupCheckMaxRetryDelay ?? STARTUP_DEFAULTS.maxRetryDelay;
  const mongo = settings.mongoServerSelectionTimeout ?? STARTUP_DEFAULTS.mongoServerSelectionTimeout;
  if ([first, most, mongo].some(d => d.isUnresolved()) || Token.isUnresolved(retries) || redisConnectTimeoutMs === undefined) return undefined;
  let delays = 0;
  for (let i = 0; i < retries; i++) delays += Math.min(first.toMilliseconds() * 2 ** i, most.toMilliseconds());
  return Duration.millis(delays + mongo.toMilliseconds() + redisConnectTimeoutMs);
}

/**
 * The Node.js heap limit for a container with `memoryMiB` of memory (`NODE_HEAP_RATIO` of it, whole MiB). Undefined when
 * the memory is a token: the arithmetic cannot be done at synth time.
 */
export function nodeHeapMiB(memoryMiB: number): number | undefined {
  return Token.isUnresolved(memoryMiB) ? undefined : Math.floor(memoryMiB * NODE_HEAP_RATIO);
}

/**
 * The switch that makes the api image run as this service, and its own variables ("Self-hosting"), and its Node.js heap limit
 * (`NODE_OPTIONS`) when one is given.
 */
export function engineServiceEnvironment(spec: ServiceSpec, settings: MembraneApplicationSettings, keepAliveMs: string,
  heapMiB?: number): { [name: string]: string } {
  const heap: { [name: string]: string } = heapMiB === undefined ? {} : { NODE_OPTIONS: `--max-old-space-size=${heapMiB}` };
  switch (spec.key) {
    case 'api': return { IS_API: '1', HEADERS_TIMEOUT_MS: keepAliveMs, KEEPALIVE_TIMEOUT_MS: keepAliveMs, ...heap };
    case 'queuedTasksWorker': return {
      IS_QUEUED_TASKS_WORKER: '1',
      MAX_QUEUED_TASKS_MEMORY_MB: String(settings.maxQueuedTasksMemoryMb ?? 1024),
      MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS: String((settings.maxQueuedTasksProcessTime ?? DEFAULT_QUEUED_TASK_TIME).toSeconds()),
      ...heap,
    };
    default: return { [spec.serviceFlag!]: '1', ...heap };
  }
}

/** "Self-hosting": UI service. */
export function uiEnvironment(urls: MembraneUrls, basePath: string | undefined, debug: boolean): { [name: string]: string } {
  return {
    PORT,
    NEXT_PUBLIC_ENGINE_URI: urls.api,
    ...(basePath ? { BASE_PATH: basePath } : {}),
    ...(debug ? { DEBUG_ALL: '1' } : {}),
  };
}

/** "Self-hosting": Console service. Auth0 values come from the auth mode (none for username/password). */
export function consoleEnvironment(urls: MembraneUrls, basePath: string | undefined, settings: MembraneApplicationSettings,
  auth: { [name: string]: string }): { [name: string]: string } {
  return {
    PORT,
    NEXT_PUBLIC_BASE_URI: urls.console,
    NEXT_PUBLIC_ENGINE_API_URI: urls.api,
    NEXT_PUBLIC_ENGINE_UI_URI: urls.ui,
    ...auth,
    ...(settings.enableLimits ? { NEXT_PUBLIC_ENABLE_LIMITS: 'true' } : {}),
    ...(basePath ? { BASE_PATH: basePath } : {}),
    ...(settings.debug ? { DEBUG_ALL: '1' } : {}),
  };
}

/** "Service Deployment": the custom code runner only needs its port. */
export function customCodeRunnerEnvironment(debug: boolean): { [name: string]: string } {
  return { PORT, ...(debug ? { DEBUG_ALL: '1' } : {}) };
}

function ms(duration: Duration): string {
  return String(duration.toMilliseconds());
}

function str(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}
