import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { acknowledge } from './nag';

/** Topics whose policy already lets CloudWatch publish (several building blocks may notify one topic). */
const allowed = new WeakSet<sns.ITopic>();

/**
 * Sends the alarms' ALARM and OK transitions to `topic`, or, without a topic, acknowledges that they have no
 * action. A topic policy replaces the default one, so a topic with any policy (e.g. one that enforces TLS)
 * refuses CloudWatch unless it is allowed explicitly: the statement is added once per topic, scoped to this
 * account's alarms. It has no effect on an imported topic, whose policy is its owner's.
 */
export function notify(alarms: cloudwatch.Alarm[], topic: sns.ITopic | undefined): void {
  if (!topic) {
    for (const alarm of alarms) {
      acknowledge(alarm, {
        id: 'NIST.800.53.R5-CloudWatchAlarmAction',
        reason: 'Where alarms go (SNS, chat, paging) is the platform team\'s choice; pass alarmTopic to notify a topic. The alarm still shows in '
          + 'CloudWatch.',
      });
    }
    return;
  }
  if (!allowed.has(topic) && alarms.length > 0) {
    allowed.add(topic);
    const { account, partition, region } = Stack.of(alarms[0]);
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'MembraneAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
      },
    }));
  }
  for (const alarm of alarms) {
    alarm.addAlarmAction(new cwactions.SnsAction(topic));
    alarm.addOkAction(new cwactions.SnsAction(topic));
  }
}
