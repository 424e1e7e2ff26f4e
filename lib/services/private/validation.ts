import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { MembraneAuth } from '../auth';
import { STARTUP_DEFAULTS } from './defaults';
import { isFargateSize, modeOf, MODES, ModeSpec } from './modes';
import { MIN_PRODUCTION_TASKS, SECRET_NAME_PATTERN } from '../../common/constants';
import { IMembraneCache, MembraneEnvironmentContract } from '../../common/environment';
import {
  describeValue, known, propError, requireDurations, requireHostedZone, requireInteger, requireNumber, requireOrdered, requireProps, requireRange,
  requireSecrets, requireUsableKey, requireWholeDuration, warn, warnOnSuffixLikeSecretName,
} from '../../common/validation';
import { validateLoadBalancerProps } from '../../ingress/private/validation';
import { MembraneExtraEnvironment, MembraneServiceOptions } from '../options';
import { MembraneEcsServicesProps } from '../props';
import { MembraneApplicationSettings, MembraneCredentialsStorage, MembraneStartupCheck } from '../settings';
import { MembraneRegistry, MembraneVersion } from '../version';

/** The shortest MONGO_SERVER_SELECTION_TIMEOUT_MS accepted: one second. */
const MIN_MONGO_SELECTION_MS = 1000;

/** Values that are credentials whatever their variable is called. */
const CREDENTIAL_VALUES = [
  { pattern: /:\/\/[^/\s:@]+:[^/\s@]+@/, what: 'is a URI with a password in it' },
  { pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/, what: 'looks like an AWS access key' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'is a private key' },
];

