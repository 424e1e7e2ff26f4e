import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { STARTUP_DEFAULTS } from './defaults';
import { propError, requireDurations, requireInteger, requireOrdered, requireWholeDuration, warn } from '../../common/validation';
import { MembraneApplicationSettings, MembraneCredentialsStorage, MembraneStartupCheck } from '../settings';

/** The shortest MONGO_SERVER_SELECTION_TIMEOUT_MS accepted: one second. */
const MIN_MONGO_SELECTION_MS = 1000;

/** Cross-field checks of the application settings. */
export function validateSettings(scope: Construct, settings: MembraneApplicationSettings): void {
  requireDurations(scope, {
    'settings.mongoServerSelectionTimeout': settings.mongoServerSelectionTimeout,
    'settings.mongoMaxIdleTime': settings.mongoMaxIdleTime,
    'settings.startupCheckRetryDelay': settings.startupCheckRetryDelay,
    'settings.startupCheckMaxRetryDelay': settings.startupCheckMaxRetryDelay,
    'settings.maxQueuedTasksProcessTime': settings.maxQueuedTasksProcessTime,
  });
  // "Self-hosting": MongoDB's own default is 30 s and 60 s is recommended where start-up name resolution is slow; below a
  // second, no server is ever selected and the start-up check fails at every retry.
  requireWholeDuration(scope, 'settings.mongoServerSelectionTimeout', settings.mongoServerSelectionTimeout, 'milliseconds', MIN_MONGO_SELECTION_MS,
    'MONGO_SERVER_SELECTION_TIMEOUT_MS must leave time to find a server: give at least Duration.seconds(1); "Self-hosting" recommends '
    + 'Duration.seconds(60) in containers (MongoDB\'s default is 30 s).');
  requireWholeDuration(scope, 'settings.mongoMaxIdleTime', settings.mongoMaxIdleTime, 'milliseconds');
  const external = settings.connectionCredentialsStorage === MembraneCredentialsStorage.EXTERNAL_API;
  if (external && !settings.connectionCredentialsEndpointUrl) {
    throw propError(scope, 'settings.connectionCredentialsEndpointUrl', 'it is required when connectionCredentialsStorage is EXTERNAL_API',
      'Give the URL of your credentials API, or use MembraneCredentialsStorage.DATABASE.');
  }
  if (!external && settings.connectionCredentialsEndpointUrl) {
    throw propError(scope, 'settings.connectionCredentialsEndpointUrl', 'it is only used when connectionCredentialsStorage is EXTERNAL_API',
      'Set connectionCredentialsStorage to MembraneCredentialsStorage.EXTERNAL_API, or remove the URL.');
  }
  for (const [name, value] of [
    ['settings.baseUriInternal', settings.baseUriInternal], ['settings.baseWebhooksUri', settings.baseWebhooksUri],
    ['settings.baseOauthCallbackUri', settings.baseOauthCallbackUri], ['settings.connectionCredentialsEndpointUrl',
      settings.connectionCredentialsEndpointUrl],
  ] as const) {
    if (value !== undefined && !Token.isUnresolved(value) && !/^https?:\/\/[^\s/]+/.test(value)) {
      throw propError(scope, name, `'${value}' is not an http(s) URL`, 'Give an absolute URL such as https://webhooks.example.com.');
    }
  }
  requireInteger(scope, 'settings.mongoMinPoolSize', settings.mongoMinPoolSize, 0, 10000);
  requireInteger(scope, 'settings.mongoMaxPoolSize', settings.mongoMaxPoolSize, 1, 10000);
  requireOrdered(scope, 'settings.mongoMinPoolSize', settings.mongoMinPoolSize, 'mongoMaxPoolSize', settings.mongoMaxPoolSize,
    'Keep the minimum pool size at or below the maximum.');
  requireInteger(scope, 'settings.startupCheckRetries', settings.startupCheckRetries, 0, 100);
  validateStartupDelays(scope, settings);
  const processTime = settings.maxQueuedTasksProcessTime;
  if (processTime && !processTime.isUnresolved() && (processTime.toMilliseconds() % 1000 !== 0 || processTime.toMilliseconds() < 1000)) {
    throw propError(scope, 'settings.maxQueuedTasksProcessTime', `${processTime.toHumanString()} is not a whole number of seconds`,
      'MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS takes seconds: use Duration.seconds(n) or Duration.minutes(n).');
  }
  requireInteger(scope, 'settings.maxNodeRunOutputSizeMb', settings.maxNodeRunOutputSizeMb, 1, 1024);
  requireInteger(scope, 'settings.maxQueuedTasksMemoryMb', settings.maxQueuedTasksMemoryMb, 128, 120000);
  const skip = settings.skipStartupChecks ?? [];
  if (skip.includes(MembraneStartupCheck.ALL) && skip.length > 1) {
    throw propError(scope, 'settings.skipStartupChecks', `'all' combined with ${skip.filter(s => s !== MembraneStartupCheck.ALL).join(', ')}`,
      'Give either MembraneStartupCheck.ALL alone or a list of individual checks.');
  }
  if (skip.length > 0) {
    warn(scope, 'skipStartupChecks', `Start-up checks skipped (${skip.join(',')}): "Self-hosting on AWS" calls this a last resort; prefer longer `
      + 'retries.');
  }
}

/**
 * The start-up back-off ("Self-hosting on AWS": first delay 2 s, cap 30 s): whole milliseconds, and the first delay not
 * above the cap, also when only one of the two is given (the other then has its default).
 */
function validateStartupDelays(scope: Construct, settings: MembraneApplicationSettings): void {
  requireWholeDuration(scope, 'settings.startupCheckRetryDelay', settings.startupCheckRetryDelay, 'milliseconds', 1);
  requireWholeDuration(scope, 'settings.startupCheckMaxRetryDelay', settings.startupCheckMaxRetryDelay, 'milliseconds', 1);
  const first = settings.startupCheckRetryDelay ?? STARTUP_DEFAULTS.retryDelay;
  const most = settings.startupCheckMaxRetryDelay ?? STARTUP_DEFAULTS.maxRetryDelay;
  if (first.isUnresolved() || most.isUnresolved() || first.toMilliseconds() <= most.toMilliseconds()) return;
  const fix = 'The first delay of the back-off must not exceed its cap ("Self-hosting on AWS": 2 s and 30 s).';
  if (settings.startupCheckRetryDelay) {
    const cap = settings.startupCheckMaxRetryDelay ? '' : ' (its default)';
    throw propError(scope, 'settings.startupCheckRetryDelay',
      `${first.toHumanString()} is above startupCheckMaxRetryDelay ${most.toHumanString()}${cap}`,
      settings.startupCheckMaxRetryDelay ? fix : `${fix} Raise settings.startupCheckMaxRetryDelay with it, or lower this.`);
  }
  throw propError(scope, 'settings.startupCheckMaxRetryDelay', `${most.toHumanString()} is below startupCheckRetryDelay ${first.toHumanString()} `
    + '(its default)', `${fix} Lower settings.startupCheckRetryDelay with it, or raise this.`);
}
