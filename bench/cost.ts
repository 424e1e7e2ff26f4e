/**
 * Idle monthly cost of the example stacks at minimum scale, computed from their synthesized templates with
 * us-east-1 on-demand list prices (730 hours a month), without MongoDB, data transfer and per-request charges.
 * `npx projen cost` prints the table; `-- --json` the items as JSON.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { exampleApp } from '../test/example-app';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const HOURS = 730;

/** us-east-1 list prices (USD), as published on the AWS pricing pages. */
export const PRICES = {
  fargate: {
    X86_64: { vcpuHour: 0.04048, gbHour: 0.004445 },
    ARM64: { vcpuHour: 0.03238, gbHour: 0.00356 },
  },
  /** Fargate Spot is priced by the market; taken as 70 % off the on-demand price, its usual discount. */
  spotDiscount: 0.7,
  /** ElastiCache on-demand node hours for Redis OSS. */
  cacheNodeHour: {
    'cache.t4g.micro': 0.016, 'cache.t4g.small': 0.032, 'cache.t4g.medium': 0.065, 'cache.m7g.large': 0.158, 'cache.r7g.large': 0.219,
  } as Record<string, number>,
  /** ElastiCache prices Valkey nodes 20 % below Redis OSS nodes of the same type. */
  valkeyDiscount: 0.2,
  natGatewayHour: 0.045,
  albHour: 0.0225,
  lcuHour: 0.008,
  publicIpv4Hour: 0.005,
  interfaceEndpointHour: 0.01,
  secretMonth: 0.4,
  kmsKeyMonth: 1,
  dashboardMonth: 3,
  alarmMetricMonth: 0.1,
  wafAclMonth: 5,
  wafRuleMonth: 1,
} as const;

