import { Duration } from 'aws-cdk-lib';

/**
 * Where Membrane stores connection credentials (seed 003, CONNECTION_CREDENTIALS_STORAGE_TYPE).
 */
export enum MembraneCredentialsStorage {
  /** In MongoDB, encrypted with ENCRYPTION_SECRET (Membrane's default). */
  DATABASE = 'database',
  /** In your own service, reached at `connectionCredentialsEndpointUrl`. */
  EXTERNAL_API = 'external_api',
}

/**
 * A start-up health check Membrane can skip (seed 002/003, SKIP_HEALTH_CHECKS). A last resort.
 */
export enum MembraneStartupCheck {
  /** Skip every start-up check. */
  ALL = 'all',
  /** MongoDB connectivity. */
  MONGO = 'mongo',
  /** Redis connectivity. */
  REDIS = 'redis',
  /** Storage bucket access. */
  STORAGE = 'storage',
  /** Custom code runner reachability. */
  CUSTOM_CODE = 'custom_code',
}

/**
 * Membrane application settings shared by the api-image services (seeds 001, 002, 003). Every value
 * has Membrane's default or the seeds' recommendation for containers; set only what you need to change.
 */
export interface MembraneApplicationSettings {
  /**
   * URL the workers and orchestrator use to call the API (`BASE_URI_INTERNAL`).
   *
   * @default - the API's public URL, as in seed 003's example
   */
  readonly baseUriInternal?: string;

  /**
   * Public base URL for webhook endpoints when it differs from the API URL (`BASE_WEBHOOKS_URI`).
   *
   * @default - not set: webhooks use the API URL
   */
  readonly baseWebhooksUri?: string;

  /**
   * Public base URL for OAuth callbacks when it differs from the API URL (`BASE_OAUTH_CALLBACK_URI`).
   *
   * @default - not set: OAuth callbacks use the API URL
   */
  readonly baseOauthCallbackUri?: string;

  /**
   * Workspace and tenant resource limits: sets `ENABLE_LIMITS` on the api-image services and
   * `NEXT_PUBLIC_ENABLE_LIMITS` on the Console together (seed 003, "Resource Limiting").
   *
   * @default false
   */
  readonly enableLimits?: boolean;

  /**
   * Maximum size of a node run's output in MB (`MAX_NODE_RUN_OUTPUT_SIZE_MB`).
   *
   * @default - Membrane's default (20)
   */
  readonly maxNodeRunOutputSizeMb?: number;

  /**
   * Where connection credentials are stored (`CONNECTION_CREDENTIALS_STORAGE_TYPE`).
   *
   * @default MembraneCredentialsStorage.DATABASE
   */
  readonly connectionCredentialsStorage?: MembraneCredentialsStorage;

  /**
   * Endpoint of the external credentials API; required with `EXTERNAL_API`
   * (`CONNECTION_CREDENTIALS_EXTERNAL_API_ENDPOINT_URL`).
   *
   * @default - none
   */
  readonly connectionCredentialsEndpointUrl?: string;

  /**
   * `MONGO_SERVER_SELECTION_TIMEOUT_MS`. Seed 002 recommends 60 s where start-up name resolution is slow.
   *
   * @default Duration.seconds(60)
   */
  readonly mongoServerSelectionTimeout?: Duration;

  /**
   * `MONGO_MAX_IDLE_TIME_MS`: how long a pooled connection may stay idle.
   *
   * @default - Membrane's default (0: never closed)
   */
  readonly mongoMaxIdleTime?: Duration;

  /**
   * `MONGO_MIN_POOL_SIZE`.
   *
   * @default - Membrane's default (0)
   */
  readonly mongoMinPoolSize?: number;

  /**
   * `MONGO_MAX_POOL_SIZE`. Multiply by the maximum task count to size your MongoDB connection limit.
   *
   * @default - Membrane's default (100)
   */
  readonly mongoMaxPoolSize?: number;

  /**
   * `HEALTH_CHECK_RETRIES`: retries of the start-up checks (seed 002 recommends 5; Membrane's default is 3).
   *
   * @default 5
   */
  readonly startupCheckRetries?: number;

  /**
   * `HEALTH_CHECK_RETRY_DELAY_MS`: first delay between start-up check retries (seed 002 recommends 2 s).
   *
   * @default Duration.seconds(2)
   */
  readonly startupCheckRetryDelay?: Duration;

  /**
   * `HEALTH_CHECK_MAX_RETRY_DELAY_MS`: cap of the exponential back-off (seed 002 recommends 30 s).
   *
   * @default Duration.seconds(30)
   */
  readonly startupCheckMaxRetryDelay?: Duration;

  /**
   * `SKIP_HEALTH_CHECKS`: start-up checks to skip. A last resort (seed 002).
   *
   * @default - none skipped
   */
  readonly skipStartupChecks?: MembraneStartupCheck[];