/** Checks of the props that are not settings, domain or per-service options. */
export function validateProps(scope: Construct, props: MembraneEcsServicesProps, registry: string): void {
  if (!props.auth) {
    throw propError(scope, 'auth', 'no authentication is configured',
      'Set auth to MembraneAuth.auth0({ ... }) or MembraneAuth.usernamePassword({ ... }).');
  }
  requireProps(scope, props, ['version', 'registryCredentials', 'storage', 'cache', 'mongoUri', 'selfHostingToken', 'domain']);
  if (!(props.version instanceof MembraneVersion)) {
    throw propError(scope, 'version', `${JSON.stringify(props.version)} is not a MembraneVersion`,
      "Use MembraneVersion.of('2026-01-14') (a plain string gives no image tag).");
  }
  requireAuth(scope, props.auth);
  requireSecrets(scope, {
    registryCredentials: props.registryCredentials,
    mongoUri: props.mongoUri,
    selfHostingToken: props.selfHostingToken,
    jwtSecret: props.jwtSecret,
    encryptionSecret: props.encryptionSecret,
  });
  requireHostedZone(scope, 'domain.zone', props.domain.zone);
  requireDurations(scope, { loadBalancerIdleTimeout: props.loadBalancerIdleTimeout });
  requireUsableKey(scope, 'encryptionKey', props.encryptionKey);
  for (const prop of ['registryCredentials', 'mongoUri', 'selfHostingToken', 'jwtSecret', 'encryptionSecret'] as const) {
    warnOnSuffixLikeSecretName(scope, prop, props[prop]);
  }
  const provides = (cache: IMembraneCache, prefix: string) =>
    [`${prefix}_URI`, `${prefix}_CLUSTER_URI_1`].some(name => name in cache.environmentContract.secrets);
  if (!provides(props.cache, 'REDIS')) {
    throw propError(scope, 'cache', 'it is a worker cache (it provides WORKER_REDIS_URI), so no service would get REDIS_URI',
      'Give the main cache here (role MembraneCacheRole.MAIN, the default) and the worker cache as workerCache.');
  }
  if (props.workerCache && !provides(props.workerCache, 'WORKER_REDIS')) {
    throw propError(scope, 'workerCache.role', 'the worker cache provides REDIS_URI, which the main cache already provides',
      'Create the worker cache with role: MembraneCacheRole.WORKER, so it provides WORKER_REDIS_URI.');
  }
  if (props.vpc && props.vpc !== props.cache.vpc) {
    warn(scope, 'vpcDiffersFromCache', 'vpc is not the cache\'s VPC: the tasks reach Redis only if the two VPCs are connected and routed.');
  }
  const port = known(registry) ? /^[a-z0-9.-]+(?::(\d+))?(\/[a-z0-9._-]+)*$/.exec(registry) : undefined;
  if (known(registry) && (!port || (port[1] !== undefined && !(Number(port[1]) >= 1 && Number(port[1]) <= 65535)))) {
    throw propError(scope, 'registry', `'${registry}' is not a registry host`,
      `Give a host without scheme, with an optional port from 1 to 65535, e.g. '${MembraneRegistry.GETMEMBRANE}'.`);
  }
  requireRange(scope, 'http5xxAlarmThreshold', props.http5xxAlarmThreshold, 0, 1_000_000,
    'Give the 5xx responses per minute that should raise the alarm (default 10).');
  validateLoadBalancerProps(scope, props);
  if (known(props.namespaceName) && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(props.namespaceName)) {
    throw propError(scope, 'namespaceName', `'${props.namespaceName}' is not a Cloud Map namespace name`,
      'Use letters, digits, dots, hyphens and underscores, e.g. \'membrane.internal\'.');
  }
  const queuedMemory = props.services?.queuedTasksWorker?.memoryLimitMiB ?? modeOf('queuedTasksWorker').size.memoryMiB;
  const queuedTaskLimit = props.settings?.maxQueuedTasksMemoryMb;
  if (known(queuedTaskLimit) && known(queuedMemory) && queuedTaskLimit >= queuedMemory) {
    throw propError(scope, 'settings.maxQueuedTasksMemoryMb',
      `${queuedTaskLimit} MB is not below the queued tasks worker's task memory (${queuedMemory} MiB)`,
      'Keep it well below services.queuedTasksWorker.memoryLimitMiB, or give the worker more memory.');
  }
  const replicas = props.secretReplicaRegions;
  if (replicas !== undefined && Token.isUnresolved(replicas)) {
    throw propError(scope, 'secretReplicaRegions', 'the list is known only at deploy time, but CloudFormation takes one replica object per region',
      'Give the list itself at synth time; each region in it may still be a token, e.g. [regionParameter.valueAsString].');
  }
  if (replicas !== undefined) {
    if (props.jwtSecret && props.encryptionSecret) {
      throw propError(scope, 'secretReplicaRegions', 'both jwtSecret and encryptionSecret are brought, so no secret is generated here to replicate',
        'Replicate the brought secrets where they are created, or remove secretReplicaRegions.');
    }
    const stackRegion = Stack.of(scope).region;
    replicas.forEach((region, i) => {
      if (!known(region)) return;
      if (!/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/.test(region)) {
        throw propError(scope, 'secretReplicaRegions', `'${region}' is not an AWS region`, 'Give region codes such as \'eu-west-1\'.');
      }
      // A replica's ARN is the primary's with another region ("Replicate AWS Secrets Manager secrets across Regions"): same partition.
      if (known(stackRegion) && partitionOf(region) !== partitionOf(stackRegion)) {
        throw propError(scope, 'secretReplicaRegions', `'${region}' is in the ${partitionOf(region)} partition, and the stack's region `
          + `${stackRegion} in ${partitionOf(stackRegion)}: Secrets Manager replicates within a partition only`,
        `Give regions of the ${partitionOf(stackRegion)} partition; create the secrets in the other partition with a deployment there.`);
      }
      if (region === stackRegion || replicas.indexOf(region) !== i) {
        throw propError(scope, 'secretReplicaRegions', `'${region}' is ${region === stackRegion ? 'the stack\'s own region' : 'given twice'}`,
          'Give each replica region once, and only regions other than the stack\'s.');
      }
    });
  }
  if (props.queuedTaskProtection === false && props.taskProtectionImage !== undefined) {
    throw propError(scope, 'taskProtectionImage', 'it is set but queuedTaskProtection is false, so no sidecar uses it',
      'Remove taskProtectionImage, or leave queuedTaskProtection on.');
  }
  if (known(props.taskProtectionImage) && !/^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/.test(props.taskProtectionImage)) {
    throw propError(scope, 'taskProtectionImage', `'${props.taskProtectionImage}' is not an image reference with a registry and a tag`,
      'Give <registry>/<repository>:<tag> or @sha256:<digest>, e.g. \'public.ecr.aws/docker/library/node:22.12.0-alpine3.20\'.');
  }
  if (props.taskSubnets?.subnetType === ec2.SubnetType.PUBLIC) {
    throw propError(scope, 'taskSubnets', 'the tasks get no public IP, so in public subnets they can never pull their images',
      'Use private subnets with a NAT gateway (the default, PRIVATE_WITH_EGRESS).');
  }
  if (props.version.isMutable) {
    warn(scope, 'mutableImageTag', `version '${props.version.tag}' is a moving tag: a redeploy may change the running release and ECS cannot roll `
      + 'back to the previous image. Use an immutable tag such as MembraneVersion.of(\'2026-01-14\') ("Self-hosting").');
  }
}

