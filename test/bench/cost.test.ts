import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration } from 'aws-cdk-lib';
import { costTable, exampleCosts } from '../../bench/cost';
import { CostItem, costOf, emfOf, total } from '../../bench/cost/estimate';
import { GLOBAL_PRICES, KNOWN_REGIONS, Price, pricesOf, REGION_PRICES, SOURCES } from '../../bench/cost/prices';
import { scaleOutOf } from '../../bench/cost/scale-out';
import { productionTemplate } from '../../bench/scaling/run';

const item = (items: CostItem[], name: string) => items.find(i => i.item === name)!;

describe('the cost script (npx projen cost)', () => {
  const costs = exampleCosts();

  test('docs/cost.md shows the current table, naming the region it priced', () => {
    const page = readFileSync(join(__dirname, '..', '..', 'docs', 'cost.md'), 'utf-8');
    expect(costTable(costs)).toMatch(/^\| item \(eu-central-1 list prices\) \|/);
    expect(page).toContain(`<!-- cost table (the tests check it is current) -->\n${costTable(costs)}\n<!-- end cost table -->`);
  });

  test('the README names the current totals of both examples', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf-8').replace(/\s+/g, ' ');
    expect(readme).toContain(`Idle, at ${costs.region} list prices: **$${total(costs.production).toFixed(2)}** a month for the production example `
      + `and **$${total(costs.development).toFixed(2)}** for the development one`);
  });

  test('the examples are priced where they run: eu-central-1', () => {
    expect(costs.region).toBe('eu-central-1');
    // On ARM64 at Frankfurt's prices: 5.5 vCPU and 20 GB on regular Fargate (two API tasks of 1 vCPU / 4 GB, two UI and
    // two Console tasks of 0.25 vCPU / 0.5 GB, both queued workers and the first instant worker, runner and orchestrator
    // task of 0.5 vCPU / 2 GB) and 1.5 vCPU and 6 GB on Spot (the second task of those three). Frankfurt's list prices
    // (AWS Fargate pricing): $0.03725 a vCPU-hour and $0.00409 a GB-hour on ARM64, Spot 70 % off; 730 hours a month:
    // (5.5 x 0.03725 + 20 x 0.00409 + (1.5 x 0.03725 + 6 x 0.00409) x 0.3) x 730 = $226.88.
    expect(item(costs.production, 'Fargate').monthly).toBeCloseTo(226.88, 1);
    // Two NAT gateways at $0.052 an hour (Amazon VPC pricing).
    expect(item(costs.production, 'NAT gateways').monthly).toBeCloseTo(75.92, 1);
    expect(item(costs.production, 'Public IPv4 addresses').detail).toBe('4');
    // The same stacks at us-east-1 prices cost less: the region matters.
    expect(total(exampleCosts('us-east-1').production)).toBeLessThan(total(costs.production));
  });

  test('four regions, each price with its source and date', () => {
    expect(KNOWN_REGIONS).toEqual(expect.arrayContaining(['us-east-1', 'eu-central-1', 'eu-west-1', 'us-west-2']));
    // The price tables nest objects down to their prices: any object with a numeric usd is one.
    const isPrice = (value: unknown): value is Price => typeof (value as Partial<Price> | undefined)?.usd === 'number';
    const check = (value: unknown) => {
      if (isPrice(value)) {
        expect(SOURCES[value.source]).toMatch(/^https:\/\/aws\.amazon\.com\//);
        expect(value.asOf).toMatch(/\d{4}/);
        expect(value.usd).toBeGreaterThan(0);
      } else {
        for (const v of Object.values(value as object)) check(v);
      }
    };
    for (const region of KNOWN_REGIONS) check(REGION_PRICES[region]);
    check(GLOBAL_PRICES);
  });

  test('another region is a clear error naming the known ones', () => {
    expect(() => pricesOf('ap-south-1')).toThrow(/no prices for region 'ap-south-1': this script knows us-east-1, us-west-2, eu-west-1, eu-central-1/);
    expect(() => exampleCosts('sa-east-1')).toThrow(/no prices for region 'sa-east-1'/);
    expect(() => pricesOf(undefined)).toThrow(/the stack has no region/);
  });

  test('a one-task Spot service pays on demand: its base task is not on Spot', () => {
    const template = {
      Resources: {
        Td: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: { Cpu: '1024', Memory: '2048', RuntimePlatform: { CpuArchitecture: 'ARM64' }, ContainerDefinitions: [] },
        },
        Svc: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: { Ref: 'Td' },
            DesiredCount: 1,
            CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 1, Weight: 0 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
          },
        },
      },
    };
    // 1 vCPU and 2 GB on regular Fargate: (0.03725 + 2 x 0.00409) x 730 = $33.16 a month.
    expect(item(costOf(template, 'eu-central-1'), 'Fargate').monthly).toBeCloseTo(33.16, 1);
    const svc = template.Resources.Svc;
    const three = { Resources: { ...template.Resources, Svc: { ...svc, Properties: { ...svc.Properties, DesiredCount: 3 } } } };
    // The base task on demand, the other two at 30 % of it: 33.1639 x 1.6.
    expect(item(costOf(three, 'eu-central-1'), 'Fargate').monthly).toBeCloseTo(53.06, 1);
  });

  test('alarms: every metric of an alarm, high-resolution ones at their price, target tracking\'s own alarms included', () => {
    const metric = (period: number) => ({ MetricStat: { Period: period, Stat: 'Maximum', Metric: { MetricName: 'm' } }, ReturnData: false });
    const template = {
      Resources: {
        Fast: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [{ Expression: 'a - b' }, metric(10), metric(10)] } },
        Slow: { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 60, MetricName: 'x' } },
        Tracking: {
          Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
          Properties: {
            PolicyType: 'TargetTrackingScaling',
            TargetTrackingScalingPolicyConfiguration: { CustomizedMetricSpecification: { Metrics: [metric(60), metric(60)] } },
          },
        },
        OutOnly: {
          Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
          Properties: { PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { DisableScaleIn: true } },
        },
      },
    };
    const alarms = item(costOf(template, 'eu-central-1'), 'Dashboard and alarms');
    // 2 high-resolution metrics at $0.30 a month; 1 + 2 x 2 (both tracking alarms) + 1 (scale-out alarm only) standard at $0.10
    // (Amazon CloudWatch pricing).
    expect(alarms.monthly).toBeCloseTo(2 * 0.3 + 6 * 0.1, 2);
    expect(alarms.detail).toContain('6 alarm metrics');
    expect(alarms.detail).toContain('2 high-resolution');
  });

  test('the collectors\' metrics and log volume follow their scrape interval', () => {
    const fast = emfOf(productionTemplate());
    const slow = emfOf(productionTemplate({ scrapeInterval: Duration.seconds(15) }));
    expect(fast.metrics).toBe(9);
    expect(fast.gb).toBeCloseTo(3 * slow.gb, 5);
    const ingest = item(costs.production, 'Membrane metrics (EMF)');
    // $0.30 a custom metric a month, $0.63 a GB of logs ingested in Frankfurt (Amazon CloudWatch pricing).
    expect(ingest.monthly).toBeCloseTo(9 * 0.3 + fast.gb * 0.63, 1);
  });

  test('the scaling changes grow the idle bill by less than $10 a month', () => {
    // Against target tracking alone at 15 s scrapes: no burst or scale-in alarms, a third of the log volume.
    const before = total(costOf(productionTemplate({ burstScaling: false, scrapeInterval: Duration.seconds(15) }), 'eu-central-1'));
    const after = total(costs.production);
    expect(after - before).toBeGreaterThan(0);
    expect(after - before).toBeLessThan(10);
  });

  test('a scale-out pulls each new task\'s images through the NAT gateway', () => {
    const template = {
      Resources: {
        Td: {
          Type: 'AWS::ECS::TaskDefinition',
          Properties: {
            Cpu: '512',
            Memory: '2048',
            ContainerDefinitions: [
              { Name: 'api', Image: 'harbor.getmembrane.com/core/api:2026-01-14' },
              { Name: 'metrics-collector', Image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0' },
            ],
          },
        },
        MembraneServicesApiService4822D663: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Td' } } },
        Target: {
          Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
          Properties: {
            MinCapacity: 2,
            MaxCapacity: 10,
            ResourceId: { 'Fn::Join': ['', ['service/', { 'Fn::GetAtt': ['MembraneServicesApiService4822D663', 'Name'] }]] },
          },
        },
      },
    };
    const pulls = scaleOutOf(template, 'eu-central-1');
    expect(pulls.gbPerTask).toEqual({ Api: 1.1 });
    expect(pulls.burstTasks).toBe(8);
    // $0.052 a GB through a NAT gateway in Frankfurt (Amazon VPC pricing).
    expect(pulls.burst).toBeCloseTo(8 * 1.1 * 0.052, 2);
    expect(pulls.deployment).toBeCloseTo(2 * 1.1 * 0.052, 2);
    // The production example: the four autoscaled services.
    expect(Object.keys(costs.scaleOut.perTask).sort()).toEqual(['Api', 'CustomCodeRunner', 'InstantTasksWorker', 'QueuedTasksWorker']);
    expect(costs.scaleOut.burstTasks).toBe(8 + 18 + 48 + 18);
  });

  test('a dual-stack load balancer without public IPv4 pays for no public address', () => {
    const alb = (type?: string) => ({
      Resources: {
        Lb: {
          Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', Subnets: ['a', 'b'], IpAddressType: type },
        },
      },
    });
    expect(item(costOf(alb(), 'eu-central-1'), 'Public IPv4 addresses').detail).toBe('2');
    expect(item(costOf(alb('dualstack'), 'eu-central-1'), 'Public IPv4 addresses').detail).toBe('2');
    expect(item(costOf(alb('dualstack-without-public-ipv4'), 'eu-central-1'), 'Public IPv4 addresses').detail).toBe('0');
  });
});
