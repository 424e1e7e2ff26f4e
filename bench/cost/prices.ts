/**
 * The list prices the cost estimate uses: those that are the same in every region, and those of each known region,
 * each with its source page and date.
 */
import { Token } from 'aws-cdk-lib';

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
      + 'Add the region to REGION_PRICES in bench/cost/prices.ts with each price\'s source and date.');
  }
  return prices;
}
