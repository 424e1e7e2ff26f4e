/**
 * The idle monthly bill of one synthesized template at minimum scale (730 hours a month), item by item, without
 * MongoDB, data transfer and per-request charges.
 */
import { GLOBAL_PRICES, pricesOf } from './prices';
import { cfnTemplate, CfnText, minimumTasks, propertiesOf, resourcesOf } from './template';

const HOURS = 730;
const SECONDS_PER_MONTH = HOURS * 3600;

/**
 * The collectors' embedded-metric-format log events (estimate): one event per scrape per task, about 650 bytes of
 * labels and metadata plus 100 per metric, and CloudWatch Logs' 26 bytes per event.
 */
export const EMF_EVENT = { baseBytes: 650, perMetricBytes: 100, overheadBytes: 26 } as const;

export interface CostItem {
  readonly item: string;
  readonly monthly: number;
  readonly detail: string;
}

/** The part of the collector's configuration (AOT_CONFIG_CONTENT) the estimate reads. */
interface CollectorConfig {
  readonly exporters: { readonly awsemf: { readonly metric_declarations: ReadonlyArray<{ readonly metric_name_selectors: readonly string[] }> } };
  readonly receivers: { readonly prometheus: { readonly config: { readonly global: { readonly scrape_interval: string } } } };
}

/** USD to the cent. */
export const round = (value: number) => Math.round(value * 100) / 100;

/** The cost items of one synthesized template at a region's prices. */
export function costOf(json: unknown, region: string): CostItem[] {
  const template = cfnTemplate(json);
  const prices = pricesOf(region);
  const g = GLOBAL_PRICES;
  const items: CostItem[] = [];

  // Fargate: each service at its minimum (the scalable target's MinCapacity, else its DesiredCount).
  let fargate = 0;
  const counts: string[] = [];
  for (const [serviceId, service] of resourcesOf(template, 'AWS::ECS::Service')) {
    const count = minimumTasks(template, serviceId, service);
    const taskDefinition = propertiesOf(template, service.TaskDefinition.Ref, 'AWS::ECS::TaskDefinition');
    const arch = taskDefinition.RuntimePlatform?.CpuArchitecture ?? 'X86_64';
    const price = prices.fargate[arch];
    const hourly = (Number(taskDefinition.Cpu) / 1024) * price.vcpuHour.usd + (Number(taskDefinition.Memory) / 1024) * price.gbHour.usd;
    // With the Spot strategy the base tasks run on demand; the others on Spot.
    const strategy = service.CapacityProviderStrategy ?? [];
    const base = strategy.find(s => s.CapacityProvider === 'FARGATE')?.Base ?? 0;
    const spot = strategy.some(s => s.CapacityProvider === 'FARGATE_SPOT') ? Math.max(0, count - base) : 0;
    fargate += hourly * HOURS * ((count - spot) + spot * (1 - g.spotDiscount.usd));
    counts.push(`${count}${spot ? ` (${spot} Spot)` : ''}`);
  }
  const arches = [...new Set(resourcesOf(template, 'AWS::ECS::TaskDefinition').map(([, t]) => t.RuntimePlatform?.CpuArchitecture ?? 'X86_64'))];
  items.push({ item: 'Fargate', monthly: fargate, detail: `${arches.join('/')}, tasks per service ${counts.join(', ')}` });

  let cache = 0;
  const engines = new Set<string>();
  const groups = resourcesOf(template, 'AWS::ElastiCache::ReplicationGroup');
  for (const [, group] of groups) {
    const type = group.CacheNodeType;
    const redisPrice = prices.cacheNodeHour[type];
    if (redisPrice === undefined) throw new Error(`no price for ${type} in ${region}: add it to cacheNodes in bench/cost/prices.ts`);
    engines.add(group.Engine);
    const price = group.Engine === 'valkey' ? redisPrice.usd * (1 - g.valkeyDiscount.usd) : redisPrice.usd;
    const replicas = group.ReplicasPerNodeGroup ?? (group.NumCacheClusters ?? 1) - 1;
    const nodes = (group.NumNodeGroups ?? 1) * (replicas + 1);
    cache += price * HOURS * nodes;
  }
  items.push({ item: 'ElastiCache', monthly: cache, detail: `${groups.length} replication group(s), ${[...engines].join('/')}` });

  const nats = resourcesOf(template, 'AWS::EC2::NatGateway').length;
  items.push({ item: 'NAT gateways', monthly: nats * prices.natGatewayHour.usd * HOURS, detail: `${nats}` });
  const albs = resourcesOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  items.push({ item: 'Load balancer (1 LCU)', monthly: albs.length * (prices.albHour.usd + prices.lcuHour.usd) * HOURS, detail: `${albs.length}` });
  // Public IPv4: one per NAT gateway (its Elastic IP) and one per AZ of an internet-facing load balancer that has them
  // (a dual-stack load balancer without public IPv4 has none).
  const albIps = albs.filter(([, a]) => a.Scheme !== 'internal' && a.IpAddressType !== 'dualstack-without-public-ipv4')
    .reduce((n, [, a]) => n + (a.Subnets?.length ?? a.SubnetMappings?.length ?? 0), 0);
  const ips = resourcesOf(template, 'AWS::EC2::EIP').length + albIps;
  items.push({ item: 'Public IPv4 addresses', monthly: ips * g.publicIpv4Hour.usd * HOURS, detail: `${ips}` });
  const endpoints = resourcesOf(template, 'AWS::EC2::VPCEndpoint').filter(([, e]) => e.VpcEndpointType === 'Interface');
  const endpointAzs = endpoints.reduce((n, [, e]) => n + (e.SubnetIds?.length ?? 1), 0);
  items.push({
    item: 'VPC interface endpoints', monthly: endpointAzs * prices.interfaceEndpointHour.usd * HOURS, detail: `${endpoints.length} x AZs`,
  });
  const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret').length;
  items.push({ item: 'Secrets Manager (created here)', monthly: secrets * g.secretMonth.usd, detail: `${secrets}` });
  const keys = resourcesOf(template, 'AWS::KMS::Key').length;
  items.push({ item: 'KMS keys', monthly: keys * g.kmsKeyMonth.usd, detail: `${keys}` });

  const dashboards = resourcesOf(template, 'AWS::CloudWatch::Dashboard').length;
  let standard = 0;
  let highResolution = 0;
  for (const [, a] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
    const stats = (a.Metrics ?? []).filter(m => m.MetricStat);
    const metrics = Math.max(1, stats.length);
    const period = a.Period ?? Math.min(...stats.map(m => m.MetricStat?.Period ?? 60), 60);
    if (period < 60) highResolution += metrics;
    else standard += metrics;
  }
  // Target tracking's own alarms (created by Application Auto Scaling, billed like any): one above and, unless it
  // leaves scale-in to another policy, one below, each paying for every metric of the policy.
  const tracking = resourcesOf(template, 'AWS::ApplicationAutoScaling::ScalingPolicy').filter(([, x]) => x.PolicyType === 'TargetTrackingScaling');
  for (const [, policy] of tracking) {
    const c = policy.TargetTrackingScalingPolicyConfiguration;
    const metrics = Math.max(1, (c.CustomizedMetricSpecification?.Metrics ?? []).filter(m => m.MetricStat).length);
    standard += metrics * (c.DisableScaleIn === true ? 1 : 2);
  }
  items.push({
    item: 'Dashboard and alarms',
    monthly: dashboards * g.dashboardMonth.usd + standard * g.alarmMetricMonth.usd + highResolution * g.highResolutionAlarmMetricMonth.usd,
    detail: `${dashboards} dashboard(s), ${standard} alarm metrics (target tracking's included), ${highResolution} high-resolution`,
  });

  const emf = emfOf(template);
  items.push({
    item: 'Membrane metrics (EMF)',
    monthly: emf.metrics * g.customMetricMonth.usd + emf.gb * prices.logsIngestGb.usd,
    detail: emf.metrics === 0 ? 'none' : `${emf.metrics} metrics, ${emf.gb.toFixed(1)} GB of logs a month at ${emf.scrape}`,
  });

  const acls = resourcesOf(template, 'AWS::WAFv2::WebACL');
  const rules = acls.reduce((n, [, a]) => n + (a.Rules?.length ?? 0), 0);
  items.push({
    item: 'AWS WAF', monthly: acls.length * g.wafAclMonth.usd + rules * g.wafRuleMonth.usd, detail: `${acls.length} ACL(s), ${rules} rules`,
  });
  return items.map(i => ({ ...i, monthly: round(i.monthly) }));
}

