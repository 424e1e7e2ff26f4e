import { readFileSync } from 'fs';
import { join } from 'path';
import { CostItem, costOf, costTable, exampleCosts, PRICES, total } from '../bench/cost';

describe('the cost script (npx projen cost)', () => {
  const costs = exampleCosts();
  const item = (items: CostItem[], name: string) => items.find(i => i.item === name)!;

  test('the README shows the current table', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf-8');
    expect(readme).toContain(`<!-- cost table (the tests check it is current) -->\n${costTable(costs)}\n<!-- end cost table -->`);
  });

  test('production at minimum scale: 2 tasks of every service on ARM64, 2 NAT gateways, 4 public IPv4 addresses', () => {
    // 8 vCPU and 28 GB on ARM64: (8 x 0.03238 + 28 x 0.00356) x 730.
    expect(item(costs.production, 'Fargate').monthly).toBeCloseTo((8 * PRICES.fargate.ARM64.vcpuHour + 28 * PRICES.fargate.ARM64.gbHour) * 730, 1);
    expect(item(costs.production, 'NAT gateways').detail).toBe('2');
    expect(item(costs.production, 'Public IPv4 addresses').detail).toBe('4');
    expect(total(costs.production)).toBeGreaterThan(0);
  });

  test('a one-task Spot service pays on demand: its base task is not on Spot', () => {
    const template = {
      Resources: {
        Td: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '1024', Memory: '2048', RuntimePlatform: { CpuArchitecture: 'ARM64' } } },
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
    const onDemand = (PRICES.fargate.ARM64.vcpuHour + 2 * PRICES.fargate.ARM64.gbHour) * 730;
    expect(item(costOf(template), 'Fargate').monthly).toBeCloseTo(onDemand, 1);
    const svc = template.Resources.Svc;
    const three = { Resources: { ...template.Resources, Svc: { ...svc, Properties: { ...svc.Properties, DesiredCount: 3 } } } };
    expect(item(costOf(three), 'Fargate').monthly).toBeCloseTo(onDemand * (1 + 2 * (1 - PRICES.spotDiscount)), 1);
  });
});
