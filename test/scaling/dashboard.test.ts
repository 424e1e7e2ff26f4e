import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { build } from './support';
import { MembraneScaling } from '../../lib';
import { buildServices } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { acknowledgements } from '../rule-packs';

// MembraneScaling dashboard and alarms.

describeCdkTest('MembraneScaling dashboard and alarms', () => {
  const { stack, template } = build();

  test('one dashboard with queues, utilization, job spaces, tasks, CPU/memory, load balancer and Redis', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody);
    for (const title of ['Instant tasks queue', 'Queued tasks workers', 'Worker utilization', 'Custom code runner job spaces', 'Running tasks',
      'Desired tasks', 'CPU utilization (%)', 'Memory utilization (%)', 'Load balancer 5xx', 'Target response time p95 (s)',
      'Redis Cache: engine CPU and memory (%)', 'Redis Cache: connections']) {
      expect(body).toContain(title);
    }
    for (const metric of ['RunningTaskCount', 'DesiredTaskCount', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'TargetResponseTime',
      'EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'CurrConnections']) {
      expect(body).toContain(metric);
    }
  });

  test('alarms: growing instant queue, queued workers at capacity, no spare job spaces', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'instant_tasks_jobs_waiting',
      Statistic: 'Maximum',
      Threshold: 100,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'queued_tasks_workers_required', Threshold: 50, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'custom_code_runner_remaining_job_spaces', Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'LessThanOrEqualToThreshold',
    });
    // Five here (with the two stalled-queue deployment alarms), four burst-scaling alarms, three measured scale-in alarms
    // (the 5xx and health alarms belong to the services): none acts on missing data.
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    const count = (pattern: RegExp) => alarms.filter(([id, a]) => pattern.test(id) && a.Properties.TreatMissingData === 'notBreaching').length;
    expect([count(/^Scaling/), count(/BurstScalingUpperAlarm/), count(/MeasuredScaleInLowerAlarm/)]).toEqual([5, 4, 3]);
  });

  test('without a topic the alarms have no actions and say why', () => {
    const silent = Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmActions: Match.absent() } }));
    expect(silent.filter(id => id.startsWith('Scaling'))).toHaveLength(5);
    expect(acknowledgements(stack).filter(a => a.startsWith('NIST.800.53.R5-CloudWatchAlarmAction'))).toHaveLength(silent.length);
  });

  test('with a topic every alarm notifies it on alarm and on recovery', () => {
    const b = buildServices();
    const topic = new sns.Topic(b.stack, 'Alerts', { enforceSSL: true });
    new MembraneScaling(b.stack, 'Scaling', { services: b.services, alarmTopic: topic });
    const topicRef = { Ref: b.stack.getLogicalId(topic.node.defaultChild as ecs.CfnService) };
    const withTopic = templateOf(b.stack);
    withTopic.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmActions: [topicRef], OKActions: [topicRef] }, 5);
    // The topic's policy (here: the TLS deny) replaces the default one: CloudWatch must be allowed to publish.
    withTopic.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'MembraneAlarms',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-central-1:123456789012:alarm:*']] } },
          },
        })]),
      },
    });
  });
});