/**
 * Checks one service's size, count and Spot choice. Errors name the prop under `scope` (the services construct);
 * warnings go on the service's own construct.
 */
export function validateServiceOptions(scope: Construct, serviceScope: Construct, mode: ModeSpec, options: MembraneServiceOptions,
  size: { cpu: number; memoryLimitMiB: number; desiredCount: number }): void {
  const { cpu, memoryLimitMiB, desiredCount } = size;
  const prop = `services.${mode.key}`;
  requireNumber(scope, `${prop}.cpu`, cpu, mode.size.cpu);
  requireNumber(scope, `${prop}.memoryLimitMiB`, memoryLimitMiB, mode.size.memoryMiB);
  validateHealthCheckCommand(scope, mode, options.healthCheckCommand);
  if (known(cpu) && known(memoryLimitMiB) && !isFargateSize(cpu, memoryLimitMiB)) {
    throw propError(scope, `${prop}.cpu/memoryLimitMiB`, `${cpu} CPU units with ${memoryLimitMiB} MiB is not a Fargate task size`,
      'See the Fargate task size table; e.g. 512 CPU allows 1024-4096 MiB, 1024 CPU allows 2048-8192 MiB.');
  }
  if ((known(cpu) && cpu < mode.minimum.cpu) || (known(memoryLimitMiB) && memoryLimitMiB < mode.minimum.memoryMiB)) {
    warn(serviceScope, 'belowMinimumSize', `${mode.name} gets ${cpu} CPU / ${memoryLimitMiB} MiB, below Membrane's minimum of ${mode.minimum.cpu} / `
      + `${mode.minimum.memoryMiB} ("Service Deployment").`);
  }
  requireInteger(scope, `${prop}.desiredCount`, desiredCount, 0, 1000);
  if (mode.key === 'orchestrator' && known(desiredCount) && desiredCount < MIN_PRODUCTION_TASKS) {
    warn(serviceScope, 'orchestratorSingleInstance', `The orchestrator runs fewer than ${MIN_PRODUCTION_TASKS} tasks: schedules and syncs stop while `
      + `its only task is replaced ("Self-hosting" recommends ${MIN_PRODUCTION_TASKS}).`);
  }
  if (options.spot && !mode.spotAllowed) {
    throw propError(scope, `${prop}.spot`, `Fargate Spot is not offered for ${mode.name}`,
      `Spot is for the services that tolerate losing a task at two minutes' notice (${MODES.filter(m => m.spotAllowed).map(m => m.name).join(', ')}) `
      + 'only; remove spot from this service.');
  }
}

