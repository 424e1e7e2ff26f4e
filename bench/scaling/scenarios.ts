/**
 * What the scaling simulator replays and reports: its delays, the load scenarios and one result per service and
 * scenario (docs/scaling-model.md names the source of every delay).
 */
import { ServiceKey } from '../../lib/services/private/services-table';

/** Delays the model assumes; where AWS documents no number, the slower reading (docs/scaling-model.md). */
export interface SimulationOptions {
  /** From a desired-count increase until the new task takes work and reports metrics (image pull, start-up). */
  readonly taskStartSeconds: number;
  /** From the end of a period until its datapoint is visible to alarms (embedded metric format, AWS/ECS metrics). */
  readonly ingestSeconds: number;
  /** Simulation step. */
  readonly tickSeconds: number;
}

/**
 * The slower readings: a Membrane image of about 1 GB pulled from Membrane's registry through the NAT gateway plus
 * Membrane's start-up is taken as 180 s (docs/scaling-model.md, "Task start"); 60 s for a datapoint to reach alarms.
 */
export const DEFAULT_OPTIONS: SimulationOptions = { taskStartSeconds: 180, ingestSeconds: 60, tickSeconds: 5 };

/** The readings the sensitivity table varies. */
export const SENSITIVITY = { ingestSeconds: [30, 60, 90], taskStartSeconds: [60, 90, 180] } as const;

/** Load over time: the tasks the work needs at the documented targets (before min/max). */
export interface Scenario {
  readonly name: string;
  readonly durationSeconds: number;
  readonly work: (t: number, max: number) => number;
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'step', durationSeconds: 40 * 60, work: (t, max) => (t < 300 ? 0 : max) },
  { name: 'spike', durationSeconds: 60 * 60, work: (t, max) => (t >= 300 && t < 900 ? max : 0) },
  { name: 'sawtooth', durationSeconds: 120 * 60, work: (t, max) => (Math.floor(t / 600) % 2 === 1 ? Math.ceil(max / 2) : 0) },
  { name: 'taper', durationSeconds: 85 * 60, work: (t, max) => (t < 300 ? 0 : t < 1500 ? max : Math.ceil(max * 0.4)) },
  { name: 'steady-low', durationSeconds: 120 * 60, work: () => 1 },
];

export interface Result {
  readonly config: string;
  readonly service: ServiceKey;
  readonly scenario: string;
  /** Most tasks the scenario needs, within min and max. */
  readonly requiredTasks: number;
  /**
   * Most tasks the desired count reached for the first load above the minimum, at most what that load needs: below
   * `requiredTasks` when the policies stop short (the KEDA reference's queued worker stops at 48 of 50).
   */
  readonly tasksReached: number;
  /** From the first load above the minimum until the desired count is `tasksReached`; null if it never rose. */
  readonly secondsToDecision: number | null;
  /** From the first load above the minimum until `tasksReached` tasks take work: the decision plus a task start. */
  readonly secondsToCapacity: number | null;
  /** Most tasks (running, starting or protected) above what the load needs, while there is load. */
  readonly peakOverProvisioning: number;
  /** Changes of the desired count. */
  readonly scalingActions: number;
  readonly taskHours: number;
  readonly neededTaskHours: number;
  /** Task-hours of busy tasks that a scale-in removed from the desired count and that protection kept running. */
  readonly protectedTaskHours: number;
  /** Busy queued workers stopped by a scale-in (their running job is cut). */
  readonly jobsInterrupted: number;
}
