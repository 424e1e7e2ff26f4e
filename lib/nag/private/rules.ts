import { NagRuleCompliance } from 'cdk-nag';
import { containers, envValue, forwardTargets, imageOf, isInternetFacing, listenerLoadBalancer, refId, Rendered, StackIndex } from './stack-index';
import { API_KEEPALIVE_MS, EDGE_TAG, SECRET_NAME_PATTERN } from '../../common/constants';
import { matchesEveryPath } from '../../ingress/private/validation';

type Rule = (resource: Rendered, stack: StackIndex) => NagRuleCompliance;

const NON = NagRuleCompliance.NON_COMPLIANT;
const OK = NagRuleCompliance.COMPLIANT;
const NA = NagRuleCompliance.NOT_APPLICABLE;

/** "Service Deployment": the custom code runner must only be reachable internally; never behind a public load balancer. */
const customCodeRunnerNotPublic: Rule = (r, stack) => {
  if (r.type !== 'AWS::ECS::Service') return NA;
  if (!containers(stack.target(r.properties.TaskDefinition)).some(c => imageOf(c).includes('/core/custom-code-runner'))) return NA;
  const groups = ((r.properties.LoadBalancers as Array<{ TargetGroupArn?: unknown }>) ?? []).map(lb => refId(lb.TargetGroupArn) ?? 'imported');
  if (groups.length === 0) return OK;
  for (const group of groups) {
    if (group === 'imported') return NON;
    const listeners = [
      ...stack.ofType('AWS::ElasticLoadBalancingV2::Listener').filter(l => forwardTargets(l.properties.DefaultActions).some(t => refId(t) === group)),
      ...stack.ofType('AWS::ElasticLoadBalancingV2::ListenerRule')
        .filter(rule => forwardTargets(rule.properties.Actions).some(t => refId(t) === group))
        .map(rule => stack.target(rule.properties.ListenerArn)),
    ];
    if (listeners.length === 0 || listeners.some(l => isInternetFacing(listenerLoadBalancer(l, stack)))) return NON;
  }
  return OK;
};

/** "Frequently Asked Questions", "Self-hosting on AWS": Redis connections use TLS (ElastiCache in-transit encryption, required mode). */
const redisTransitEncryption: Rule = r => {
  if (r.type === 'AWS::ElastiCache::ReplicationGroup') {
    return r.properties.TransitEncryptionEnabled === true && r.properties.TransitEncryptionMode !== 'preferred' ? OK : NON;
  }
  if (r.type === 'AWS::ElastiCache::CacheCluster' && r.properties.Engine !== 'memcached') {
    return r.properties.TransitEncryptionEnabled === true ? OK : NON;
  }
  return NA;
};

/** "Frequently Asked Questions": ElastiCache Serverless is not compatible with Membrane. */
const noServerlessCache: Rule = r => (r.type === 'AWS::ElastiCache::ServerlessCache' ? NON : NA);

/**
 * "Self-hosting on AWS": REDIS_DISABLE_TLS_VERIFICATION=true is for ElastiCache with in-transit encryption only;
 * anywhere else it switches off certificate checks for no reason. A cache outside the stack (e.g.
 * `MembraneCache.fromAttributes`) cannot be inspected, so only a stack whose caches all lack TLS fails.
 */
const tlsVerificationFlagOnlyWithElastiCache: Rule = (r, stack) => {
  if (r.type !== 'AWS::ECS::TaskDefinition') return NA;
  if (!containers(r).some(c => envValue(c, 'REDIS_DISABLE_TLS_VERIFICATION') === 'true')) return NA;
  const groups = stack.ofType('AWS::ElastiCache::ReplicationGroup');
  if (groups.length === 0) return NA;
  return groups.some(g => g.properties.TransitEncryptionEnabled === true) ? OK : NON;
};

/** "Frequently Asked Questions" and the design: credentials reach containers as ECS secrets, never as plain environment. */
const noPlaintextSecrets: Rule = r => {
  if (r.type !== 'AWS::ECS::TaskDefinition') return NA;
  for (const c of containers(r)) {
    for (const e of c.Environment ?? []) {
      if (e.Name && SECRET_NAME_PATTERN.test(e.Name)) return NON;
      if (typeof e.Value === 'string' && /:\/\/[^/\s:@]*:[^/\s@]+@/.test(e.Value)) return NON;
    }
  }
  return OK;
};

/** "Self-hosting": production uses immutable, date-based image tags, never `latest` or an untagged image. */
const immutableImageTags: Rule = r => {
  if (r.type !== 'AWS::ECS::TaskDefinition') return NA;
  for (const c of containers(r)) {
    const image = imageOf(c);
    if (image.includes('@sha256:')) continue;
    const lastSegment = image.split('/').pop() ?? '';
    const tag = lastSegment.includes(':') ? lastSegment.split(':').pop() : undefined;
    if (!tag || tag === 'latest') return NON;
  }
  return OK;
};

