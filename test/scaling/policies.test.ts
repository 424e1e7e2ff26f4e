import * as ecs from 'aws-cdk-lib/aws-ecs';
import { build, desiredTasks, dims, Policy, policyOf } from './support';
import { describeCdkTest } from '../harness';

// MembraneScaling target tracking: each service's documented policy, and the API's memory next to its CPU.

/** The value of the policy's metric-math expression for samples by metric name (what target tracking compares with the target). */
function metricValue(policy: Policy, samples: Record<string, number>): number {
  const values: Record<string, number> = {};
  for (const m of policy.metrics.filter(x => x.MetricStat)) values[m.Id] = samples[m.MetricStat!.Metric.MetricName];
  const expression = policy.metrics.find(m => m.ReturnData !== false)!.Expression!;
  return Function(...Object.keys(values), `return ${expression};`)(...Object.values(values)) as number;
}

describeCdkTest('MembraneScaling policies ("Self-hosting", "Autoscaling Configuration")', () => {
  const { stack, template, services } = build();

  test('api: CPU target 50 %, 2 to 10 tasks, scale out after 60 s, in after 300 s', () => {
    const p = policyOf(stack, template, services.api);
    expect(p).toMatchObject({
      min: 2,
      max: 10,
      target: 50,
      scaleOutCooldown: 60,
      scaleInCooldown: 300,
      predefined: 'ECSServiceAverageCPUUtilization',
    });
  });

  // In steady state every desired task runs: the documented formula, unchanged.
  const steady = (n: number) => ({ RunningTaskCount: n, DesiredTaskCount: n });

  test('instant tasks worker: avg(instant_tasks_worker_utilization_rate) against 0.75, 2 to 20', () => {
    const p = policyOf(stack, template, services.instantTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 20, target: 0.75, scaleOutCooldown: 60, scaleInCooldown: 300 });
    expect(dims(p, 'instant_tasks_worker_utilization_rate').Stat).toBe('Average');
    // 4 workers busy 90 % of the time: 4 * 0.9 / 0.75 = 4.8, so 5 workers.
    expect(desiredTasks(p, { instant_tasks_worker_utilization_rate: 0.9, ...steady(4) }, 4)).toBe(5);
  });

  test('target tracking reads its metric per desired task: tasks still starting count as capacity', () => {
    // A burst raised the count from 2 to 10; the 2 running workers are saturated. Per running task the metric says
    // 1 (target tracking would ask for 10 x 1 / 0.75 = 14); per desired task 0.2, below the target: no scale-out.
    for (const [svc, metric, target] of [[services.instantTasksWorker, 'instant_tasks_worker_utilization_rate', 0.75],
      [services.queuedTasksWorker, 'queued_tasks_worker_utilization_rate', 0.85]] as const) {
      const p = policyOf(stack, template, svc);
      expect(dims(p, 'RunningTaskCount').Metric.Namespace).toBe('ECS/ContainerInsights');
      expect(dims(p, 'DesiredTaskCount').Metric.Namespace).toBe('ECS/ContainerInsights');
      expect(metricValue(p, { [metric]: 1, RunningTaskCount: 2, DesiredTaskCount: 10 })).toBeCloseTo(0.2);
      expect(metricValue(p, { [metric]: 1, RunningTaskCount: 2, DesiredTaskCount: 10 })).toBeLessThan(target);
    }
  });

  test('queued tasks worker: avg(queued_tasks_worker_utilization_rate) against 0.85, 2 to 50', () => {
    const p = policyOf(stack, template, services.queuedTasksWorker);
    expect(p).toMatchObject({ min: 2, max: 50, target: 0.85 });
    expect(dims(p, 'queued_tasks_worker_utilization_rate').Stat).toBe('Average');
    expect(desiredTasks(p, { queued_tasks_worker_utilization_rate: 1, ...steady(10) }, 10)).toBe(12);
  });

  test('custom code runner: (sum(total) - sum(remaining)) / sum(total) against 0.45, 2 to 20', () => {
    const p = policyOf(stack, template, services.customCodeRunner);
    expect(p).toMatchObject({ min: 2, max: 20, target: 0.45 });
    expect(dims(p, 'custom_code_runner_total_job_spaces').Stat).toBe('Sum');
    expect(dims(p, 'custom_code_runner_remaining_job_spaces').Stat).toBe('Sum');
    // 2 runners with 10 spaces each, 9 used: 2 * 0.45 / 0.45 = 2 (at target).
    expect(desiredTasks(p, { custom_code_runner_total_job_spaces: 20, custom_code_runner_remaining_job_spaces: 11, ...steady(2) }, 2)).toBe(2);
    // 18 of 20 used: 2 * 0.9 / 0.45 = 4.
    expect(desiredTasks(p, { custom_code_runner_total_job_spaces: 20, custom_code_runner_remaining_job_spaces: 2, ...steady(2) }, 2)).toBe(4);
    // Saturated large fleet is capped at 20.
    expect(desiredTasks(p, { custom_code_runner_total_job_spaces: 150, custom_code_runner_remaining_job_spaces: 0, ...steady(15) }, 15)).toBe(20);
  });

  test('metrics are read in the Membrane namespace with the cluster and service dimensions', () => {
    const p = policyOf(stack, template, services.customCodeRunner);
    const stat = dims(p, 'custom_code_runner_total_job_spaces');
    expect(stat.Metric.Namespace).toBe('Membrane');
    expect(stat.Metric.Dimensions).toEqual([
      { Name: 'ClusterName', Value: { Ref: stack.getLogicalId(services.cluster.node.defaultChild as ecs.CfnCluster) } },
      { Name: 'Service', Value: 'custom-code-runner' },
    ]);
  });

  test('orchestrator, UI and Console are not autoscaled: fixed at 2 tasks', () => {
    for (const svc of [services.orchestrator, services.ui, services.console]) {
      const serviceId = stack.getLogicalId(svc.service.node.defaultChild as ecs.CfnService);
      const resourceIds = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))
        .map(t => JSON.stringify(t.Properties.ResourceId));
      expect(resourceIds.filter(r => r.includes(serviceId))).toEqual([]);
      expect(template.toJSON().Resources[serviceId].Properties.DesiredCount).toBe(2);
    }
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 4);
  });

  test('autoscaled services leave DesiredCount to Application Auto Scaling, so deployments do not reset it', () => {
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.customCodeRunner]) {
      const serviceId = stack.getLogicalId(svc.service.node.defaultChild as ecs.CfnService);
      expect(template.toJSON().Resources[serviceId].Properties.DesiredCount).toBeUndefined();
    }
  });
});

const MEMORY = 'ECSServiceAverageMemoryUtilization';
const CPU = 'ECSServiceAverageCPUUtilization';

describeCdkTest('MembraneScaling on the API\'s memory ("Self-hosting": watch memory as well as CPU)', () => {
  test('memory target tracking at 70 % next to CPU at 50 %, on the same scalable target', () => {
    const { template } = build();
    const policies = template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: { TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: MEMORY } } },
    });
    expect(Object.values(policies)).toHaveLength(1);
    expect(Object.values(policies)[0].Properties).toMatchObject({
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, ScaleOutCooldown: 60, ScaleInCooldown: 300 },
    });
    const cpu = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
      Properties: { TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: CPU } } },
    }));
    expect(cpu[0].Properties.ScalingTargetId).toEqual(Object.values(policies)[0].Properties.ScalingTargetId);
  });

  test('memoryTarget is configurable', () => {
    build({ api: { memoryTarget: 80 } }).template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 80, PredefinedMetricSpecification: { PredefinedMetricType: MEMORY } },
    });
  });
});
