/** What a simulation reports: task-hours, over-provisioning and the time to decision and to capacity for the first load. */
import { Result, Scenario } from './scenarios';
import { ServiceKey } from '../../lib/services/private/services-table';

/** What every simulation reports, kept the same way for the AWS model and the KEDA reference. */
export class Recorder {
  private taskSeconds = 0;
  private neededSeconds = 0;
  private peakOver = 0;
  private requiredTasks: number;
  private loadStart: number | undefined;
  private loadTarget = 0;
  private mostDesired = 0;
  /** First time (from the load's start) the desired count, and the ready tasks, reached n. */
  private readonly desiredAt: number[] = [];
  private readonly readyAt: number[] = [];

  constructor(private readonly svc: { readonly service: ServiceKey; readonly min: number; readonly max: number },
    private readonly scenario: Scenario, private readonly dt: number) {
    this.requiredTasks = svc.min;
  }

  /** The tasks the load needs at `t`, within min and max. */
  private need(t: number): number {
    return Math.min(this.svc.max, Math.max(this.svc.min, Math.ceil(this.scenario.work(t, this.svc.max))));
  }

  /** One step: `billed` tasks (running, starting or protected), of which `ready` take work; `desired` the count asked for. */
  public tick(t: number, billed: number, ready: number, desired: number): void {
    const needed = this.need(t);
    this.taskSeconds += billed * this.dt;
    this.neededSeconds += needed * this.dt;
    if (this.scenario.work(t, this.svc.max) > 0) this.peakOver = Math.max(this.peakOver, billed - needed);
    this.requiredTasks = Math.max(this.requiredTasks, needed);
    if (this.loadStart === undefined && needed > this.svc.min) {
      this.loadStart = t;
      this.loadTarget = needed;
    }
    if (this.loadStart === undefined) return;
    this.mostDesired = Math.max(this.mostDesired, desired);
    // The first time each count up to the load's target was asked for and was ready: the counts reached so far are
    // always 0..k, so each list grows from its end.
    while (this.desiredAt.length <= Math.min(desired, this.loadTarget)) this.desiredAt.push(t - this.loadStart);
    while (this.readyAt.length <= Math.min(ready, this.loadTarget)) this.readyAt.push(t - this.loadStart);
  }

  public result(config: string, scalingActions: number, jobsInterrupted: number, protectedSeconds = 0): Result {
    const round = (value: number) => Math.round(value * 100) / 100;
    const reached = this.loadStart === undefined ? this.requiredTasks : Math.min(this.loadTarget, this.mostDesired);
    const rose = this.loadStart === undefined || reached > this.svc.min;
    return {
      config,
      service: this.svc.service,
      scenario: this.scenario.name,
      requiredTasks: this.requiredTasks,
      tasksReached: reached,
      secondsToDecision: this.loadStart === undefined ? 0 : rose ? this.desiredAt[reached] ?? null : null,
      secondsToCapacity: this.loadStart === undefined ? 0 : rose ? this.readyAt[reached] ?? null : null,
      peakOverProvisioning: this.peakOver,
      scalingActions,
      taskHours: round(this.taskSeconds / 3600),
      neededTaskHours: round(this.neededSeconds / 3600),
      protectedTaskHours: round(protectedSeconds / 3600),
      jobsInterrupted: round(jobsInterrupted),
    };
  }
}
