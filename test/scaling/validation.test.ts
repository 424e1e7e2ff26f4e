import { Duration } from 'aws-cdk-lib';
import { build } from './support';
import { MembraneEcsServices, MembraneQueuedWorkerStrategy, MembraneScaling, MembraneScalingProps } from '../../lib';
import { buildServices } from '../fixtures';
import { describeCdkTest } from '../harness';

// MembraneScaling rejects bad input.

describeCdkTest('MembraneScaling rejects bad input', () => {
  test.each<[string, Partial<MembraneScalingProps>, RegExp]>([
    ['min above max', { api: { minCapacity: 5, maxCapacity: 3 } }, /invalid 'api.minCapacity': 5 is above maxCapacity 3/],
    ['zero minimum', { customCodeRunner: { minCapacity: 0 } }, /invalid 'customCodeRunner.minCapacity': 0 is not a whole number from 1 to 1000/],
    ['fractional maximum', { instantTasksWorker: { maxCapacity: 2.5 } }, /invalid 'instantTasksWorker.maxCapacity'/],
    ['utilization target above 1', { queuedTasksWorker: { target: 1.5 } }, /invalid 'queuedTasksWorker.target': 1.5 is outside \(0, 1\]/],
    ['CPU target above 100', { api: { target: 150 } }, /invalid 'api.target'/],
    ['zero target', { customCodeRunner: { target: 0 } }, /invalid 'customCodeRunner.target'/],
    ['negative buffer', { queuedTasksWorker: { strategy: MembraneQueuedWorkerStrategy.WORKERS_REQUIRED, bufferRatio: -0.1 } },
      /invalid 'queuedTasksWorker.bufferRatio'/],
    ['bounds on a fixed frontend', { ui: { maxCapacity: 4 } }, /invalid 'ui.strategy': capacity or target is set but the strategy is FIXED/],
    ['scrape interval too long', { scrapeInterval: Duration.minutes(5) }, /invalid 'scrapeInterval'/],
    ['a scrape interval in milliseconds', { scrapeInterval: Duration.millis(15500) },
      /invalid 'scrapeInterval': 15 seconds 500 millis is not a whole number of seconds/],
    ['a scrape interval that does not divide a minute', { scrapeInterval: Duration.seconds(7) },
      /invalid 'scrapeInterval': 7 seconds does not divide a minute/],
    ['an AWS/ namespace', { namespace: 'AWS/Membrane' }, /invalid 'namespace': 'AWS\/Membrane' cannot hold custom metrics/],
    ['a namespace with spaces', { namespace: 'Membrane prod' }, /invalid 'namespace'/],
    ['a zero instant queue threshold', { instantQueueAlarmThreshold: 0 }, /invalid 'instantQueueAlarmThreshold'/],
    ['a memory target above 100', { api: { memoryTarget: 120 } }, /invalid 'api.memoryTarget': 120 is outside \(0, 100\]/],
    ['a zero memory target', { api: { memoryTarget: 0 } }, /invalid 'api.memoryTarget'/],
    ['a burst cooldown without burst scaling', { burstScaling: false, burstCooldown: Duration.seconds(60) },
      /invalid 'burstCooldown': it is set but burstScaling is false/],
    ['a burst cooldown in milliseconds', { burstCooldown: Duration.millis(1500) }, /invalid 'burstCooldown'/],
    ['a burst cooldown of two hours', { burstCooldown: Duration.hours(2) }, /invalid 'burstCooldown'/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('services are required', () => {
    const b = buildServices();
    expect(() => new MembraneScaling(b.stack, 'Scaling', { services: undefined as unknown as MembraneEcsServices })).toThrow();
  });
});