  /**
   * `DEBUG_ALL=1` on every Membrane container: verbose logs for troubleshooting.
   *
   * @default false
   */
  readonly debug?: boolean;

  /**
   * `MAX_QUEUED_TASKS_MEMORY_MB`: memory limit of one queued task. Keep the queued worker's task memory
   * comfortably above it.
   *
   * @default 1024
   */
  readonly maxQueuedTasksMemoryMb?: number;

  /**
   * `MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS`: time limit of one queued task.
   *
   * @default Duration.seconds(3000)
   */
  readonly maxQueuedTasksProcessTime?: Duration;
}

/** Names of variables that carry credentials and must reach containers as ECS secrets only. */
export const SECRET_NAME_PATTERN = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CONNECTION_STRING|^MONGO_URI$|REDIS(_CLUSTER)?_URI)/;

/** Public URLs of the three public services. */
export interface MembraneUrls {
  readonly api: string;
  readonly ui: string;
  readonly console: string;
}

/** HEADERS_TIMEOUT_MS and KEEPALIVE_TIMEOUT_MS of the API (seed 003). The ALB idle timeout stays below. */
export const API_KEEPALIVE_MS = 61000;

/** Seed 001: on AMD64 the api-image services need 20 GB of virtual memory for WebAssembly. */
export const X86_CUSTOM_CODE_MEMORY_LIMIT = '21474836480';

/**
 * The plain environment every api-image service shares (seeds 001, 002, 003). Storage, cache, auth and
 * secrets are merged in by the caller from their own contracts.
 */
export function engineEnvironment(settings: MembraneApplicationSettings, urls: MembraneUrls,
  customCodeRunnerUri: string, x86: boolean): { [name: string]: string } {
  const env: { [name: string]: string } = {
    NODE_ENV: 'production',
    PORT: '5000',
    BASE_URI: urls.api,
    BASE_URI_INTERNAL: settings.baseUriInternal ?? urls.api,
    CUSTOM_CODE_RUNNER_URI: customCodeRunnerUri,
    MONGO_SERVER_SELECTION_TIMEOUT_MS: ms(settings.mongoServerSelectionTimeout ?? Duration.seconds(60)),
    HEALTH_CHECK_RETRIES: String(settings.startupCheckRetries ?? 5),
    HEALTH_CHECK_RETRY_DELAY_MS: ms(settings.startupCheckRetryDelay ?? Duration.seconds(2)),
    HEALTH_CHECK_MAX_RETRY_DELAY_MS: ms(settings.startupCheckMaxRetryDelay ?? Duration.seconds(30)),
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

/** Seed 003: API mode. */
export function apiModeEnvironment(): { [name: string]: string } {
  return { IS_API: '1', HEADERS_TIMEOUT_MS: String(API_KEEPALIVE_MS), KEEPALIVE_TIMEOUT_MS: String(API_KEEPALIVE_MS) };
}

/** Seed 003: queued tasks worker mode with its task limits. */
export function queuedWorkerModeEnvironment(settings: MembraneApplicationSettings): { [name: string]: string } {
  return {
    IS_QUEUED_TASKS_WORKER: '1',
    MAX_QUEUED_TASKS_MEMORY_MB: String(settings.maxQueuedTasksMemoryMb ?? 1024),
    MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS: String((settings.maxQueuedTasksProcessTime ?? Duration.seconds(3000)).toSeconds()),
  };
}

/** Seed 003: UI service. */
export function uiEnvironment(urls: MembraneUrls, basePath: string | undefined, debug: boolean): { [name: string]: string } {
  return {
    PORT: '5000',
    NEXT_PUBLIC_ENGINE_URI: urls.api,
    ...(basePath ? { BASE_PATH: basePath } : {}),
    ...(debug ? { DEBUG_ALL: '1' } : {}),
  };
}

/** Seed 003: Console service. Auth0 values come from the auth mode (none for username/password). */
export function consoleEnvironment(urls: MembraneUrls, basePath: string | undefined, settings: MembraneApplicationSettings,
  auth: { [name: string]: string }): { [name: string]: string } {
  return {
    PORT: '5000',
    NEXT_PUBLIC_BASE_URI: urls.console,
    NEXT_PUBLIC_ENGINE_API_URI: urls.api,
    NEXT_PUBLIC_ENGINE_UI_URI: urls.ui,
    ...auth,
    ...(settings.enableLimits ? { NEXT_PUBLIC_ENABLE_LIMITS: 'true' } : {}),
    ...(basePath ? { BASE_PATH: basePath } : {}),
    ...(settings.debug ? { DEBUG_ALL: '1' } : {}),
  };
}

/** Seed 001: the custom code runner only needs its port. */
export function customCodeRunnerEnvironment(debug: boolean): { [name: string]: string } {
  return { PORT: '5000', ...(debug ? { DEBUG_ALL: '1' } : {}) };
}

function ms(duration: Duration): string {
  return String(duration.toMilliseconds());
}

function str(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}
