/**
 * What a Membrane service reports for a load: each metric's value for the work and the tasks taking it, and the
 * samples one scrape adds.
 */
import { DEFAULT_BUFFER_RATIO, DEFAULT_TARGETS } from '../../lib/scaling/defaults';
import { ServiceKey } from '../../lib/services/private/services-table';

/** Which service's work a Membrane metric describes (the API reports the workers' backlog). Scraped by the collector. */
export const METRIC_SERVICE: Record<string, ServiceKey> = {
  instant_tasks_jobs_active: 'instantTasksWorker',
  instant_tasks_jobs_waiting: 'instantTasksWorker',
  instant_tasks_worker_utilization_rate: 'instantTasksWorker',
  queued_tasks_workers_required: 'queuedTasksWorker',
  queued_tasks_workers: 'queuedTasksWorker',
  queued_tasks_worker_utilization_rate: 'queuedTasksWorker',
  custom_code_runner_total_job_spaces: 'customCodeRunner',
  custom_code_runner_remaining_job_spaces: 'customCodeRunner',
};

/** Metrics every task of the service reports for itself (the others are one global value). */
const PER_TASK = new Set([
  'instant_tasks_worker_utilization_rate', 'queued_tasks_worker_utilization_rate',
  'custom_code_runner_total_job_spaces', 'custom_code_runner_remaining_job_spaces',
]);
/** Per-task metrics whose service value is the sum over tasks (the others: every task reports the same rate). */
const SUMMED = new Set(['custom_code_runner_total_job_spaces', 'custom_code_runner_remaining_job_spaces']);

/** Job spaces per custom code runner task (only their ratio matters). */
const JOB_SPACES = 10;
/** The API's memory does not follow load in this model: a flat 40 %. */
const API_MEMORY_PERCENT = 40;

/** The state one service's metrics are computed from. */
export interface ServiceState {
  /** Work in tasks at the documented target. */
  readonly work: number;
  readonly running: number;
  readonly desired: number;
}

/**
 * What the service reports for `work`, with `running` tasks taking it: each documented formula gives exactly
 * `work` tasks at its documented target. Utilization cannot exceed 1, job spaces in use cannot exceed the total.
 */
export function signal(metric: string, s: ServiceState): number | undefined {
  const { work, running, desired } = s;
  switch (metric) {
    case 'instant_tasks_worker_utilization_rate':
      return running > 0 ? Math.min(1, (work * DEFAULT_TARGETS.instantUtilization) / running) : undefined;
    case 'instant_tasks_jobs_active':
      return Math.min(work, running) * DEFAULT_TARGETS.instantJobsPerTask;
    case 'instant_tasks_jobs_waiting':
      return Math.max(0, work - running) * DEFAULT_TARGETS.instantJobsPerTask;
    case 'queued_tasks_workers_required':
      return work / (1 + DEFAULT_BUFFER_RATIO);
    case 'queued_tasks_workers':
      return running;
    case 'queued_tasks_worker_utilization_rate':
      return running > 0 ? Math.min(1, (work * DEFAULT_TARGETS.queuedUtilization) / running) : undefined;
    case 'custom_code_runner_total_job_spaces':
      return running * JOB_SPACES;
    case 'custom_code_runner_remaining_job_spaces':
      return running * JOB_SPACES - Math.min(running * JOB_SPACES, work * DEFAULT_TARGETS.jobSpaceUse * JOB_SPACES);
    case 'ECSServiceAverageCPUUtilization':
    case 'CPUUtilization':
      return running > 0 ? Math.min(100, (work * DEFAULT_TARGETS.cpu) / running) : undefined;
    case 'ECSServiceAverageMemoryUtilization':
      return running > 0 ? API_MEMORY_PERCENT : undefined;
    case 'RunningTaskCount':
      return running;
    case 'DesiredTaskCount':
      return desired;
    default:
      throw new Error(`the model has no signal for metric ${metric}`);
  }
}

/** The samples one scrape (or one AWS measurement) adds: one per reporting task for per-task metrics, else one. */
export function samples(metric: string, s: ServiceState): { value: number; count: number } | undefined {
  const value = signal(metric, s);
  if (value === undefined) return undefined;
  if (!PER_TASK.has(metric)) return { value, count: 1 };
  if (s.running <= 0) return undefined;
  return { value: SUMMED.has(metric) ? value / s.running : value, count: s.running };
}
