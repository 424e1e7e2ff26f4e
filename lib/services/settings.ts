import { Duration } from 'aws-cdk-lib';

/**
 * Where Membrane stores connection credentials ("Self-hosting", CONNECTION_CREDENTIALS_STORAGE_TYPE).
 */
export enum MembraneCredentialsStorage {
  /** In MongoDB, encrypted with ENCRYPTION_SECRET (Membrane's default). */
  DATABASE = 'database',
  /** In your own service, reached at `connectionCredentialsEndpointUrl`. */
  EXTERNAL_API = 'external_api',
}

/**
 * A start-up health check Membrane can skip ("Self-hosting on AWS", "Self-hosting", SKIP_HEALTH_CHECKS). A last resort.
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
 * Membrane application settings shared by the api-image services ("Service Deployment", "Self-hosting on AWS", "Self-hosting"). Every value
 * has Membrane's default or its documentation's recommendation for containers; set only what you need to change.
 */
export interface MembraneApplicationSettings {
  /**
   * URL the workers and orchestrator use to call the API (`BASE_URI_INTERNAL`).
   *
   * @default - the API's public URL, as in the example of the "Self-hosting" page
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
   * `NEXT_PUBLIC_ENABLE_LIMITS` on the Console together ("Self-hosting", "Resource Limiting").
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
   * `MONGO_SERVER_SELECTION_TIMEOUT_MS`. "Self-hosting on AWS" recommends 60 s where start-up name resolution is slow.
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
   * `HEALTH_CHECK_RETRIES`: retries of the start-up checks ("Self-hosting on AWS" recommends 5; Membrane's default is 3).
   *
   * @default 5
   */
  readonly startupCheckRetries?: number;

  /**
   * `HEALTH_CHECK_RETRY_DELAY_MS`: first delay between start-up check retries ("Self-hosting on AWS" recommends 2 s).
   *
   * @default Duration.seconds(2)
   */
  readonly startupCheckRetryDelay?: Duration;

  /**
   * `HEALTH_CHECK_MAX_RETRY_DELAY_MS`: cap of the exponential back-off ("Self-hosting on AWS" recommends 30 s).
   *
   * @default Duration.seconds(30)
   */
  readonly startupCheckMaxRetryDelay?: Duration;

  /**
   * `SKIP_HEALTH_CHECKS`: start-up checks to skip. A last resort ("Self-hosting on AWS").
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
