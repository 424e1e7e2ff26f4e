/**
 * The scaling benchmark: synthesizes the production example with its default scaling and with target tracking
 * only, replays every scenario against each autoscaled service's policies, and adds Membrane's KEDA
 * configuration as a reference.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { KEDA_SERVICES, simulateKeda } from './keda';
import { DEFAULT_OPTIONS, Result, SCENARIOS, simulate, SimulationOptions } from './model';
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

/** Every service, scenario and configuration. */
export function runBenchmark(options: SimulationOptions = DEFAULT_OPTIONS, models?: Record<string, ScalingModel>): Result[] {
  const results: Result[] = [];
  for (const config of CONFIGS) {
    const model = models?.[config.name] ?? readScalingModel(productionTemplate(config.scaling));
    for (const svc of model.services) {
      for (const scenario of SCENARIOS) results.push(simulate(config.name, model, svc, scenario, options));
      if (config.name === 'defaults' && svc.protectsBusyTasks) {
        // What the task-protection sidecar saves: the same policies with ECS free to stop busy workers.
        const unprotected = { ...svc, protectsBusyTasks: false };
        for (const scenario of SCENARIOS) results.push(simulate('defaults, no task protection', model, unprotected, scenario, options));
      }
    }
  }
  for (const svc of KEDA_SERVICES) {
    for (const scenario of SCENARIOS) results.push(simulateKeda(svc, scenario, options));
  }
  return results;
}

const scenarioIndex = (r: Result) => SCENARIOS.findIndex(s => s.name === r.scenario);

/** The results as a Markdown table (the README's). */
export function table(results: readonly Result[]): string {
  const head = ['service', 'scenario', 'config', 'required', 'to capacity', 'peak over', 'actions', 'task-hours', 'needed', 'jobs cut'];
  const rows = [...results]
    .sort((a, b) => a.service.localeCompare(b.service) || scenarioIndex(a) - scenarioIndex(b))
    .map(r => [r.service, r.scenario, r.config, String(r.requiredTasks),
      duration(r.secondsToCapacity),
      String(r.peakOverProvisioning), String(r.scalingActions), r.taskHours.toFixed(2), r.neededTaskHours.toFixed(2), String(r.jobsInterrupted)]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const duration = (seconds: number | null) =>
  (seconds === null ? 'never' : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`);

/** The README's summary: per service and configuration, the numbers each scenario is about. */
export function summary(results: readonly Result[]): string {
  const head = ['service', 'config', 'step: to capacity', 'step: actions', 'sawtooth: actions', 'sawtooth: task-hours',
    'taper: jobs cut', 'steady-low: task-hours'];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const services = [...new Set(results.map(r => r.service))].sort();
  const configs = [...new Set(results.map(r => r.config))];
  const rows: string[] = [];
  for (const service of services) {
    for (const config of configs) {
      const r = (scenario: string) => results.find(x => x.service === service && x.config === config && x.scenario === scenario);
      if (!r('step')) continue;
      rows.push(line([service, config, duration(r('step')!.secondsToCapacity), String(r('step')!.scalingActions),
        String(r('sawtooth')!.scalingActions), r('sawtooth')!.taskHours.toFixed(2), String(r('taper')!.jobsInterrupted),
        r('steady-low')!.taskHours.toFixed(2)]));
    }
  }
  return [line(head), line(head.map(() => '---')), ...rows].join('\n');
}

if (require.main === module) {
  const results = runBenchmark();
  const format = process.argv.includes('--json') ? 'json' : process.argv.includes('--summary') ? 'summary' : 'table';
  const text = { json: JSON.stringify(results, undefined, 2), summary: summary(results), table: table(results) }[format];
  process.stdout.write(`${text}\n`);
}
