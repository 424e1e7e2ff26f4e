/**
 * The scaling benchmark: synthesizes the production example with its default scaling and with target tracking
 * only, replays every scenario against each autoscaled service's policies, and adds Membrane's KEDA
 * configuration as a reference. `--summary` prints the tables of docs/scaling.md: the summary at the slower readings and the
 * sensitivity of each headline claim to the ingestion delay and the task start.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { KEDA_SERVICES, simulateKeda } from './keda';
import { simulate } from './model';
import { DEFAULT_OPTIONS, Result, SCENARIOS, SENSITIVITY, SimulationOptions } from './scenarios';
import { readScalingModel, ScalingModel } from './template';
import { MembraneScalingOptions } from '../../lib';
import { exampleApp } from '../../test/example-app';

/** The production example's template with the given scaling options. */
export function productionTemplate(scaling?: MembraneScalingOptions): unknown {
  return Template.fromStack(exampleApp(scaling).production).toJSON();
}

export const CONFIGS: ReadonlyArray<{ readonly name: string; readonly scaling?: MembraneScalingOptions }> = [
  { name: 'defaults' },
  { name: 'target tracking only', scaling: { burstScaling: false } },
];

/** The scaling models of the configurations, synthesized once. */
export function configModels(): Record<string, ScalingModel> {
  return Object.fromEntries(CONFIGS.map(c => [c.name, readScalingModel(productionTemplate(c.scaling))]));
}

/** Every service, scenario and configuration (`scenarios` narrows them). */
export function runBenchmark(options: SimulationOptions = DEFAULT_OPTIONS, models?: Record<string, ScalingModel>,
  scenarios: readonly string[] = SCENARIOS.map(s => s.name)): Result[] {
  const results: Result[] = [];
  const chosen = SCENARIOS.filter(s => scenarios.includes(s.name));
  for (const config of CONFIGS) {
    const model = models?.[config.name] ?? readScalingModel(productionTemplate(config.scaling));
    for (const svc of model.services) {
      for (const scenario of chosen) results.push(simulate(config.name, model, svc, scenario, options));
      if (config.name === 'defaults' && svc.protectsBusyTasks) {
        // What the task-protection sidecar saves: the same policies with ECS free to stop busy workers.
        const unprotected = { ...svc, protectsBusyTasks: false };
        for (const scenario of chosen) results.push(simulate('defaults, no task protection', model, unprotected, scenario, options));
      }
    }
  }
  for (const svc of KEDA_SERVICES) {
    for (const scenario of chosen) results.push(simulateKeda(svc, scenario, options));
  }
  return results;
}

const scenarioIndex = (r: Result) => SCENARIOS.findIndex(s => s.name === r.scenario);
const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
const head = (cells: string[]) => [line(cells), line(cells.map(() => '---'))];