/** Checks a service's extra environment and secrets against what the library manages. */
export function checkedExtras(scope: Construct, mode: ModeSpec, options: MembraneExtraEnvironment, managed: MembraneEnvironmentContract,
  forbiddenVariables: string[], source = `services.${mode.key}`): MembraneEnvironmentContract {
  const environment = options.environment ?? {};
  const secrets = options.secrets ?? {};
  for (const name of [...Object.keys(environment), ...Object.keys(secrets)]) {
    const prop = `${source}.${name in environment ? 'environment' : 'secrets'}.${name}`;
    if (forbiddenVariables.includes(name)) {
      throw propError(scope, prop, `${name} belongs to the other authentication mode than the one in 'auth'`,
        'Use exactly one of MembraneAuth.auth0 and MembraneAuth.usernamePassword, and set its values there.');
    }
    if (name in managed.environment || name in managed.secrets) {
      throw propError(scope, prop, `${name} is managed by membrane-cdk`, 'Set it through the construct\'s props instead (settings, domain, storage, '
        + 'cache, auth).');
    }
  }
  for (const [name, value] of Object.entries(environment)) {
    const credential = known(value) ? CREDENTIAL_VALUES.find(c => c.pattern.test(value)) : undefined;
    if (credential) {
      throw propError(scope, `${source}.environment.${name}`, `the value ${credential.what} and would be stored in plain text in the `
        + 'template', `Pass it in ${source}.secrets as an ecs.Secret instead.`);
    }
    if (SECRET_NAME_PATTERN.test(name)) {
      throw propError(scope, `${source}.environment.${name}`, `${name} looks like a credential and would be stored in plain text in the `
        + 'template',
      `Pass it in ${source}.secrets as an ecs.Secret instead.`);
    }
  }
  return { environment, secrets };
}

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

/** Fails unless `auth` is a `MembraneAuth` (a plain object of Auth0 or SMTP settings is not one). */
export function requireAuth(scope: Construct, auth: unknown): void {
  if (auth instanceof MembraneAuth) return;
  throw propError(scope, 'auth', `${describeValue(auth)} is not a MembraneAuth`,
    'Use MembraneAuth.auth0({ domain, clientId, clientSecret }) or MembraneAuth.usernamePassword({ host, password, emailFrom }).');
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

/**
 * A container health check command: ECS runs it for the services not behind the load balancer. An empty command (or
 * `CMD` / `CMD-SHELL` alone) never succeeds, so ECS would replace every task; on a service behind the load balancer it
 * would be silently ignored (the load balancer checks its health path).
 */
function validateHealthCheckCommand(scope: Construct, mode: ModeSpec, command: string[] | undefined): void {
  if (command === undefined) return;
  const prop = `services.${mode.key}.healthCheckCommand`;
  if (mode.exposure === 'public-alb') {
    throw propError(scope, prop, `${mode.name} is behind the load balancer, whose health check of its path decides, so the command would be ignored`,
      'Remove it; container health check commands apply to the workers, the orchestrator and the custom code runner.');
  }
  if (!Array.isArray(command)) {
    throw propError(scope, prop, `${describeValue(command)} is not a list of strings`, 'Give e.g. [\'CMD-SHELL\', \'curl -f http://localhost:5000/ || exit 1\'].');
  }
  const args = ['CMD', 'CMD-SHELL'].includes(command[0]) ? command.slice(1) : command;
  if (!args.some(arg => !known(arg) || (typeof arg === 'string' && arg.trim() !== ''))) {
    throw propError(scope, prop, `${JSON.stringify(command)} runs no command, so the check would never pass and ECS would replace every task`,
      'Give [\'CMD\', <program>, <args>...] or [\'CMD-SHELL\', \'<shell command>\'], or leave it out for the default HTTP check.');
  }
}

/** The AWS partition of a region code: aws-cn (cn-), aws-us-gov (us-gov-), the isolated ones, else aws. */
function partitionOf(region: string): string {
  const isolated = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (isolated) return `aws-iso${isolated[1] ? `-${isolated[1]}` : ''}`;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
