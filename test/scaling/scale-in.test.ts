import { CfnParameter } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { build, MetricQuery } from './support';
import { MembraneScaling } from '../../lib';
import { buildServices } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';

// MembraneScaling measured scale-in: a step policy scales the workers in; the API keeps target tracking's.

describeCdkTest('MembraneScaling measured scale-in (with burst scaling)', () => {
  const { stack, template, services } = build();
  type Step = { MetricIntervalLowerBound?: number; MetricIntervalUpperBound?: number; ScalingAdjustment: number };

  test.each([
    ['instantTasksWorker', 0.75, 'rate * running / desired'],
    ['queuedTasksWorker', 0.85, 'rate * running / desired'],
    ['customCodeRunner', 0.45, '(total - remaining) / total * running / desired'],
  ] as const)('%s: target tracking scales out only; a step policy scales in on the busiest of 15 low minutes', (key, target, expression) => {
    const svc = services[key];
    const serviceId = stack.getLogicalId(svc.service.node.defaultChild as ecs.CfnService);
    const [targetId] = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))
      .find(([, t]) => JSON.stringify(t.Properties.ResourceId).includes(serviceId))!;
    const policies = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .filter(([, p]) => JSON.stringify(p.Properties.ScalingTargetId) === JSON.stringify({ Ref: targetId }));
    const tracking = policies.find(([, p]) => p.Properties.PolicyType === 'TargetTrackingScaling')![1].Properties;
    expect(tracking.TargetTrackingScalingPolicyConfiguration).toMatchObject({ TargetValue: target, DisableScaleIn: true });
    const [scaleInId, scaleIn] = policies.find(([, p]) => p.Properties.StepScalingPolicyConfiguration?.StepAdjustments
      .some((s: Step) => s.ScalingAdjustment < 0))!;
    const config = scaleIn.Properties.StepScalingPolicyConfiguration;
    expect(config).toMatchObject({
      AdjustmentType: 'PercentChangeInCapacity', MinAdjustmentMagnitude: 1, Cooldown: 300, MetricAggregationType: 'Maximum',
    });
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
      .find(a => JSON.stringify(a.Properties.AlarmActions) === JSON.stringify([{ Ref: scaleInId }]))!.Properties;
    expect(alarm).toMatchObject({
      ComparisonOperator: 'LessThanOrEqualToThreshold', EvaluationPeriods: 15, DatapointsToAlarm: 15, TreatMissingData: 'notBreaching',
    });
    expect(alarm.Threshold).toBeCloseTo(0.75 * target);
    // The same metric as target tracking: the policies agree on what the load is.
    expect(alarm.Metrics.find((m: MetricQuery) => m.ReturnData !== false).Expression).toBe(expression);
    // Each share it removes keeps the busiest minute below the target: m / (1 - share) <= target at the interval's top.
    const steps = (config.StepAdjustments as Step[])
      .map(s => ({ top: alarm.Threshold + (s.MetricIntervalUpperBound ?? 0), share: -s.ScalingAdjustment / 100 }));
    expect(steps.map(s => s.share).sort()).toEqual([0.25, 0.5, 0.75]);
    for (const s of steps) expect(s.top / (1 - s.share)).toBeLessThanOrEqual(target + 1e-9);
    const at = (fraction: number) => (config.StepAdjustments as Step[])
      .find(s => fraction * target - alarm.Threshold >= (s.MetricIntervalLowerBound ?? -Infinity)
      && fraction * target - alarm.Threshold < (s.MetricIntervalUpperBound ?? Infinity))!.ScalingAdjustment;
    expect([0, 0.3, 0.6].map(at)).toEqual([-75, -50, -25]);
  });

  test('the API keeps target tracking\'s own scale-in (CPU and memory must agree)', () => {
    const apiId = stack.getLogicalId(services.api.service.node.defaultChild as ecs.CfnService);
    const [targetId] = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))
      .find(([, t]) => JSON.stringify(t.Properties.ResourceId).includes(apiId))!;
    const tracking = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'))
      .filter(p => JSON.stringify(p.Properties.ScalingTargetId) === JSON.stringify({ Ref: targetId })
        && p.Properties.PolicyType === 'TargetTrackingScaling');
    expect(tracking).toHaveLength(2);
    for (const p of tracking) expect(p.Properties.TargetTrackingScalingPolicyConfiguration.DisableScaleIn).toBeUndefined();
  });

  test('a target given as a token keeps target tracking\'s own scale-in (the intervals are shares of the target)', () => {
    const b = buildServices();
    const target = new CfnParameter(b.stack, 'Target', { type: 'Number', default: 0.5 }).valueAsNumber;
    new MembraneScaling(b.stack, 'Scaling', { services: b.services, customCodeRunner: { target } });
    const t = templateOf(b.stack);
    t.resourcePropertiesCountIs('AWS::ApplicationAutoScaling::ScalingPolicy',
      { TargetTrackingScalingPolicyConfiguration: { DisableScaleIn: true } }, 2);
  });
});
