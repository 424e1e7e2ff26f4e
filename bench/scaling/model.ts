/**
 * A deterministic model of how Application Auto Scaling, CloudWatch and ECS scale a Membrane service, driven by
 * the policies of a synthesized template (see docs/scaling.md, "Scaling benchmark", and docs/scaling-model.md, which names the
 * source of every delay).
 */
import { Datapoints, valueOf } from './datapoints';
import { scaleIn, stepAdjustment, stepCapacity, TARGET_TRACKING_ALARMS, targetProposal } from './policy';
import { Recorder } from './recorder';
import { DEFAULT_OPTIONS, Result, Scenario, SimulationOptions } from './scenarios';
import { METRIC_SERVICE, samples, ServiceState } from './signal';
import { MetricQuery, ScaledService, ScalingModel, ScalingPolicy } from './template';
import { DEFAULT_TARGETS } from '../../lib/scaling/defaults';
import { ServiceKey } from '../../lib/services/private/services-table';

/** The task-protection sidecar reads `queued_tasks_worker_busy` every 5 s: a worker that just took a job is not yet protected. */
const PROTECTION_LAG_SECONDS = 5;
/** Application Auto Scaling invokes a step policy again every minute while its alarm stays in ALARM. */
const REINVOKE_SECONDS = 60;
/** CloudWatch evaluates alarms with a 10 or 30 s period every 10 s, the others every minute. */
const evaluationEvery = (period: number) => (period < 60 ? 10 : 60);

interface PolicyState {
  lastOutAt: number;
  /** Target tracking: the capacity it last set. Step scaling: the adjustment it last applied (the cooldown's step). */
  lastOut: number;
  lastInAt: number;
  alarm: boolean;
  lastInvokedAt: number;
}

/** Busy queued workers for `work` on `ready` tasks (the other services' jobs are short: not counted). */
function busyTasks(service: ServiceKey, work: number, ready: number): number {
  return service === 'queuedTasksWorker' ? Math.min(ready, Math.ceil(work * DEFAULT_TARGETS.queuedUtilization)) : 0;
}

interface Task { readyAt: number }

