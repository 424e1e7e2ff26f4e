import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { serviceSpecOf } from './services-table';
import { IMembraneCache } from '../../cache/cache-base';
import {
  describeValue, known, propError, requireDurations, requireHostedZone, requireProps, requireRange, requireSecrets, requireUsableKey, warn,
  warnOnSuffixLikeSecretName,
} from '../../common/validation';
import { validateLoadBalancerProps } from '../../ingress/private/validation';
import { MembraneAuth } from '../auth';
import { MembraneEcsServicesProps } from '../props';
import { MembraneRegistry, MembraneVersion } from '../version';

/** Checks of the props that are not settings, domain or per-service options, in this order. */
export function validateProps(scope: Construct, props: MembraneEcsServicesProps, registry: string): void {
  requireInputs(scope, props);
  validateCaches(scope, props);
  validateRegistry(scope, registry);
  requireRange(scope, 'http5xxAlarmThreshold', props.http5xxAlarmThreshold, 0, 1_000_000,
    'Give the 5xx responses per minute that should raise the alarm (default 10).');
  validateLoadBalancerProps(scope, props);
  if (known(props.namespaceName) && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(props.namespaceName)) {
    throw propError(scope, 'namespaceName', `'${props.namespaceName}' is not a Cloud Map namespace name`,
      'Use letters, digits, dots, hyphens and underscores, e.g. \'membrane.internal\'.');
  }
  const queuedMemory = props.services?.queuedTasksWorker?.memoryLimitMiB ?? serviceSpecOf('queuedTasksWorker').size.memoryMiB;
  const queuedTaskLimit = props.settings?.maxQueuedTasksMemoryMb;
  if (known(queuedTaskLimit) && known(queuedMemory) && queuedTaskLimit >= queuedMemory) {
    throw propError(scope, 'settings.maxQueuedTasksMemoryMb',
      `${queuedTaskLimit} MB is not below the queued tasks worker's task memory (${queuedMemory} MiB)`,
      'Keep it well below services.queuedTasksWorker.memoryLimitMiB, or give the worker more memory.');
  }
  validateSecretReplicas(scope, props);
  validateTasks(scope, props);
}

/** The required props, the auth mode, the secrets, the zone, the key; a warning for each secret name that looks like an ARN suffix. */
function requireInputs(scope: Construct, props: MembraneEcsServicesProps): void {
  if (!props.auth) {
    throw propError(scope, 'auth', 'no authentication is configured',
      'Set auth to MembraneAuth.auth0({ ... }) or MembraneAuth.usernamePassword({ ... }).');
  }
  requireProps(scope, props, ['version', 'registryCredentials', 'storage', 'cache', 'mongoUri', 'selfHostingToken', 'domain']);
  requireVersion(scope, props.version);
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
}

/** The main cache provides REDIS_URI, a worker cache WORKER_REDIS_URI; a VPC other than the cache's warns. */
function validateCaches(scope: Construct, props: MembraneEcsServicesProps): void {
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
}

/** A registry host without scheme, with an optional port. */
function validateRegistry(scope: Construct, registry: string): void {
  const port = known(registry) ? /^[a-z0-9.-]+(?::(\d+))?(\/[a-z0-9._-]+)*$/.exec(registry) : undefined;
  if (known(registry) && (!port || (port[1] !== undefined && !(Number(port[1]) >= 1 && Number(port[1]) <= 65535)))) {
    throw propError(scope, 'registry', `'${registry}' is not a registry host`,
      `Give a host without scheme, with an optional port from 1 to 65535, e.g. '${MembraneRegistry.GETMEMBRANE}'.`);
  }
}

/** Replica regions of the generated secrets: a list known at synth time, of regions of the stack's partition other than its own. */
function validateSecretReplicas(scope: Construct, props: MembraneEcsServicesProps): void {
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
}

/** The task-protection sidecar's image, the tasks' subnets, and a moving image tag. */
function validateTasks(scope: Construct, props: MembraneEcsServicesProps): void {
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

/** Fails unless `version` is a `MembraneVersion` (a plain string gives no image tag). Shared with `Membrane`. */
export function requireVersion(scope: Construct, version: unknown): void {
  if (version instanceof MembraneVersion) return;
  throw propError(scope, 'version', `${JSON.stringify(version)} is not a MembraneVersion`,
    "Use MembraneVersion.of('2026-01-14') (a plain string gives no image tag).");
}

/** Fails unless `auth` is a `MembraneAuth` (a plain object of Auth0 or SMTP settings is not one). Shared with `Membrane`. */
export function requireAuth(scope: Construct, auth: unknown): void {
  if (auth instanceof MembraneAuth) return;
  throw propError(scope, 'auth', `${describeValue(auth)} is not a MembraneAuth`,
    'Use MembraneAuth.auth0({ domain, clientId, clientSecret }) or MembraneAuth.usernamePassword({ host, password, emailFrom }).');
}

/** The AWS partition of a region code: aws-cn (cn-), aws-us-gov (us-gov-), the isolated ones, else aws. */
function partitionOf(region: string): string {
  const isolated = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (isolated) return `aws-iso${isolated[1] ? `-${isolated[1]}` : ''}`;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