/** "Self-hosting on AWS", "Self-hosting": the bucket behind TMP_STORAGE_BUCKET expires its objects. */
const tmpBucketExpiry: Rule = (r, stack) => {
  if (r.type !== 'AWS::ECS::TaskDefinition') return NA;
  const buckets = containers(r).map(c => envValue(c, 'TMP_STORAGE_BUCKET')).filter(v => v !== undefined);
  if (buckets.length === 0) return NA;
  for (const value of buckets) {
    const bucket = stack.target(value);
    if (!bucket) continue; // an imported bucket: its lifecycle is not in this stack
    const rules = ((bucket.properties.LifecycleConfiguration as { Rules?: Array<{ Status?: string; ExpirationInDays?: number }> })?.Rules) ?? [];
    if (!rules.some(rule => rule.Status === 'Enabled' && typeof rule.ExpirationInDays === 'number')) return NON;
  }
  return OK;
};

/** "Frequently Asked Questions": public endpoints are HTTPS; plain HTTP may only redirect to HTTPS. */
const publicListenersHttpsOnly: Rule = (r, stack) => {
  const httpListenerServes = (listener: Rendered) => {
    const actions = (listener.properties.DefaultActions as Array<{ Type?: string; RedirectConfig?: { Protocol?: string } }>) ?? [];
    return actions.some(a => !(a.Type === 'redirect' && a.RedirectConfig?.Protocol === 'HTTPS'));
  };
  if (r.type === 'AWS::ElasticLoadBalancingV2::Listener') {
    if (r.properties.Protocol !== 'HTTP' || !isInternetFacing(listenerLoadBalancer(r, stack))) return NA;
    return httpListenerServes(r) ? NON : OK;
  }
  if (r.type === 'AWS::ElasticLoadBalancingV2::ListenerRule') {
    const listener = stack.target(r.properties.ListenerArn);
    if (!listener || listener.properties.Protocol !== 'HTTP' || !isInternetFacing(listenerLoadBalancer(listener, stack))) return NA;
    const actions = (r.properties.Actions as Array<{ Type?: string; RedirectConfig?: { Protocol?: string } }>) ?? [];
    return actions.every(a => a.Type === 'redirect' && a.RedirectConfig?.Protocol === 'HTTPS') ? OK : NON;
  }
  return NA;
};

/** "Service Deployment", "Self-hosting": the orchestrator runs 2 tasks (leader election keeps one active; the other takes over). */
const orchestratorHighAvailability: Rule = (r, stack) => {
  if (r.type !== 'AWS::ECS::Service') return NA;
  if (!containers(stack.target(r.properties.TaskDefinition)).some(c => envValue(c, 'IS_ORCHESTRATOR') === '1')) return NA;
  const count = r.properties.DesiredCount;
  return typeof count === 'number' && count >= 2 ? OK : NON;
};

/**
 * "Self-hosting": the API keeps idle connections for KEEPALIVE_TIMEOUT_MS (61 s); a load balancer in front of it (internet-facing,
 * internal or the public edge) must close idle connections first, or clients get 502s on reused connections.
 */
const loadBalancerIdleTimeoutBelowKeepAlive: Rule = (r, stack) => {
  if (r.type !== 'AWS::ElasticLoadBalancingV2::LoadBalancer' || r.properties.Type === 'network') return NA;
  const apis = stack.ofType('AWS::ECS::TaskDefinition').flatMap(containers).filter(c => envValue(c, 'IS_API') === '1');
  if (apis.length === 0) return NA;
  const attributes = (r.properties.LoadBalancerAttributes as Array<{ Key?: string; Value?: unknown }>) ?? [];
  const idle = attributes.find(a => a.Key === 'idle_timeout.timeout_seconds')?.Value ?? '60';
  return apis.every(c => keepAliveAbove(envValue(c, 'KEEPALIVE_TIMEOUT_MS') ?? String(API_KEEPALIVE_MS), idle)) ? OK : NON;
};

/**
 * Whether a keep-alive (ms) is above an idle timeout (s): both literal, or the idle timeout known at deploy time only
 * and the keep-alive `<the same seconds>999` (how membrane-cdk writes it then).
 */