/** Replays one scenario against one service's policies. */
export function simulate(config: string, model: ScalingModel, svc: ScaledService, scenario: Scenario,
  options: SimulationOptions = DEFAULT_OPTIONS): Result {
  const { tickSeconds: dt, taskStartSeconds, ingestSeconds } = options;
  const scraped = (key: string) => METRIC_SERVICE[key] !== undefined;
  // A period's datapoint is complete once its last sample is scraped, batched and ingested.
  const delayOf = (key: string) => (scraped(key) ? model.scrapeIntervalSeconds + model.batchTimeoutSeconds + ingestSeconds : ingestSeconds);
  const data = new Datapoints(key => scraped(key) && model.highResolution, dt);
  let tasks: Task[] = Array.from({ length: svc.min }, () => ({ readyAt: 0 }));
  let draining = 0; // protected busy tasks the desired count no longer includes
  let desired = svc.min;
  const state = new Map<ScalingPolicy, PolicyState>(svc.policies.map(p => [p, {
    lastOutAt: -Infinity, lastOut: 0, lastInAt: -Infinity, alarm: false, lastInvokedAt: -Infinity,
  }]));
  const keys = new Set<string>();
  const inputs = (p: ScalingPolicy) => (p.kind === 'target' ? p.metrics : p.alarm.metrics);
  for (const p of svc.policies) {
    if (p.kind === 'target' && p.predefined) keys.add(p.predefined);
    for (const q of inputs(p)) if (q.metricName) keys.add(q.metricName);
  }
  const delay = new Map(svc.policies.map(p => [p, Math.max(0, ...[...(p.kind === 'target' && p.predefined ? [p.predefined] : []),
    ...inputs(p).filter(q => q.metricName).map(q => q.metricName!)].map(delayOf))]));

  let actions = 0;
  let interrupted = 0;
  let protectedSeconds = 0;
  let busyBefore = 0;
  const recorder = new Recorder(svc, scenario, dt);

  for (let t = 0; t < scenario.durationSeconds; t += dt) {
    const work = scenario.work(t, svc.max);
    const running = tasks.filter(task => task.readyAt <= t).length + draining;
    const s: ServiceState = { work, running, desired };
    for (const key of keys) {
      if (!scraped(key) || t % model.scrapeIntervalSeconds === 0) data.add(t, key, samples(key, s));
    }

    // The newest `periods` datapoints of `period` seconds that are visible at t.
    const series = (p: ScalingPolicy, metrics: readonly MetricQuery[], predefined: string | undefined, period: number, periods: number) => {
      const newest = Math.floor((t - delay.get(p)!) / period) - 1;
      return Array.from({ length: periods }, (_, i) => newest - periods + 1 + i)
        .map(k => (k < 0 ? undefined : valueOf(metrics, predefined, k * period, period, data)));
    };
    const outs: Array<[ScalingPolicy, number, number]> = [];
    const ins: number[] = [];
    const stepIns: Array<[ScalingPolicy, number]> = [];
    let targetPolicies = 0;
    for (const p of svc.policies) {
      const ps = state.get(p)!;
      if (p.kind === 'step') {
        if (t % evaluationEvery(p.alarm.period) !== 0) continue;
        const values = series(p, p.alarm.metrics, undefined, p.alarm.period, p.alarm.evaluationPeriods);
        const change = stepAdjustment(p, values);
        const wasAlarm = ps.alarm;
        ps.alarm = change !== undefined;
        // The alarm invokes the policy when it enters ALARM, then every minute while it stays there.
        if (change === undefined || (wasAlarm && t - ps.lastInvokedAt < REINVOKE_SECONDS)) continue;
        ps.lastInvokedAt = t;
        if (change < 0) {
          // A scale-in waits for its cooldown to end.
          if (t - ps.lastInAt >= p.cooldown) stepIns.push([p, Math.max(svc.min, stepCapacity(p, change, desired)!)]);
          continue;
        }
        const capacity = stepCapacity(p, change, desired, t - ps.lastOutAt < p.cooldown ? ps.lastOut : undefined);
        if (capacity !== undefined && capacity > desired) outs.push([p, capacity, change]);
      } else {
        if (t % 60 !== 0) continue;
        if (p.disableScaleIn) {
          const proposal = targetProposal(p, series(p, p.metrics, p.predefined, TARGET_TRACKING_ALARMS.period,
            TARGET_TRACKING_ALARMS.out.periods), desired);
          if (proposal.out !== undefined && proposal.out > desired && (t - ps.lastOutAt >= p.scaleOutCooldown || proposal.out > ps.lastOut)) {
            outs.push([p, proposal.out, proposal.out]);
          }
          continue;
        }
        targetPolicies++;
        const proposal = targetProposal(p, series(p, p.metrics, p.predefined, TARGET_TRACKING_ALARMS.period,
          TARGET_TRACKING_ALARMS.in.periods), desired);
        if (proposal.in !== undefined && t - ps.lastInAt >= p.scaleInCooldown) ins.push(proposal.in);
        // In its cooldown target tracking only scales out again for a larger capacity than it last set.
        const out = proposal.out;
        if (out !== undefined && out > desired && (t - ps.lastOutAt >= p.scaleOutCooldown || out > ps.lastOut)) outs.push([p, out, out]);
      }
    }
    let next = desired;
    if (outs.length > 0) {
      next = Math.min(svc.max, Math.max(...outs.map(([, c]) => c)));
      for (const [p, , last] of outs) Object.assign(state.get(p)!, { lastOutAt: t, lastOut: p.kind === 'step' ? last : next });
    } else {
      // Target tracking scales in only when every target-tracking policy that may scale in agrees; of several
      // scale-ins the one that leaves the most tasks wins.
      const consensus = t % 60 === 0 && targetPolicies > 0 && ins.length === targetPolicies ? [Math.max(...ins)] : [];
      const candidates = [...consensus, ...stepIns.map(([, c]) => c)].filter(c => c < desired);
      if (candidates.length > 0) {
        next = Math.max(svc.min, Math.max(...candidates));
        if (consensus.length > 0) for (const p of svc.policies) if (p.kind === 'target' && !p.disableScaleIn) state.get(p)!.lastInAt = t;
        for (const [p] of stepIns) state.get(p)!.lastInAt = t;
      }
    }
    const ready = tasks.filter(task => task.readyAt <= t).length;
    const busy = busyTasks(svc.service, work, ready);
    if (next !== desired) {
      actions++;
      if (next > desired) {
        const reuse = Math.min(draining, next - desired); // a protected task the count takes back, still running
        draining -= reuse;
        for (let i = 0; i < next - desired; i++) tasks.push({ readyAt: i < reuse ? t : t + taskStartSeconds });
      } else {
        tasks.sort((a, b) => a.readyAt - b.readyAt);
        const remove = desired - next;
        const pending = tasks.filter(task => task.readyAt > t).length;
        const fromPending = Math.min(pending, remove);
        tasks = tasks.slice(0, tasks.length - fromPending);
        // Busy workers are protected once the sidecar has seen them busy (it polls every 5 s).
        const protectedBusy = svc.protectsBusyTasks ? Math.min(busy, busyBefore) : 0;
        const { kept, cut } = scaleIn(tasks.length, busy, protectedBusy, remove - fromPending);
        tasks = tasks.slice(0, tasks.length - (remove - fromPending));
        draining += kept;
        interrupted += cut;
      }
      desired = next;
    }
    if (draining > 0) {
      // Protected tasks stop once their job ends: when the busy workers fit into the desired count.
      draining = Math.max(0, Math.min(draining, Math.ceil(work * DEFAULT_TARGETS.queuedUtilization) - tasks.length));
    }
    if (t % PROTECTION_LAG_SECONDS === 0) busyBefore = busy;
    protectedSeconds += draining * dt;

    recorder.tick(t, tasks.length + draining, tasks.filter(task => task.readyAt <= t).length + draining, desired);
  }
  return recorder.result(config, actions, interrupted, protectedSeconds);
}
