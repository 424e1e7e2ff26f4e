/**
 * Reference: the KEDA configuration of Membrane's "Autoscaling Configuration" page as the Kubernetes Horizontal Pod
 * Autoscaler runs it, under the same load and task start delay. KEDA polls every 15 s; the HPA then sets
 * desired = ceil(metric / threshold) for KEDA's default AverageValue metrics (ceil(replicas x CPU / 50) for the
 * API's CPU), skips changes within its 10 % tolerance, scales up within its behavior's policies (the default:
 * max(100 %, 4 pods) per 15 s; the guide's API HPA: 100 % per 60 s) with no stabilization, and scales down to the
 * highest recommendation of the last 300 s (the API: by at most 50 % per 60 s).
 */
import { scaleIn } from './policy';
import { Recorder } from './recorder';
import { DEFAULT_OPTIONS, Result, Scenario, SimulationOptions } from './scenarios';
import { signal } from './signal';
import { DEFAULT_BUFFER_RATIO, DEFAULT_TARGETS } from '../../lib/scaling/defaults';
import { ServiceKey } from '../../lib/services/private/services-table';

/** An HPA scaling policy: at most `value` pods or percent per `periodSeconds`. */
interface HpaPolicy {
  readonly type: 'Pods' | 'Percent';
  readonly value: number;
  readonly periodSeconds: number;
}

interface KedaService {
  readonly service: ServiceKey;
  readonly min: number;
  readonly max: number;
  /** The desired replicas for what the pods report. */
  readonly recommend: (work: number, running: number) => number;
  /** HPA behavior; the largest change any policy allows wins (selectPolicy: Max). */
  readonly scaleUp: readonly HpaPolicy[];
  readonly scaleDown: readonly HpaPolicy[];
}

/** Prometheus scrapes and KEDA polls every 15 s: the value the HPA sees is up to 30 s old. */
const POLL_SECONDS = 15;
const STALENESS_SECONDS = 30;
const TOLERANCE = 0.1;
const SCALE_DOWN_WINDOW_SECONDS = 300;
/** The HPA's default behavior (no `behavior` in the guide's ScaledObjects). */
const DEFAULT_UP: readonly HpaPolicy[] = [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }];
const DEFAULT_DOWN: readonly HpaPolicy[] = [{ type: 'Percent', value: 100, periodSeconds: 15 }];

const s = (work: number, running: number) => ({ work, running, desired: running });

/** The guide's ScaledObjects (instant 2-20, queued 2-50, runner 2-20) and the API's HPA (CPU 50 %, 2-10). */
export const KEDA_SERVICES: readonly KedaService[] = [
  {
    service: 'api',
    min: 2,
    max: 10,
    recommend: (work, running) => Math.ceil(running * (signal('ECSServiceAverageCPUUtilization', s(work, running)) ?? 0) / DEFAULT_TARGETS.cpu),
    // The guide's api-hpa: scaleUp 100 % per 60 s, scaleDown 50 % per 60 s.
    scaleUp: [{ type: 'Percent', value: 100, periodSeconds: 60 }],
    scaleDown: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
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
    scaleUp: DEFAULT_UP,
    scaleDown: DEFAULT_DOWN,
  },
  {
    service: 'instantTasksWorker',
    min: 2,
    max: 20,
    recommend: (work, running) => Math.ceil(((signal('instant_tasks_jobs_active', s(work, running)) ?? 0)
      + (signal('instant_tasks_jobs_waiting', s(work, running)) ?? 0)) / DEFAULT_TARGETS.instantJobsPerTask),
    scaleUp: DEFAULT_UP,
    scaleDown: DEFAULT_DOWN,
  },
  {
    service: 'queuedTasksWorker',
    min: 2,
    max: 50,
    recommend: (work, running) => Math.ceil((signal('queued_tasks_workers_required', s(work, running)) ?? 0) * (1 + DEFAULT_BUFFER_RATIO)),
    scaleUp: DEFAULT_UP,
    scaleDown: DEFAULT_DOWN,
  },
];

/** The bound a set of HPA policies puts on the next count, given the changes of the last periods (selectPolicy: Max). */
function bound(policies: readonly HpaPolicy[], desired: number, changes: Array<[number, number]>, t: number, up: boolean): number {
  const limits = policies.map(p => {
    const changed = changes.filter(([at, delta]) => at > t - p.periodSeconds && (up ? delta > 0 : delta < 0)).reduce((n, [, d]) => n + d, 0);
    const start = desired - changed;
    const step = p.type === 'Pods' ? p.value : (up ? Math.ceil((start * p.value) / 100) : Math.floor((start * p.value) / 100));
    return up ? start + step : start - step;
  });
  return up ? Math.max(...limits) : Math.min(...limits);
}

export function simulateKeda(svc: KedaService, scenario: Scenario, options: SimulationOptions = DEFAULT_OPTIONS): Result {
  const { tickSeconds: dt, taskStartSeconds } = options;
  let pods: number[] = Array.from({ length: svc.min }, () => 0);
  let desired = svc.min;
  const history: Array<[number, number]> = [];
  const changes: Array<[number, number]> = [];
  const recorder = new Recorder(svc, scenario, dt);
  let actions = 0;
  let interrupted = 0;
  for (let t = 0; t < scenario.durationSeconds; t += dt) {
    const ready = pods.filter(readyAt => readyAt <= t).length;
    if (t % POLL_SECONDS === 0) {
      const seenAt = Math.max(0, t - STALENESS_SECONDS);
      const seenReady = pods.filter(readyAt => readyAt <= seenAt).length;
      const raw = svc.recommend(scenario.work(seenAt, svc.max), Math.max(1, seenReady));
      const withinTolerance = Math.abs(raw / Math.max(1, desired) - 1) <= TOLERANCE;
      let next = Math.max(svc.min, Math.min(svc.max, withinTolerance ? desired : raw));
      history.push([t, next]);
      while (history.length && history[0][0] < t - SCALE_DOWN_WINDOW_SECONDS) history.shift();
      if (next < desired) next = Math.max(next, Math.min(desired, Math.max(...history.map(([, r]) => r))));
      next = next > desired ? Math.min(next, bound(svc.scaleUp, desired, changes, t, true))
        : Math.max(next, bound(svc.scaleDown, desired, changes, t, false));
      next = Math.max(svc.min, Math.min(svc.max, next));
      if (next !== desired) {
        actions++;
        changes.push([t, next - desired]);
        if (next > desired) {
          for (let i = desired; i < next; i++) pods.push(t + taskStartSeconds);
        } else {
          // Kubernetes deletes unready pods first; among ready ones it does not know which are busy (the guide sets no
          // pod-deletion cost or protection): the deleted ones are busy in proportion.
          pods = pods.sort((a, b) => a - b);
          const pending = pods.filter(readyAt => readyAt > t).length;
          const fromReady = Math.max(0, desired - next - pending);
          const busy = svc.service === 'queuedTasksWorker'
            ? Math.min(ready, Math.ceil(scenario.work(t, svc.max) * DEFAULT_TARGETS.queuedUtilization)) : 0;
          interrupted += scaleIn(ready, busy, 0, fromReady).cut;
          pods = pods.slice(0, next);
        }
        desired = next;
      }
    }
    recorder.tick(t, pods.length, ready, desired);
  }
  return recorder.result('keda (reference)', actions, interrupted);
}