export interface CostItem {
  readonly item: string;
  readonly monthly: number;
  readonly detail: string;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** The cost items of one synthesized template. */
export function costOf(template: Json): CostItem[] {
  const resources: Array<[string, Json]> = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const items: CostItem[] = [];

  // Fargate: each service at its minimum (the scalable target's MinCapacity, else its DesiredCount).
  let fargate = 0;
  const counts: string[] = [];
  for (const [serviceId, service] of ofType('AWS::ECS::Service')) {
    const target = ofType('AWS::ApplicationAutoScaling::ScalableTarget')
      .find(([, t]) => JSON.stringify(t.Properties.ResourceId).includes(`"${serviceId}"`));
    const count: number = target ? target[1].Properties.MinCapacity : service.Properties.DesiredCount ?? 1;
    const taskDefinition = template.Resources[service.Properties.TaskDefinition.Ref].Properties;
    const arch: 'X86_64' | 'ARM64' = taskDefinition.RuntimePlatform?.CpuArchitecture ?? 'X86_64';
    const price = PRICES.fargate[arch];
    const hourly = (Number(taskDefinition.Cpu) / 1024) * price.vcpuHour + (Number(taskDefinition.Memory) / 1024) * price.gbHour;
    // With the Spot strategy the base task runs on demand; the others on Spot.
    const strategy: Json[] = service.Properties.CapacityProviderStrategy ?? [];
    const base = strategy.find(s => s.CapacityProvider === 'FARGATE')?.Base ?? 0;
    const spot = strategy.some(s => s.CapacityProvider === 'FARGATE_SPOT') ? Math.max(0, count - base) : 0;
    fargate += hourly * HOURS * ((count - spot) + spot * (1 - PRICES.spotDiscount));
    counts.push(`${count}${spot ? ` (${spot} Spot)` : ''}`);
  }
  const arches = [...new Set(ofType('AWS::ECS::TaskDefinition').map(([, t]) => t.Properties.RuntimePlatform?.CpuArchitecture ?? 'X86_64'))];
  items.push({ item: 'Fargate', monthly: fargate, detail: `${arches.join('/')}, tasks per service ${counts.join(', ')}` });

  let cache = 0;
  const engines = new Set<string>();
  for (const [, group] of ofType('AWS::ElastiCache::ReplicationGroup')) {
    const type: string = group.Properties.CacheNodeType;
    const redisPrice = PRICES.cacheNodeHour[type];
    if (redisPrice === undefined) throw new Error(`no price for ${type}: add it to PRICES.cacheNodeHour`);
    engines.add(group.Properties.Engine);
    const price = group.Properties.Engine === 'valkey' ? redisPrice * (1 - PRICES.valkeyDiscount) : redisPrice;
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
  items.push({ item: 'NAT gateways', monthly: nats * PRICES.natGatewayHour * HOURS, detail: `${nats}` });
  const albs = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
  items.push({ item: 'Load balancer (1 LCU)', monthly: albs.length * (PRICES.albHour + PRICES.lcuHour) * HOURS, detail: `${albs.length}` });
  // Public IPv4: one per NAT gateway (its Elastic IP) and one per AZ of an internet-facing load balancer.
  const albIps = albs.filter(([, a]) => a.Properties.Scheme !== 'internal').reduce((n, [, a]) => n + (a.Properties.Subnets?.length ?? 0), 0);
  const ips = ofType('AWS::EC2::EIP').length + albIps;
  items.push({ item: 'Public IPv4 addresses', monthly: ips * PRICES.publicIpv4Hour * HOURS, detail: `${ips}` });
  const endpoints = ofType('AWS::EC2::VPCEndpoint').filter(([, e]) => e.Properties.VpcEndpointType === 'Interface');
  const endpointAzs = endpoints.reduce((n, [, e]) => n + (e.Properties.SubnetIds?.length ?? 1), 0);
  items.push({ item: 'VPC interface endpoints', monthly: endpointAzs * PRICES.interfaceEndpointHour * HOURS, detail: `${endpoints.length} x AZs` });
  const secrets = ofType('AWS::SecretsManager::Secret').length;
  items.push({ item: 'Secrets Manager (created here)', monthly: secrets * PRICES.secretMonth, detail: `${secrets}` });
  const keys = ofType('AWS::KMS::Key').length;
  items.push({ item: 'KMS keys', monthly: keys * PRICES.kmsKeyMonth, detail: `${keys}` });
  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  const alarmMetrics = ofType('AWS::CloudWatch::Alarm')
    .reduce((n, [, a]) => n + Math.max(1, (a.Properties.Metrics ?? []).filter((m: Json) => m.MetricStat).length), 0);
  items.push({
    item: 'Dashboard and alarms',
    monthly: dashboards * PRICES.dashboardMonth + alarmMetrics * PRICES.alarmMetricMonth,
    detail: `${dashboards} dashboard(s), ${alarmMetrics} alarm metrics`,
  });
  const acls = ofType('AWS::WAFv2::WebACL');
  const rules = acls.reduce((n, [, a]) => n + (a.Properties.Rules?.length ?? 0), 0);
  items.push({
    item: 'AWS WAF', monthly: acls.length * PRICES.wafAclMonth + rules * PRICES.wafRuleMonth, detail: `${acls.length} ACL(s), ${rules} rules`,
  });
  return items.map(i => ({ ...i, monthly: round(i.monthly) }));
}

export function total(items: readonly CostItem[]): number {
  return round(items.reduce((sum, i) => sum + i.monthly, 0));
}

/** Both example stacks. */
export function exampleCosts(): { production: CostItem[]; development: CostItem[] } {
  const { production, development } = exampleApp();
  return { production: costOf(Template.fromStack(production).toJSON()), development: costOf(Template.fromStack(development).toJSON()) };
}

/** The README's cost table. */
export function costTable(costs: { production: CostItem[]; development: CostItem[] }): string {
  const cell = (i: CostItem) => `$${i.monthly.toFixed(2)} (${i.detail})`;
  const rows = costs.production.map((p, i) => `| ${p.item} | ${cell(p)} | ${cell(costs.development[i])} |`);
  return ['| item | production example | development example |', '|---|---|---|', ...rows,
    `| **total** | **$${total(costs.production).toFixed(2)}** | **$${total(costs.development).toFixed(2)}** |`].join('\n');
}

if (require.main === module) {
  const costs = exampleCosts();
  process.stdout.write(`${process.argv.includes('--json') ? JSON.stringify(costs, undefined, 2) : costTable(costs)}\n`);
}