/** Text with the tokens of an Fn::Join as 'ref'. */
const textOf = (value: CfnText): string =>
  (typeof value === 'string' ? value : value['Fn::Join'][1].map(x => (typeof x === 'string' ? x : 'ref')).join(''));

/** The collectors' metrics and log volume at minimum scale, from their configurations in the template. */
export function emfOf(json: unknown): { metrics: number; gb: number; scrape: string } {
  const template = cfnTemplate(json);
  let metrics = 0;
  let bytes = 0;
  const scrapes = new Set<string>();
  for (const [serviceId, service] of resourcesOf(template, 'AWS::ECS::Service')) {
    const taskDefinition = propertiesOf(template, service.TaskDefinition.Ref, 'AWS::ECS::TaskDefinition');
    const collector = taskDefinition.ContainerDefinitions.find(c => c.Name === 'metrics-collector');
    if (!collector) continue;
    const config = JSON.parse(textOf(collector.Environment!.find(e => e.Name === 'AOT_CONFIG_CONTENT')!.Value)) as CollectorConfig;
    const kept = config.exporters.awsemf.metric_declarations.reduce((n, d) => n + d.metric_name_selectors.length, 0);
    const interval = Number(/^(\d+)s$/.exec(config.receivers.prometheus.config.global.scrape_interval)![1]);
    const tasks = minimumTasks(template, serviceId, service);
    metrics += kept;
    bytes += tasks * (SECONDS_PER_MONTH / interval) * (EMF_EVENT.baseBytes + EMF_EVENT.perMetricBytes * kept + EMF_EVENT.overheadBytes);
    scrapes.add(`${interval} s scrapes`);
  }
  return { metrics, gb: bytes / 1e9, scrape: [...scrapes].join('/') };
}

export function total(items: readonly CostItem[]): number {
  return round(items.reduce((sum, i) => sum + i.monthly, 0));
}
