import { Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DEFAULT_BUFFER_RATIO, DEFAULT_BURST_COOLDOWN, SCRAPE_INTERVAL_RANGE } from './defaults';
import { COLLECTOR_CONTAINER } from './private/collector';
import { SCRAPED } from './private/metrics';
import { MembraneFrontendStrategy, MembraneScalingProps } from './props';
import { known, propError, requireRange } from '../common/validation';
import { FRONTEND_SERVICE_KEYS } from '../services/private/services-table';

/**
 * Checks the props of a `MembraneScaling` (`namespace` and `scrapeInterval` with their defaults). The bounds and
 * targets of each service are checked where its policies are made (private/policies.ts).
 */
export function validateScalingProps(scope: IConstruct, props: MembraneScalingProps, namespace: string, scrapeInterval: Duration): void {
  if (SCRAPED.some(spec => props.services[spec.key].taskDefinition.node.tryFindChild(COLLECTOR_CONTAINER))) {
    throw propError(scope, 'services', `${props.services.node.path} already has a MembraneScaling`,
      'Apply MembraneScaling once per MembraneEcsServices and give all options to that one.');
  }
  if (known(namespace) && (/^AWS\//.test(namespace) || !/^[A-Za-z0-9.\-_/#:]{1,255}$/.test(namespace))) {
    throw propError(scope, 'namespace', `'${namespace}' cannot hold custom metrics`,
      'CloudWatch reserves namespaces starting with AWS/; use letters, digits and . - _ / # :, e.g. \'Membrane\'.');
  }
  requireRange(scope, 'instantQueueAlarmThreshold', props.instantQueueAlarmThreshold, 1, 1_000_000,
    'Give the number of waiting instant jobs that should raise the alarm (default 100).');
  checkScrapeInterval(scope, scrapeInterval);
  requireRange(scope, 'queuedTasksWorker.bufferRatio', props.queuedTasksWorker?.bufferRatio ?? DEFAULT_BUFFER_RATIO, 0, 5,
    '"Autoscaling Configuration" uses 0.3 (30 % burst capacity).');
  checkBurstScaling(scope, props);
  checkFrontends(scope, props);
}

function checkScrapeInterval(scope: IConstruct, scrapeInterval: Duration): void {
  const { minSeconds, maxSeconds } = SCRAPE_INTERVAL_RANGE;
  if (!scrapeInterval.isUnresolved() && scrapeInterval.toMilliseconds() % 1000 !== 0) {
    throw propError(scope, 'scrapeInterval', `${scrapeInterval.toHumanString()} is not a whole number of seconds`,
      'The collector takes the interval in seconds: use Duration.seconds(n).');
  }
  if (!scrapeInterval.isUnresolved() && (scrapeInterval.toSeconds() < minSeconds || scrapeInterval.toSeconds() > maxSeconds)) {
    throw propError(scope, 'scrapeInterval', `${scrapeInterval.toHumanString()} is outside ${minSeconds} to ${maxSeconds} seconds`,
      'Scaling decisions use one-minute metrics; scrape at least once a minute ("Autoscaling Configuration" polls every 15 s).');
  }
  if (!scrapeInterval.isUnresolved() && 60 % scrapeInterval.toSeconds() !== 0) {
    throw propError(scope, 'scrapeInterval', `${scrapeInterval.toHumanString()} does not divide a minute`,
      'The burst alarms count the tasks by the samples in each period: use 5, 6, 10, 12, 15, 20, 30 or 60 seconds.');
  }
}

function checkBurstScaling(scope: IConstruct, props: MembraneScalingProps): void {
  if (!(props.burstScaling ?? true)) {
    if (props.burstCooldown !== undefined) {
      throw propError(scope, 'burstCooldown', 'it is set but burstScaling is false',
        'Remove burstCooldown, or turn burstScaling on.');
    }
    return;
  }
  const cooldown = props.burstCooldown ?? DEFAULT_BURST_COOLDOWN;
  if (!cooldown.isUnresolved() && (cooldown.toMilliseconds() % 1000 !== 0 || cooldown.toSeconds() > 3600)) {
    throw propError(scope, 'burstCooldown', `${cooldown.toHumanString()} is not a whole number of seconds up to an hour`,
      'Give Duration.seconds(n); the default, 300 s, covers a task start and the delay of the metrics that count it.');
  }
}

/** The UI and Console have a fixed count unless their strategy is CPU: bounds or a target would be ignored. */
function checkFrontends(scope: IConstruct, props: MembraneScalingProps): void {
  for (const key of FRONTEND_SERVICE_KEYS) {
    const options = props[key] ?? {};
    if ((options.strategy ?? MembraneFrontendStrategy.FIXED) === MembraneFrontendStrategy.CPU) continue;
    if (options.minCapacity !== undefined || options.maxCapacity !== undefined || options.target !== undefined) {
      throw propError(scope, `${key}.strategy`, 'capacity or target is set but the strategy is FIXED',
        `Set ${key}.strategy to MembraneFrontendStrategy.CPU, or size the fixed count with the services' desiredCount.`);
    }
  }
}
