import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MembraneCache, MembraneCacheProps } from '../../lib';
import { templateOf } from '../harness';
import { testStack } from '../rule-packs';

/** A VPC with public, private and isolated subnets in two zones. */
export function vpcIn(stack: Stack): ec2.Vpc {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  return vpc;
}

/** A MembraneCache with `props` in a VPC of its own stack, and the template. */
export function build(props: Partial<MembraneCacheProps> = {}) {
  const stack = testStack();
  const vpc = vpcIn(stack);
  const cache = new MembraneCache(stack, 'Cache', { vpc, ...props });
  return { stack, vpc, cache, template: templateOf(stack) };
}

/** The CacheClusterId of every node the memory alarms watch, in order. */
export function alarmedNodes(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm'))
    .flatMap(alarm => alarm.Properties.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat))
    .map((m: { MetricStat: { Metric: { Dimensions: Array<{ Value: unknown }> } } }) => m.MetricStat.Metric.Dimensions[0].Value);
}