function keepAliveAbove(keepAliveMs: unknown, idleSeconds: unknown): boolean {
  if (typeof keepAliveMs !== 'object' || typeof idleSeconds !== 'object') return Number(idleSeconds) * 1000 < Number(keepAliveMs);
  const join = (keepAliveMs as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
  return !!join && join[0] === '' && join[1].length === 2 && join[1][1] === '999' && JSON.stringify(join[1][0]) === JSON.stringify(idleSeconds);
}

/** The public edge of a private deployment, by its tag. */
function isPublicEdge(loadBalancer: Rendered | undefined): boolean {
  const tags = (loadBalancer?.properties.Tags as Array<{ Key?: unknown; Value?: unknown }> | undefined) ?? [];
  return tags.some(t => t.Key === EDGE_TAG.key && t.Value === EDGE_TAG.value);
}

/**
 * "Self-hosting": a private API gets public proxies for its webhook and OAuth callback endpoints only
 * (BASE_WEBHOOKS_URI, BASE_OAUTH_CALLBACK_URI). On the public edge, nothing may forward without a path condition,
 * and no path condition may match every path.
 */
const edgeForwardsOnlyNamedPaths: Rule = (r, stack) => {
  if (r.type === 'AWS::ElasticLoadBalancingV2::Listener') {
    if (!isPublicEdge(listenerLoadBalancer(r, stack))) return NA;
    return forwardTargets(r.properties.DefaultActions).length > 0 ? NON : OK;
  }
  if (r.type !== 'AWS::ElasticLoadBalancingV2::ListenerRule') return NA;
  if (!isPublicEdge(listenerLoadBalancer(stack.target(r.properties.ListenerArn), stack))) return NA;
  if (forwardTargets(r.properties.Actions).length === 0) return OK;
  type Condition = { Field?: string; Values?: unknown[]; PathPatternConfig?: { Values?: unknown[] } };
  const paths = ((r.properties.Conditions as Condition[] | undefined) ?? [])
    .filter(c => c.Field === 'path-pattern')
    .flatMap(c => c.PathPatternConfig?.Values ?? c.Values ?? []);
  return paths.length === 0 || paths.some(p => typeof p === 'string' && matchesEveryPath(p)) ? NON : OK;
};

/** A rule of the pack: its id (after `Membrane-`), its check and its messages. */
export interface RuleSpec {
  readonly id: string;
  readonly rule: Rule;
  readonly info: string;
  readonly explanation: string;
}

/** The rules of `MembraneChecks`, in the order they are applied. */
export const RULES: readonly RuleSpec[] = [
  {
    id: 'CustomCodeRunnerNotPublic',
    rule: customCodeRunnerNotPublic,
    info: 'The custom code runner service is behind an internet-facing load balancer.',
    explanation: 'Membrane: the Custom Code Runner executes connector code and must only be reachable from the API and workers, never from the '
      + 'internet.',
  },
  {
    id: 'RedisTls',
    rule: redisTransitEncryption,
    info: 'The Redis cache does not require TLS in transit.',
    explanation: 'Membrane: use TLS for Redis connections; its URI carries the AUTH token.',
  },
  {
    id: 'NoServerlessCache',
    rule: noServerlessCache,
    info: 'The cache is ElastiCache Serverless.',
    explanation: 'Membrane: ElastiCache Serverless is not compatible; use a replication group (standard or cluster mode).',
  },
  {
    id: 'RedisTlsVerificationFlag',
    rule: tlsVerificationFlagOnlyWithElastiCache,
    info: 'REDIS_DISABLE_TLS_VERIFICATION=true is set without an ElastiCache cache with in-transit encryption in the stack.',
    explanation: 'Membrane: the flag exists because ElastiCache TLS certificates fail standard verification; elsewhere it only disables certificate '
      + 'checks.',
  },
  {
    id: 'NoPlaintextSecrets',
    rule: noPlaintextSecrets,
    info: 'A container has a credential in its plain environment.',
    explanation: 'Plain environment variables are stored in the template and shown by the ECS API; pass credentials as ECS secrets from Secrets '
      + 'Manager.',
  },
  {
    id: 'ImmutableImageTags',
    rule: immutableImageTags,
    info: 'A container image uses the latest tag or no tag.',
    explanation: 'Membrane: use the date-based immutable tags in production; a moving tag changes the release on any redeploy and cannot be rolled '
      + 'back.',
  },
  {
    id: 'TmpBucketExpiry',
    rule: tmpBucketExpiry,
    info: 'The bucket behind TMP_STORAGE_BUCKET has no expiration lifecycle rule.',
    explanation: 'Membrane: the temporary bucket should expire its objects automatically (7 days in the AWS guide).',
  },
  {
    id: 'PublicListenersHttpsOnly',
    rule: publicListenersHttpsOnly,
    info: 'An internet-facing listener serves plain HTTP.',
    explanation: 'Membrane: always use HTTPS for the API, UI and Console and enforce HTTPS redirects.',
  },
  {
    id: 'OrchestratorHighAvailability',
    rule: orchestratorHighAvailability,
    info: 'The orchestrator runs fewer than 2 tasks.',
    explanation: 'Membrane: run 2 orchestrator instances; leader election keeps one active and the other takes over.',
  },
  {
    id: 'LoadBalancerIdleTimeout',
    rule: loadBalancerIdleTimeoutBelowKeepAlive,
    info: "A load balancer's idle timeout is not below the API's keep-alive timeout.",
    explanation: 'Membrane: the API keeps idle connections for KEEPALIVE_TIMEOUT_MS (61 s); the load balancer must close them first to avoid 502 '
      + 'errors.',
  },
  {
    id: 'EdgeForwardsOnlyNamedPaths',
    rule: edgeForwardsOnlyNamedPaths,
    info: 'The public edge of a private deployment forwards every path (a rule without a path condition, a match-all pattern such as /*, or '
      + 'a forwarding default action).',
    explanation: 'Membrane ("Self-hosting"): with a private API only the webhook and OAuth callback endpoints get a public proxy; forwarding '
      + 'every path publishes the whole API.',
  },
];
