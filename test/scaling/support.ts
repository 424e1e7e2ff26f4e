import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IMembraneService, MembraneScaling, MembraneScalingProps } from '../../lib';
import { buildServices } from '../fixtures';
import { templateOf } from '../harness';

/** MembraneScaling with `props` over the test services and their cache, and the template. */
export function build(props: Partial<MembraneScalingProps> = {}) {
  const b = buildServices();
  const scaling = new MembraneScaling(b.stack, 'Scaling', { services: b.services, caches: [b.cache], ...props });
  return { ...b, scaling, template: templateOf(b.stack) };
}

/** A metric query of a policy or alarm, as CloudFormation sees it. */
export interface MetricQuery {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: { Stat: string; Metric: { MetricName: string; Namespace: string; Dimensions: Array<{ Name: string; Value: unknown }> } };
}

/** The scalable target and main target-tracking policy of a service, read by `policyOf`. */
export interface Policy {
  min: number;
  max: number;
  target: number;
  scaleInCooldown: number;
  scaleOutCooldown: number;
  metrics: MetricQuery[];
  predefined?: string;
}

/** The scalable target and main target-tracking policy of a service, as CloudFormation sees them. */
export function policyOf(stack: Stack, template: Template, svc: IMembraneService): Policy {
  const serviceId = stack.getLogicalId(svc.service.node.defaultChild as ecs.CfnService);
  const targets = template.findResources('AWS::ApplicationAutoScaling::ScalableTarget');
  const [targetId, target] = Object.entries(targets).find(([, t]) => JSON.stringify(t.Properties.ResourceId).includes(serviceId))!;
  const policy = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
    // The target-tracking policy on the service's documented signal (not the API's memory policy, not the burst policy).
    .find(p => JSON.stringify(p.Properties.ScalingTargetId) === JSON.stringify({ Ref: targetId })
      && p.Properties.PolicyType === 'TargetTrackingScaling'
      && p.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification?.PredefinedMetricType
        !== 'ECSServiceAverageMemoryUtilization')!;
  const config = policy.Properties.TargetTrackingScalingPolicyConfiguration;
  return {
    min: target.Properties.MinCapacity,
    max: target.Properties.MaxCapacity,
    target: config.TargetValue,
    scaleInCooldown: config.ScaleInCooldown,
    scaleOutCooldown: config.ScaleOutCooldown,
    metrics: config.CustomizedMetricSpecification?.Metrics ?? [],
    predefined: config.PredefinedMetricSpecification?.PredefinedMetricType,
  };
}

/**
 * What Application Auto Scaling's target tracking does with the policy: evaluate the metric-math
 * expression on sample values (by metric name), then desired = ceil(current * value / target), within
 * [min, max].
 */
export function desiredTasks(policy: Policy, samples: Record<string, number>, current: number): number {
  const values: Record<string, number> = {};
  for (const m of policy.metrics.filter(x => x.MetricStat)) {
    const name = m.MetricStat!.Metric.MetricName;
    if (!(name in samples)) throw new Error(`no sample for ${name}`);
    values[m.Id] = samples[name];
  }
  const expression = policy.metrics.find(m => m.ReturnData !== false)!.Expression!;
  expect(expression).toMatch(/^[a-z_\s()+\-*/.0-9]+$/);
  const value = Function(...Object.keys(values), `return ${expression};`)(...Object.values(values)) as number;
  const desired = Math.ceil(current * value / policy.target - 1e-9);
  return Math.min(policy.max, Math.max(policy.min, desired));
}

/** The metric stat of the policy's metric `name`. */
export const dims = (policy: Policy, name: string) => policy.metrics.find(m => m.MetricStat?.Metric.MetricName === name)!.MetricStat!;
