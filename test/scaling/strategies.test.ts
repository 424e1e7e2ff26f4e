import { Duration } from 'aws-cdk-lib';
import { build, desiredTasks, dims, policyOf } from './support';
import { MembraneFrontendStrategy, MembraneInstantWorkerStrategy, MembraneQueuedWorkerStrategy } from '../../lib';
import { describeCdkTest } from '../harness';

// MembraneScaling alternative strategies: queue depth, workers required, CPU for the front ends, overrides.

describeCdkTest('MembraneScaling alternative strategies ("Autoscaling Configuration")', () => {
  test('instant worker by queue depth: (active + waiting) per desired task against 5; 12 jobs need 3 workers', () => {
    const { stack, template, services } = build({ instantTasksWorker: { strategy: MembraneInstantWorkerStrategy.QUEUE_DEPTH } });
    const p = policyOf(stack, template, services.instantTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 20, target: 5 });
    // Global gauges reported by every API task: read with Maximum, never Sum.
    expect(dims(p, 'instant_tasks_jobs_active').Stat).toBe('Maximum');
    expect(dims(p, 'instant_tasks_jobs_waiting').Stat).toBe('Maximum');
    expect(dims(p, 'DesiredTaskCount').Metric.Namespace).toBe('ECS/ContainerInsights');
    expect(desiredTasks(p, { instant_tasks_jobs_active: 2, instant_tasks_jobs_waiting: 10, DesiredTaskCount: 2 }, 2)).toBe(3);
    expect(desiredTasks(p, { instant_tasks_jobs_active: 20, instant_tasks_jobs_waiting: 80, DesiredTaskCount: 4 }, 4)).toBe(20);
    // Per desired task the proposal is the need itself, however many tasks still start: 12 jobs need 3, not 3 x 10 / 2.
    expect(desiredTasks(p, { instant_tasks_jobs_active: 2, instant_tasks_jobs_waiting: 10, DesiredTaskCount: 10 }, 10)).toBe(3);
  });

  test('without burst scaling the queue-depth strategy divides by the running tasks, as "Autoscaling Configuration" does', () => {
    const { stack, template, services } = build({ instantTasksWorker: { strategy: MembraneInstantWorkerStrategy.QUEUE_DEPTH }, burstScaling: false });
    const p = policyOf(stack, template, services.instantTasksWorker);
    expect(desiredTasks(p, { instant_tasks_jobs_active: 2, instant_tasks_jobs_waiting: 10, RunningTaskCount: 2 }, 2)).toBe(3);
    expect(desiredTasks(p, { instant_tasks_jobs_active: 0, instant_tasks_jobs_waiting: 0, RunningTaskCount: 6 }, 6)).toBe(2);
  });

  test('queued worker by workers required with a 30 % buffer: 4 required means 6, capped at the maximum', () => {
    const { stack, template, services } = build({ queuedTasksWorker: { strategy: MembraneQueuedWorkerStrategy.WORKERS_REQUIRED } });
    const p = policyOf(stack, template, services.queuedTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 50, target: 1 });
    expect(dims(p, 'queued_tasks_workers_required').Stat).toBe('Maximum');
    expect(desiredTasks(p, { queued_tasks_workers_required: 4, DesiredTaskCount: 2 }, 2)).toBe(6);
    expect(desiredTasks(p, { queued_tasks_workers_required: 100, DesiredTaskCount: 10 }, 10)).toBe(50);
    expect(desiredTasks(p, { queued_tasks_workers_required: 0, DesiredTaskCount: 5 }, 5)).toBe(2);
  });

  test('buffer ratio is configurable', () => {
    const { stack, template, services } = build({
      queuedTasksWorker: { strategy: MembraneQueuedWorkerStrategy.WORKERS_REQUIRED, bufferRatio: 0.5 },
    });
    const p = policyOf(stack, template, services.queuedTasksWorker);
    expect(desiredTasks(p, { queued_tasks_workers_required: 4, DesiredTaskCount: 2 }, 2)).toBe(6);
    expect(desiredTasks(p, { queued_tasks_workers_required: 10, DesiredTaskCount: 2 }, 2)).toBe(15);
  });

  test('UI and Console on CPU: 2 to 5 tasks at 50 %', () => {
    const { stack, template, services } = build({
      ui: { strategy: MembraneFrontendStrategy.CPU }, console: { strategy: MembraneFrontendStrategy.CPU },
    });
    for (const svc of [services.ui, services.console]) {
      expect(policyOf(stack, template, svc)).toMatchObject({ min: 2, max: 5, target: 50, predefined: 'ECSServiceAverageCPUUtilization' });
    }
  });

  test('every number is overridable', () => {
    const { stack, template, services } = build({
      api: { minCapacity: 3, maxCapacity: 30, target: 60, scaleOutCooldown: Duration.seconds(30), scaleInCooldown: Duration.seconds(600) },
      customCodeRunner: { minCapacity: 4, maxCapacity: 40, target: 0.5 },
    });
    expect(policyOf(stack, template, services.api)).toMatchObject({ min: 3, max: 30, target: 60, scaleOutCooldown: 30, scaleInCooldown: 600 });
    expect(policyOf(stack, template, services.customCodeRunner)).toMatchObject({ min: 4, max: 40, target: 0.5 });
  });
});
