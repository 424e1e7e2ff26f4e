/**
 * Reference: the KEDA configuration of Membrane's "Autoscaling Configuration" page as the Kubernetes Horizontal Pod
 * Autoscaler runs it, under the same load and task start delay. KEDA polls every 15 s; the HPA then sets
 * desired = ceil(metric / threshold) for KEDA's default AverageValue metrics (ceil(replicas x CPU / 50) for the
 * API's CPU), skips changes within its 10 % tolerance, scales up by at most max(100 %, 4 pods) per 15 s with no
 * stabilization, and scales down to the highest recommendation of the last 300 s.
 */
import { DEFAULT_OPTIONS, Recorder, Result, Scenario, signal, SimulationOptions } from './model';
import { DEFAULT_BUFFER_RATIO, DEFAULT_TARGETS } from '../../lib/scaling/defaults';
import { ModeKey } from '../../lib/services/modes';

interface KedaService {
  readonly service: ModeKey;
  readonly min: number;
  readonly max: number;
  /** The desired replicas for what the pods report. */
  readonly recommend: (work: number, running: number) => number;
}

/** Prometheus scrapes and KEDA polls every 15 s: the value the HPA sees is up to 30 s old. */
const POLL_SECONDS = 15;
const STALENESS_SECONDS = 30;
const TOLERANCE = 0.1;
const SCALE_DOWN_WINDOW_SECONDS = 300;

const s = (work: number, running: number) => ({ work, running, desired: running });

/** The guide's ScaledObjects (instant 2-20, queued 2-50, runner 2-20) and the API's HPA (CPU 50 %, 2-10). */
export const KEDA_SERVICES: readonly KedaService[] = [
  {
    service: 'api',
    min: 2,
    max: 10,
    recommend: (work, running) => Math.ceil(running * (signal('ECSServiceAverageCPUUtilization', s(work, running)) ?? 0) / DEFAULT_TARGETS.cpu),
  },
  {
    service: 'customCodeRunner',
    min: 2,
    max: 20,
    // (total - remaining) / total against 0.45 as an AverageValue: a ratio of at most 1 asks for at most 3 pods.
    recommend: (work, running) => {
      const total = signal('custom_code_runner_total_job_spaces', s(work, running)) ?? 0;
      const remaining = signal('custom_code_runner_remaining_job_spaces', s(work, running)) ?? 0;
      return total > 0 ? Math.ceil((total - remaining) / total / DEFAULT_TARGETS.jobSpaceUse) : running;
    },
  },
  {
    service: 'instantTasksWorker',
    min: 2,
    max: 20,
    recommend: (work, running) => Math.ceil(((signal('instant_tasks_jobs_active', s(work, running)) ?? 0)
      + (signal('instant_tasks_jobs_waiting', s(work, running)) ?? 0)) / DEFAULT_TARGETS.instantJobsPerTask),
  },
  {
    service: 'queuedTasksWorker',
    min: 2,
    max: 50,
    recommend: (work, running) => Math.ceil((signal('queued_tasks_workers_required', s(work, running)) ?? 0) * (1 + DEFAULT_BUFFER_RATIO)),
  },
];

export function simulateKeda(svc: KedaService, scenario: Scenario, options: SimulationOptions = DEFAULT_OPTIONS): Result {
  const { tickSeconds: dt, taskStartSeconds } = options;
  let pods: number[] = Array.from({ length: svc.min }, () => 0);
  let desired = svc.min;
  const history: Array<[number, number]> = [];
  const recorder = new Recorder(svc, scenario, dt);
  let actions = 0;
  for (let t = 0; t < scenario.durationSeconds; t += dt) {
    const ready = pods.filter(readyAt => readyAt <= t).length;
    if (t % POLL_SECONDS === 0) {
      const seenAt = Math.max(0, t - STALENESS_SECONDS);
      const seenReady = pods.filter(readyAt => readyAt <= seenAt).length;
      const raw = svc.recommend(scenario.work(seenAt, svc.max), Math.max(1, seenReady));
      const withinTolerance = Math.abs(raw / Math.max(1, desired) - 1) <= TOLERANCE;
      let next = withinTolerance ? desired : raw;
      history.push([t, next]);
      while (history.length && history[0][0] < t - SCALE_DOWN_WINDOW_SECONDS) history.shift();
      if (next < desired) next = Math.max(...history.map(([, r]) => r));
      next = Math.min(next, Math.max(desired * 2, desired + 4), svc.max);
      next = Math.max(svc.min, Math.min(svc.max, next));
      if (next !== desired) {
        actions++;
        if (next > desired) for (let i = desired; i < next; i++) pods.push(t + taskStartSeconds);
        else pods = pods.sort((a, b) => a - b).slice(0, next);
        desired = next;
      }
    }
    recorder.tick(t, pods.length, ready);
  }
  return recorder.result('keda (reference)', actions, 0);
}
