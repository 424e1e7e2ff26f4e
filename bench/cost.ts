/**
 * Idle monthly cost of the example stacks at minimum scale, computed from their synthesized templates with the
 * on-demand list prices of each stack's own region (730 hours a month), without MongoDB, data transfer and
 * per-request charges; and what a scale-out costs in image pulls through the NAT gateways.
 * `npx projen cost` prints the tables; `-- --region <region>` prices another known region; `-- --json` the items
 * as JSON; `-- --prices` the price list with its sources.
 */
import { Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { exampleApp } from '../test/example-app';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const HOURS = 730;
const SECONDS_PER_MONTH = HOURS * 3600;

/** Where a price comes from. No price API is reachable here: the figures are the list prices as published in 2025. */
export const SOURCES = {
  fargate: 'https://aws.amazon.com/fargate/pricing/',
  elasticache: 'https://aws.amazon.com/elasticache/pricing/',
  vpc: 'https://aws.amazon.com/vpc/pricing/',
  elb: 'https://aws.amazon.com/elasticloadbalancing/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  secretsManager: 'https://aws.amazon.com/secrets-manager/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  waf: 'https://aws.amazon.com/waf/pricing/',
} as const;

/** One list price: USD, its page, when it was read, and what is estimated about it. */
export interface Price {
  readonly usd: number;
  readonly source: keyof typeof SOURCES;
  readonly asOf: string;
  /** Set when the figure is not a published price but derived from one (how). */
  readonly estimate?: string;
}

const LIST = '2025 list price';
const p = (usd: number, source: keyof typeof SOURCES, estimate?: string): Price => ({ usd, source, asOf: LIST, estimate });

/** Prices that are the same in every region these examples use. */
export const GLOBAL_PRICES = {
  /** Fargate Spot is priced by the market: taken as 70 % off the on-demand price, its usual discount. */
  spotDiscount: p(0.7, 'fargate', 'Spot prices move with demand; 70 % is the usual discount, not a list price'),
  /** ElastiCache prices Valkey nodes 20 % below Redis OSS nodes of the same type. */
  valkeyDiscount: p(0.2, 'elasticache'),
  publicIpv4Hour: p(0.005, 'vpc'),
  secretMonth: p(0.4, 'secretsManager'),
  kmsKeyMonth: p(1, 'kms'),
  dashboardMonth: p(3, 'cloudwatch'),
  /** Per metric of a standard-resolution alarm (an alarm on a math expression pays for each metric in it). */
  alarmMetricMonth: p(0.1, 'cloudwatch'),
  /** Per metric of a high-resolution alarm (period of 10 or 30 s). */
  highResolutionAlarmMetricMonth: p(0.3, 'cloudwatch'),
  /** Per custom metric (first 10,000), whatever its storage resolution: embedded metric format needs no API call. */
  customMetricMonth: p(0.3, 'cloudwatch'),
  wafAclMonth: p(5, 'waf'),
  wafRuleMonth: p(1, 'waf'),
} as const;

/** The prices that differ by region. */
export interface RegionPrices {
  readonly fargate: { readonly X86_64: { vcpuHour: Price; gbHour: Price }; readonly ARM64: { vcpuHour: Price; gbHour: Price } };
  /** ElastiCache on-demand node hours for Redis OSS. */
  readonly cacheNodeHour: Readonly<Record<string, Price>>;
  readonly natGatewayHour: Price;
  /** NAT gateway data processing, per GB. */
  readonly natGatewayGb: Price;
  readonly albHour: Price;
  readonly lcuHour: Price;
  readonly interfaceEndpointHour: Price;
  /** CloudWatch Logs ingestion (standard class), per GB. */
  readonly logsIngestGb: Price;
}

/** ElastiCache node types in us-east-1, and a region's prices as a factor of them (estimated outside us-east-1). */
function cacheNodes(factor: number, estimate?: string): Record<string, Price> {
  const usEast1: Record<string, number> = {
    'cache.t4g.micro': 0.016, 'cache.t4g.small': 0.032, 'cache.t4g.medium': 0.065, 'cache.m7g.large': 0.158, 'cache.r7g.large': 0.219,
  };
  const price = (usd: number) => p(Math.round(usd * factor * 10000) / 10000, 'elasticache', estimate);
  return Object.fromEntries(Object.entries(usEast1).map(([type, usd]) => [type, price(usd)]));
}

/** us-east-1 and us-west-2 list the same prices. */
const US_PRICES: RegionPrices = {
  fargate: {
    X86_64: { vcpuHour: p(0.04048, 'fargate'), gbHour: p(0.004445, 'fargate') },
    ARM64: { vcpuHour: p(0.03238, 'fargate'), gbHour: p(0.00356, 'fargate') },
  },
  cacheNodeHour: cacheNodes(1),
  natGatewayHour: p(0.045, 'vpc'),
  natGatewayGb: p(0.045, 'vpc'),
  albHour: p(0.0225, 'elb'),
  lcuHour: p(0.008, 'elb'),
  interfaceEndpointHour: p(0.01, 'vpc'),
  logsIngestGb: p(0.5, 'cloudwatch'),
};

/** List prices of the regions this script knows. */
export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': US_PRICES,
  'us-west-2': US_PRICES,
  'eu-west-1': {
    fargate: {
      X86_64: { vcpuHour: p(0.04048, 'fargate'), gbHour: p(0.004445, 'fargate') },
      ARM64: { vcpuHour: p(0.03238, 'fargate'), gbHour: p(0.00356, 'fargate') },
    },
    cacheNodeHour: cacheNodes(1.1, 'us-east-1 node price x 1.1 (Ireland nodes cost about 10 % more); check the page for the type you use'),
    natGatewayHour: p(0.048, 'vpc'),
    natGatewayGb: p(0.048, 'vpc'),
    albHour: p(0.0252, 'elb'),
    lcuHour: p(0.008, 'elb'),
    interfaceEndpointHour: p(0.011, 'vpc'),
    logsIngestGb: p(0.57, 'cloudwatch'),
  },
  'eu-central-1': {
    fargate: {
      X86_64: { vcpuHour: p(0.04656, 'fargate'), gbHour: p(0.00511, 'fargate') },
      ARM64: { vcpuHour: p(0.03725, 'fargate'), gbHour: p(0.00409, 'fargate') },
    },
    cacheNodeHour: cacheNodes(1.125,
      'us-east-1 node price x 1.125 (Frankfurt: cache.t4g.small $0.036 against $0.032); check the page for other types'),
    natGatewayHour: p(0.052, 'vpc'),
    natGatewayGb: p(0.052, 'vpc'),
    albHour: p(0.027, 'elb'),
    lcuHour: p(0.008, 'elb', 'the LCU-hour as in us-east-1 and Ireland; Frankfurt may differ by a fraction of a cent'),
    interfaceEndpointHour: p(0.012, 'vpc'),
    logsIngestGb: p(0.63, 'cloudwatch'),
  },
};

