/**
 * Idle monthly cost of the example stacks at minimum scale, computed from their synthesized templates with the
 * on-demand list prices of each stack's own region (730 hours a month), without MongoDB, data transfer and
 * per-request charges; and what a scale-out costs in image pulls through the NAT gateways.
 * `npx projen cost` prints the tables; `-- --region <region>` prices another known region; `-- --json` the items
 * as JSON; `-- --prices` the price list with its sources.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CostItem, costOf, total } from './cost/estimate';
import { GLOBAL_PRICES, Price, pricesOf, SOURCES } from './cost/prices';
import { ScaleOutCost, scaleOutOf } from './cost/scale-out';
import { exampleApp } from '../test/example-app';

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

const isPrice = (value: unknown): value is Price => typeof (value as Partial<Price> | undefined)?.usd === 'number';

/** The price list with sources, for `-- --prices`. */
export function priceList(region: string): string {
  const prices = pricesOf(region);
  const rows: string[] = [];
  const walk = (prefix: string, value: unknown) => {
    if (isPrice(value)) {
      rows.push(`| ${prefix} | ${value.usd} | ${SOURCES[value.source]} | ${value.asOf} | ${value.estimate ?? ''} |`);
    } else {
      for (const [k, v] of Object.entries(value as Readonly<Record<string, unknown>>)) walk(prefix ? `${prefix}.${k}` : k, v);
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