export const duration = (seconds: number | null) =>
  (seconds === null ? 'never' : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`);

/** A time to a count, with the count when it stops short of what the load needs (KEDA's queued worker: 48 of 50). */
const reaching = (r: Result, seconds: number | null) =>
  (r.tasksReached < r.requiredTasks && seconds !== null ? `${duration(seconds)} (${r.tasksReached} of ${r.requiredTasks})` : duration(seconds));

/** The results as a Markdown table. */
export function table(results: readonly Result[]): string {
  const rows = [...results]
    .sort((a, b) => a.service.localeCompare(b.service) || scenarioIndex(a) - scenarioIndex(b))
    .map(r => [r.service, r.scenario, r.config, String(r.requiredTasks), reaching(r, r.secondsToDecision), reaching(r, r.secondsToCapacity),
      String(r.peakOverProvisioning), String(r.scalingActions), r.taskHours.toFixed(2), r.neededTaskHours.toFixed(2), r.jobsInterrupted.toFixed(1)]);
  return [...head(['service', 'scenario', 'config', 'required', 'to decision', 'to capacity', 'peak over', 'actions', 'task-hours', 'needed',
    'jobs cut']), ...rows.map(line)].join('\n');
}

/** The summary of docs/scaling.md: per service and configuration, the numbers each scenario is about. */
export function summary(results: readonly Result[]): string {
  const services = [...new Set(results.map(r => r.service))].sort();
  const configs = [...new Set(results.map(r => r.config))];
  const rows: string[] = [];
  for (const service of services) {
    for (const config of configs) {
      const r = (scenario: string) => results.find(x => x.service === service && x.config === config && x.scenario === scenario);
      const step = r('step');
      if (!step) continue;
      rows.push(line([service, config, reaching(step, step.secondsToDecision), reaching(step, step.secondsToCapacity), String(step.scalingActions),
        String(r('sawtooth')!.scalingActions), r('sawtooth')!.taskHours.toFixed(2), r('taper')!.jobsInterrupted.toFixed(1),
        r('steady-low')!.taskHours.toFixed(2)]));
    }
  }
  return [...head(['service', 'config', 'step: to decision', 'step: to capacity', 'step: actions', 'sawtooth: actions', 'sawtooth: task-hours',
    'taper: jobs cut', 'steady-low: task-hours']), ...rows].join('\n');
}

/** The headline claims at one reading of the delays. */
export interface Claims {
  readonly ingestSeconds: number;
  readonly taskStartSeconds: number;
  /** Per service: the defaults' step decision and capacity, and the KEDA reference's. */
  readonly step: Record<string, { decision: number | null; capacity: number | null; keda: Result; defaults: Result }>;
  /** Per service: sawtooth scaling actions with the defaults and with target tracking only. */
  readonly sawtooth: Record<string, { defaults: number; targetTracking: number }>;
}

/** The claims at every reading of the sensitivity grid (the templates are synthesized once). */
export function sensitivity(models: Record<string, ScalingModel> = configModels()): Claims[] {
  const claims: Claims[] = [];
  for (const ingestSeconds of SENSITIVITY.ingestSeconds) {
    for (const taskStartSeconds of SENSITIVITY.taskStartSeconds) {
      const results = runBenchmark({ ...DEFAULT_OPTIONS, ingestSeconds, taskStartSeconds }, models, ['step', 'sawtooth']);
      const find = (config: string, service: string, scenario: string) =>
        results.find(r => r.config === config && r.service === service && r.scenario === scenario)!;
      const services = [...new Set(results.map(r => r.service))].sort();
      claims.push({
        ingestSeconds,
        taskStartSeconds,
        step: Object.fromEntries(services.map(service => {
          const defaults = find('defaults', service, 'step');
          const keda = find('keda (reference)', service, 'step');
          return [service, { decision: defaults.secondsToDecision, capacity: defaults.secondsToCapacity, defaults, keda }];
        })),
        sawtooth: Object.fromEntries(services.map(service => [service, {
          defaults: find('defaults', service, 'sawtooth').scalingActions,
          targetTracking: find('target tracking only', service, 'sawtooth').scalingActions,
        }])),
      });
    }
  }
  return claims;
}

/** Signed difference in time, "+20s" when ours is later. */
const versus = (ours: number | null, theirs: number | null) => {
  if (ours === null || theirs === null) return 'n/a';
  const d = ours - theirs;
  return `${d > 0 ? '+' : d < 0 ? '-' : '±'}${duration(Math.abs(d))}`;
};

/** The sensitivity table: each claim at each reading of the ingestion delay and the task start. */
export function sensitivityTable(claims: readonly Claims[]): string {
  const services = Object.keys(claims[0].step);
  const rows = claims.map(c => line([`${c.ingestSeconds} s`, `${c.taskStartSeconds} s`,
    ...services.map(service => {
      const { defaults, keda } = c.step[service];
      return `${duration(defaults.secondsToDecision)} / ${duration(defaults.secondsToCapacity)}; KEDA ${reaching(keda, keda.secondsToCapacity)}`
        + ` (${versus(defaults.secondsToCapacity, keda.secondsToCapacity)})`;
    }),
    services.map(service => `${c.sawtooth[service].defaults} ≤ ${c.sawtooth[service].targetTracking}`
      + (c.sawtooth[service].defaults <= c.sawtooth[service].targetTracking ? '' : ' **no**')).join(', ')]));
  return [...head(['ingestion delay', 'task start', ...services.map(s => `${s}: decision / capacity; KEDA capacity (ours minus KEDA)`),
    `sawtooth actions, defaults ≤ target tracking (${services.join(', ')})`]), ...rows].join('\n');
}

if (require.main === module) {
  const format = process.argv.includes('--json') ? 'json' : process.argv.includes('--summary') ? 'summary' : 'table';
  const models = configModels();
  const results = runBenchmark(DEFAULT_OPTIONS, models);
  const text = {
    json: () => JSON.stringify(results, undefined, 2),
    summary: () => `${summary(results)}\n\n${sensitivityTable(sensitivity(models))}`,
    table: () => table(results),
  }[format]();
  process.stdout.write(`${text}\n`);
}