/** The regions with prices, for error messages and the CLI. */
export const KNOWN_REGIONS = Object.keys(REGION_PRICES);

/** The prices of a region, or a clear error naming the known ones. */
export function pricesOf(region: string | undefined): RegionPrices {
  if (region === undefined || Token.isUnresolved(region)) {
    throw new Error(`the stack has no region: give the stack env.region, or pass --region (known: ${KNOWN_REGIONS.join(', ')})`);
  }
  const prices = REGION_PRICES[region];
  if (!prices) {
    throw new Error(`no prices for region '${region}': this script knows ${KNOWN_REGIONS.join(', ')}. `
      + 'Add the region to REGION_PRICES in bench/cost.ts with each price\'s source and date.');
  }
  return prices;
}

/**
 * Image sizes pulled through the NAT gateway per task start (compressed, GB). Membrane's images come from
 * Membrane's registry over the internet; the sidecars from public ECR, also through the NAT.
 */
export const IMAGE_GB: ReadonlyArray<{ readonly pattern: RegExp; readonly gb: number; readonly note: string }> = [
  { pattern: /\/core\//, gb: 1, note: 'a Membrane image: about 1 GB' },
  { pattern: /aws-otel-collector/, gb: 0.1, note: 'the ADOT collector: estimated at 0.1 GB' },
  { pattern: /node:.*alpine/, gb: 0.06, note: 'Node.js on Alpine: estimated at 0.06 GB' },
];
const DEFAULT_IMAGE_GB = 0.5;

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

/** What a scale-out costs beyond the idle bill: every task started pulls its images through the NAT gateway. */
export interface ScaleOutCost {
  /** Image GB a task of each autoscaled service pulls. */
  readonly gbPerTask: Record<string, number>;
  /** USD per task started, by service. */
  readonly perTask: Record<string, number>;
  /** Tasks and USD of one burst of every autoscaled service from its minimum to its maximum. */
  readonly burstTasks: number;
  readonly burst: number;
  /** USD of replacing every task at its minimum once (a deployment). */
  readonly deployment: number;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** A task definition's containers' images, as text (tokens as their JSON). */
const imagesOf = (taskDefinition: Json): string[] =>
  taskDefinition.Properties.ContainerDefinitions.map((c: Json) => (typeof c.Image === 'string' ? c.Image : JSON.stringify(c.Image)));
const imageGb = (image: string) => IMAGE_GB.find(i => i.pattern.test(image))?.gb ?? DEFAULT_IMAGE_GB;

/** The cost items of one synthesized template at a region's prices. */
export function costOf(template: Json, region: string): CostItem[] {
  const prices = pricesOf(region);
  const g = GLOBAL_PRICES;
  const resources: Array<[string, Json]> = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const items: CostItem[] = [];

  // Fargate: each service at its minimum (the scalable target's MinCapacity, else its DesiredCount).
  let fargate = 0;
  const counts: string[] = [];
  for (const [serviceId, service] of ofType('AWS::ECS::Service')) {
    const count: number = scalableTargetOf(template, serviceId)?.Properties.MinCapacity ?? service.Properties.DesiredCount ?? 1;
    const taskDefinition = template.Resources[service.Properties.TaskDefinition.Ref].Properties;
    const arch: 'X86_64' | 'ARM64' = taskDefinition.RuntimePlatform?.CpuArchitecture ?? 'X86_64';
    const price = prices.fargate[arch];
    const hourly = (Number(taskDefinition.Cpu) / 1024) * price.vcpuHour.usd + (Number(taskDefinition.Memory) / 1024) * price.gbHour.usd;
    // With the Spot strategy the base tasks run on demand; the others on Spot.
    const strategy: Json[] = service.Properties.CapacityProviderStrategy ?? [];
    const base = strategy.find(s => s.CapacityProvider === 'FARGATE')?.Base ?? 0;
    const spot = strategy.some(s => s.CapacityProvider === 'FARGATE_SPOT') ? Math.max(0, count - base) : 0;
    fargate += hourly * HOURS * ((count - spot) + spot * (1 - g.spotDiscount.usd));
    counts.push(`${count}${spot ? ` (${spot} Spot)` : ''}`);
  }
  const arches = [...new Set(ofType('AWS::ECS::TaskDefinition').map(([, t]) => t.Properties.RuntimePlatform?.CpuArchitecture ?? 'X86_64'))];
  items.push({ item: 'Fargate', monthly: fargate, detail: `${arches.join('/')}, tasks per service ${counts.join(', ')}` });

  let cache = 0;
  const engines = new Set<string>();
  for (const [, group] of ofType('AWS::ElastiCache::ReplicationGroup')) {
    const type: string = group.Properties.CacheNodeType;
    const redisPrice = prices.cacheNodeHour[type];
    if (redisPrice === undefined) throw new Error(`no price for ${type} in ${region}: add it to cacheNodes in bench/cost.ts`);
    engines.add(group.Properties.Engine);
    const price = group.Properties.Engine === 'valkey' ? redisPrice.usd * (1 - g.valkeyDiscount.usd) : redisPrice.usd;
    const replicas = group.Properties.ReplicasPerNodeGroup ?? (group.Properties.NumCacheClusters ?? 1) - 1;
    const nodes = (group.Properties.NumNodeGroups ?? 1) * (replicas + 1);
    cache += price * HOURS * nodes;
  }
  items.push({
    item: 'ElastiCache',
    monthly: cache,
    detail: `${ofType('AWS::ElastiCache::ReplicationGroup').length} replication group(s), ${[...engines].join('/')}`,
  });

  const nats = ofType('AWS::EC2::NatGateway').length;
  items.push({ item: 'NAT gateways', monthly: nats * prices.natGatewayHour.usd * HOURS, detail: `${nats}` });
  const albs = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
  items.push({ item: 'Load balancer (1 LCU)', monthly: albs.length * (prices.albHour.usd + prices.lcuHour.usd) * HOURS, detail: `${albs.length}` });
  // Public IPv4: one per NAT gateway (its Elastic IP) and one per AZ of an internet-facing load balancer that has them
  // (a dual-stack load balancer without public IPv4 has none).
  const albIps = albs.filter(([, a]) => a.Properties.Scheme !== 'internal' && a.Properties.IpAddressType !== 'dualstack-without-public-ipv4')
    .reduce((n, [, a]) => n + (a.Properties.Subnets?.length ?? a.Properties.SubnetMappings?.length ?? 0), 0);
  const ips = ofType('AWS::EC2::EIP').length + albIps;
  items.push({ item: 'Public IPv4 addresses', monthly: ips * g.publicIpv4Hour.usd * HOURS, detail: `${ips}` });
  const endpoints = ofType('AWS::EC2::VPCEndpoint').filter(([, e]) => e.Properties.VpcEndpointType === 'Interface');
  const endpointAzs = endpoints.reduce((n, [, e]) => n + (e.Properties.SubnetIds?.length ?? 1), 0);
  items.push({
    item: 'VPC interface endpoints', monthly: endpointAzs * prices.interfaceEndpointHour.usd * HOURS, detail: `${endpoints.length} x AZs`,
  });
  const secrets = ofType('AWS::SecretsManager::Secret').length;
  items.push({ item: 'Secrets Manager (created here)', monthly: secrets * g.secretMonth.usd, detail: `${secrets}` });
  const keys = ofType('AWS::KMS::Key').length;
  items.push({ item: 'KMS keys', monthly: keys * g.kmsKeyMonth.usd, detail: `${keys}` });

  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  let standard = 0;
  let highResolution = 0;
  for (const [, a] of ofType('AWS::CloudWatch::Alarm')) {
    const stats: Json[] = (a.Properties.Metrics ?? []).filter((m: Json) => m.MetricStat);
    const metrics = Math.max(1, stats.length);
    const period: number = a.Properties.Period ?? Math.min(...stats.map(m => m.MetricStat.Period ?? 60), 60);
    if (period < 60) highResolution += metrics;
    else standard += metrics;
  }
  // Target tracking's own alarms (created by Application Auto Scaling, billed like any): one above and, unless it
  // leaves scale-in to another policy, one below, each paying for every metric of the policy.
  const tracking = ofType('AWS::ApplicationAutoScaling::ScalingPolicy').filter(([, x]) => x.Properties.PolicyType === 'TargetTrackingScaling');
  for (const [, policy] of tracking) {
    const c = policy.Properties.TargetTrackingScalingPolicyConfiguration;
    const metrics = Math.max(1, (c.CustomizedMetricSpecification?.Metrics ?? []).filter((m: Json) => m.MetricStat).length);
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

  const acls = ofType('AWS::WAFv2::WebACL');
  const rules = acls.reduce((n, [, a]) => n + (a.Properties.Rules?.length ?? 0), 0);
  items.push({
    item: 'AWS WAF', monthly: acls.length * g.wafAclMonth.usd + rules * g.wafRuleMonth.usd, detail: `${acls.length} ACL(s), ${rules} rules`,
  });
  return items.map(i => ({ ...i, monthly: round(i.monthly) }));
}

function scalableTargetOf(template: Json, serviceId: string): Json | undefined {
  return Object.values<Json>(template.Resources).find(t => t.Type === 'AWS::ApplicationAutoScaling::ScalableTarget'
    && JSON.stringify(t.Properties.ResourceId).includes(`"${serviceId}"`));
}

/** The collectors' metrics and log volume at minimum scale, from their configurations in the template. */
export function emfOf(template: Json): { metrics: number; gb: number; scrape: string } {
  let metrics = 0;
  let bytes = 0;
  const scrapes = new Set<string>();
  for (const [serviceId, service] of Object.entries<Json>(template.Resources).filter(([, r]) => r.Type === 'AWS::ECS::Service')) {
    const taskDefinition = template.Resources[service.Properties.TaskDefinition.Ref];
    const collector = taskDefinition.Properties.ContainerDefinitions.find((c: Json) => c.Name === 'metrics-collector');
    if (!collector) continue;
    const value = collector.Environment.find((e: Json) => e.Name === 'AOT_CONFIG_CONTENT').Value;
    const text: string = typeof value === 'string' ? value : value['Fn::Join'][1].map((x: Json) => (typeof x === 'string' ? x : 'ref')).join('');
    const config = JSON.parse(text);
    const kept: number = config.exporters.awsemf.metric_declarations.reduce((n: number, d: Json) => n + d.metric_name_selectors.length, 0);
    const interval = Number(/^(\d+)s$/.exec(config.receivers.prometheus.config.global.scrape_interval)![1]);
    const tasks: number = scalableTargetOf(template, serviceId)?.Properties.MinCapacity ?? service.Properties.DesiredCount ?? 1;
    metrics += kept;
    bytes += tasks * (SECONDS_PER_MONTH / interval) * (EMF_EVENT.baseBytes + EMF_EVENT.perMetricBytes * kept + EMF_EVENT.overheadBytes);
    scrapes.add(`${interval} s scrapes`);
  }
  return { metrics, gb: bytes / 1e9, scrape: [...scrapes].join('/') };
}

/** Image pulls through the NAT gateway when the autoscaled services scale out, and for a deployment. */
export function scaleOutOf(template: Json, region: string): ScaleOutCost {
  const prices = pricesOf(region);
  const gbPerTask: Record<string, number> = {};
  const perTask: Record<string, number> = {};
  let burstTasks = 0;
  let burst = 0;
  let deployment = 0;
  for (const [serviceId, service] of Object.entries<Json>(template.Resources).filter(([, r]) => r.Type === 'AWS::ECS::Service')) {
    const gb = imagesOf(template.Resources[service.Properties.TaskDefinition.Ref]).reduce((n, image) => n + imageGb(image), 0);
    const target = scalableTargetOf(template, serviceId);
    const min: number = target?.Properties.MinCapacity ?? service.Properties.DesiredCount ?? 1;
    deployment += min * gb * prices.natGatewayGb.usd;
    if (!target) continue;
    const name = serviceId.replace(/^Membrane(Services)?/, '').replace(/Service[0-9A-F]{8}$/, '');
    gbPerTask[name] = round(gb);
    perTask[name] = round(gb * prices.natGatewayGb.usd);
    const tasks = target.Properties.MaxCapacity - target.Properties.MinCapacity;
    burstTasks += tasks;
    burst += tasks * gb * prices.natGatewayGb.usd;
  }
  return { gbPerTask, perTask, burstTasks, burst: round(burst), deployment: round(deployment) };
}

export function total(items: readonly CostItem[]): number {
  return round(items.reduce((sum, i) => sum + i.monthly, 0));
}

export interface ExampleCosts {
  readonly region: string;
  readonly production: CostItem[];
  readonly development: CostItem[];
  readonly scaleOut: ScaleOutCost;
}

/** Both example stacks at their own region's prices (the same region), or at `region`'s. */
export function exampleCosts(region?: string): ExampleCosts {
  const { production, development } = exampleApp();
  const regionOf = (stack: Stack) => region ?? stack.region;
  if (regionOf(production) !== regionOf(development)) throw new Error('the example stacks run in different regions: price them one at a time');
  const prod = Template.fromStack(production).toJSON();
  return {
    region: regionOf(production),
    production: costOf(prod, regionOf(production)),
    development: costOf(Template.fromStack(development).toJSON(), regionOf(development)),
    scaleOut: scaleOutOf(prod, regionOf(production)),
  };
}

/** The cost table of docs/cost.md, naming the region it priced, and the scale-out costs below it. */
export function costTable(costs: ExampleCosts): string {
  const cell = (i: CostItem) => `$${i.monthly.toFixed(2)} (${i.detail})`;
  const rows = costs.production.map((i, n) => `| ${i.item} | ${cell(i)} | ${cell(costs.development[n])} |`);
  const s = costs.scaleOut;
  const nat = pricesOf(costs.region).natGatewayGb.usd;
  return [`| item (${costs.region} list prices) | production example | development example |`, '|---|---|---|', ...rows,
    `| **total** | **$${total(costs.production).toFixed(2)}** | **$${total(costs.development).toFixed(2)}** |`,
    '',
    `Scale-out, not in the idle total (production example, NAT data processing at $${nat}/GB): each task started pulls its images `
      + `through the NAT gateway, ${Object.entries(s.perTask).map(([service, usd]) => `${service} $${usd.toFixed(3)} (${s.gbPerTask[service]} GB)`)
        .join(', ')}; `
      + `one burst of every autoscaled service from its minimum to its maximum starts ${s.burstTasks} tasks: $${s.burst.toFixed(2)}; `
      + `a deployment that replaces every task at minimum scale: $${s.deployment.toFixed(2)}.`].join('\n');
}

/** The price list with sources, for `-- --prices`. */
export function priceList(region: string): string {
  const prices = pricesOf(region);
  const rows: string[] = [];
  const walk = (prefix: string, value: Json) => {
    if (value && typeof value.usd === 'number') {
      const price = value as Price;
      rows.push(`| ${prefix} | ${price.usd} | ${SOURCES[price.source]} | ${price.asOf} | ${price.estimate ?? ''} |`);
    } else {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    }
  };
  walk('', prices);
  walk('', GLOBAL_PRICES);
  return [`| price (${region}) | USD | source | as of | estimate |`, '|---|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module) {
  const argument = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  try {
    const costs = exampleCosts(argument('--region'));
    const text = process.argv.includes('--prices') ? priceList(costs.region)
      : process.argv.includes('--json') ? JSON.stringify(costs, undefined, 2) : costTable(costs);
    process.stdout.write(`${text}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
