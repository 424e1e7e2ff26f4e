import { Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DEFAULT_QUEUED_TASK_TIME, STARTUP_GRACE, TASK_PROTECTION_SIZE } from './defaults';
import { NODE_HEAP_RATIO, nodeHeapMiB, startupBudget } from './environment';
import { isPublicService, ServiceSpec } from './services-table';
import { IMembraneCache } from '../../cache/cache-base';
import { KEEPALIVE_MARGIN_MS } from '../../common/constants';
import { mergeEnvironmentContracts } from '../../common/contract';
import { MembraneEnvironmentContract } from '../../common/environment';
import { known, warn } from '../../common/validation';
import { DEFAULT_IDLE_TIMEOUT } from '../../ingress/private/defaults';
import { Routes } from '../../ingress/private/routing';
import { MembraneEcsServicesProps } from '../props';

/** Values `MembraneEcsServices` derives from its props, one function each. */

/**
 * Cloud Map namespace names are unique per account and region: derive the default from the stack name (unique
 * per region) and the construct id, so two environments or two stacks never collide.
 */
export function defaultNamespace(scope: Construct): string {
  const label = `${Stack.of(scope).stackName}-${scope.node.id}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
  return `${label}.membrane.internal`;
}

/**
 * The main and the worker cache's environment. Both set REDIS_CONNECT_TIMEOUT_MS, one variable for both
 * connections: it gets the longer of the two timeouts, which is safe for either cache.
 */
export function cachesContract(main: IMembraneCache, worker?: IMembraneCache): MembraneEnvironmentContract {
  if (!worker) return main.environmentContract;
  const [a, b] = [main.environmentContract, worker.environmentContract];
  const timeouts = [a, b].map(c => c.environment.REDIS_CONNECT_TIMEOUT_MS);
  const timeout = timeouts.every(t => known(t) && /^\d+$/.test(t))
    ? String(Math.max(...timeouts.map(Number)))
    : a.environment.REDIS_CONNECT_TIMEOUT_MS;
  return mergeEnvironmentContracts(
    { environment: { ...a.environment, REDIS_CONNECT_TIMEOUT_MS: timeout }, secrets: a.secrets },
    { environment: { ...b.environment, REDIS_CONNECT_TIMEOUT_MS: timeout }, secrets: b.secrets },
  );
}

/** Docker label with the main cache's endpoint on every container that reads REDIS_URI / REDIS_CLUSTER_URI_N. */
export const CACHE_ENDPOINT_LABEL = 'membrane-cdk.cache-endpoint';
/** Docker label with the worker cache's endpoint on every container that reads WORKER_REDIS_URI. */
export const WORKER_CACHE_ENDPOINT_LABEL = 'membrane-cdk.worker-cache-endpoint';

/**
 * Docker labels of the containers that read a cache URI: each cache's endpoint address. ECS reads REDIS_URI and
 * WORKER_REDIS_URI from Secrets Manager only when a task starts, and a replaced cache keeps the ARN of its URI secret, so
 * no task definition would change and running tasks would keep the old endpoint. With the address in a label, a new
 * endpoint is a new task definition revision, which ECS rolls out like any other deployment.
 */
export function cacheEndpointLabels(main: IMembraneCache, worker?: IMembraneCache): { [label: string]: string } {
  return {
    [CACHE_ENDPOINT_LABEL]: main.endpointAddress,
    ...(worker ? { [WORKER_CACHE_ENDPOINT_LABEL]: worker.endpointAddress } : {}),
  };
}

/** Prefix of the Docker labels that carry what a secret's value is built from, one label per variable. */
export const SECRET_SOURCES_LABEL = 'membrane-cdk.secret-sources.';

/**
 * Docker labels that make a task definition change whenever a secret it reads is rebuilt from other resources: for
 * each secret variable whose secret this stack assembles (a cache URI from the replication group's endpoint and the
 * AUTH token's secret, an Atlas MONGO_URI from the cluster's connection string and the user's password secret), the
 * references its value is built from. ECS reads secrets only when a task starts, so without the labels a replaced
 * cache or cluster would leave the running tasks on the old endpoint. Secrets created elsewhere carry nothing to follow.
 */
export function secretSourceLabels(scope: Construct, secrets: { [name: string]: ecs.Secret }): { [label: string]: string } {
  const stack = Stack.of(scope);
  const byLogicalId = new Map<string, secretsmanager.CfnSecret>();
  for (const c of stack.node.findAll()) {
    if (c instanceof secretsmanager.CfnSecret && Stack.of(c) === stack) byLogicalId.set(stack.resolve(c.logicalId), c);
  }
  const labels: { [label: string]: string } = {};
  for (const [name, secret] of Object.entries(secrets)) {
    const arn: unknown = stack.resolve(secret.arn);
    const id = typeof arn === 'object' && arn !== null && 'Ref' in arn ? String((arn as { Ref: unknown }).Ref) : undefined;
    const cfn = id === undefined ? undefined : byLogicalId.get(id);
    if (!cfn?.secretString) continue;
    const sources = intrinsicReferences(stack.resolve(cfn.secretString)).filter(ref => ref !== `Ref:${id}`);
    if (sources.length === 0) continue;
    labels[`${SECRET_SOURCES_LABEL}${name}`] = Fn.join(' ', sources.map(ref => {
      const [kind, logicalId, attribute] = ref.split(':');
      return kind === 'Ref' ? Fn.ref(logicalId) : Fn.getAtt(logicalId, attribute).toString();
    }));
  }
  return labels;
}

/** Every `Ref` and `Fn::GetAtt` in a resolved CloudFormation value, as `Ref:<id>` / `GetAtt:<id>:<attribute>`, in order, once each. */
function intrinsicReferences(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    value.forEach(item => intrinsicReferences(item, found));
  } else if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    const ref = typeof object.Ref === 'string' && !object.Ref.startsWith('AWS::') ? `Ref:${object.Ref}` : undefined;
    const att = Array.isArray(object['Fn::GetAtt']) ? `GetAtt:${(object['Fn::GetAtt'] as string[]).join(':')}` : undefined;
    const reference = ref ?? att;
    if (reference !== undefined) {
      if (!found.includes(reference)) found.push(reference);
    } else {
      Object.values(object).forEach(item => intrinsicReferences(item, found));
    }
  }
  return found;
}

/**
 * The Node.js heap limit (MiB) of an api-image service: NODE_HEAP_RATIO of the memory its Membrane container may use,
 * which is the task's memory less the task-protection sidecar's hard limit on the queued worker. None for the other
 * services, with a task memory known only at deploy time, or when the user sets NODE_OPTIONS for the service or in
 * sharedEngineEnvironment: theirs wins (a warning says so when it sets no heap limit).
 */
export function engineHeapMiB(scope: Construct, spec: ServiceSpec, props: MembraneEcsServicesProps): number | undefined {
  if (spec.kind !== 'engine') return undefined;
  const sources = [[`services.${spec.key}`, props.services?.[spec.key]], ['sharedEngineEnvironment', props.sharedEngineEnvironment]] as const;
  for (const [source, extra] of sources) {
    const own = extra?.environment?.NODE_OPTIONS;
    if (extra?.secrets?.NODE_OPTIONS === undefined && own === undefined) continue;
    if (known(own) && !/--max[-_]old[-_]space[-_]size=/.test(own)) {
      warn(scope, 'nodeOptionsWithoutHeapLimit', `${source}.environment.NODE_OPTIONS replaces the heap limit membrane-cdk sets and has no `
        + '--max-old-space-size: a job that outgrows the memory is then killed with the whole task instead of failing inside Node.js. Add '
        + `--max-old-space-size=<about ${NODE_HEAP_RATIO * 100} % of the container memory in MiB>.`);
    }
    return undefined;
  }
  const memory = props.services?.[spec.key]?.memoryLimitMiB ?? spec.size.memoryMiB;
  if (!known(memory)) return undefined;
  const sidecar = spec.protectWhileBusy && (props.queuedTaskProtection ?? true) ? TASK_PROTECTION_SIZE.memoryLimitMiB : 0;
  return nodeHeapMiB(memory - sidecar);
}

/**
 * The API's keep-alive and headers timeout in milliseconds, as the variable's text: one second above the load balancer's
 * idle timeout. An idle timeout known only at deploy time (`Duration.seconds(<token>)`) gets `<seconds>999`:
 * CloudFormation cannot add, and 999 ms above is still above.
 */
export function keepAliveMs(props: MembraneEcsServicesProps): string {
  const idle = props.loadBalancerIdleTimeout ?? DEFAULT_IDLE_TIMEOUT;
  if (idle.isUnresolved()) return Fn.join('', [Token.asString(idle.toSeconds()), '999']);
  return String(idle.toMilliseconds() + KEEPALIVE_MARGIN_MS);
}

/**
 * The load balancer's grace period: five minutes, or the start-up budget of the settings when that is longer.
 * Container health checks cannot wait longer than five minutes (ECS's maximum start period): a longer budget warns.
 */
export function startupGrace(scope: Construct, props: MembraneEcsServicesProps): Duration {
  const redis = [props.cache, props.workerCache].map(c => c?.environmentContract.environment.REDIS_CONNECT_TIMEOUT_MS)
    .filter((t): t is string => t !== undefined && known(t)).map(Number);
  const budget = startupBudget(props.settings ?? {}, redis.length ? Math.max(...redis) : undefined);
  if (!budget || budget.toMilliseconds() <= STARTUP_GRACE.toMilliseconds()) return STARTUP_GRACE;
  warn(scope, 'startupBudgetAboveHealthCheck', `The start-up checks may take up to ${budget.toHumanString()} with these settings (retries, `
    + 'back-off, Mongo and Redis timeouts), longer than the 5 minutes ECS allows a container health check to wait: the workers, '
    + 'orchestrator and custom code runner may be replaced while still starting. Lower settings.startupCheckRetries or the delays.');
  return Duration.seconds(Math.ceil(budget.toSeconds({ integral: false })));
}

/** The public route of a service behind the load balancer. */
export function publicRoute(spec: ServiceSpec, routes: Routes) {
  return isPublicService(spec) ? routes[spec.key] : undefined;
}

/** The longest a queued task may run (MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS). */
export function queuedTaskTime(props: MembraneEcsServicesProps): Duration {
  return props.settings?.maxQueuedTasksProcessTime ?? DEFAULT_QUEUED_TASK_TIME;
}

/**
 * Per-request and idle timeout of calls to the custom code runner: as long as a queued task may run. A process time
 * known only at deploy time cannot be converted to the seconds ECS takes: the timeouts are then off (0), and
 * Membrane's own process-time limit ends the calls.
 */
export function serviceConnectTimeout(props: MembraneEcsServicesProps): Duration {
  const time = queuedTaskTime(props);
  return time.isUnresolved() ? Duration.seconds(0) : time;
}
