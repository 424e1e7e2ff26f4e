import { Arn, ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { TASK_PROTECTION_MARGIN, TASK_PROTECTION_POLL, TASK_PROTECTION_SIZE } from './defaults';
import { TASK_PROTECTION_SCRIPT } from './task-protection-script';
import { MEMBRANE_PORT } from '../../common/constants';
import { acknowledgeFinding, nagReference } from '../../common/nag';

/** Name of the sidecar container. */
export const TASK_PROTECTION_CONTAINER = 'task-protection';

/** Longest protection ECS accepts: 2,880 minutes. */
const MAX_PROTECTION_MINUTES = 2880;

/** What the task-protection sidecar needs. */
export interface TaskProtectionProps {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly cluster: ecs.ICluster;
  readonly logGroup: logs.ILogGroup;
  readonly image: string;
  /** Prometheus path that reports `queued_tasks_worker_busy`. */
  readonly metricsPath: string;
  /** The longest a queued task may run (MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS). */
  readonly maxProcessTime: Duration;
}

/** Minutes of protection: the longest queued task plus a margin, within what ECS accepts. */
export function protectionMinutes(maxProcessTime: Duration): number {
  // A process time known only at deploy time: the longest protection; the sidecar clears it when the job ends.
  if (maxProcessTime.isUnresolved()) return MAX_PROTECTION_MINUTES;
  return Math.min(MAX_PROTECTION_MINUTES, Math.ceil(maxProcessTime.toSeconds() / 60) + TASK_PROTECTION_MARGIN.toMinutes());
}

/**
 * Adds the sidecar that protects a busy queued worker from scale-in and deployments (ECS task scale-in protection):
 * a scale-in would otherwise stop a task in the middle of a job that may run far longer than the 120 s Fargate
 * gives a stopping task. Not essential: if it stops, the worker keeps working, unprotected.
 */
export function addTaskProtection(props: TaskProtectionProps): ecs.ContainerDefinition {
  const { taskDefinition, cluster } = props;
  const container = taskDefinition.addContainer(TASK_PROTECTION_CONTAINER, {
    image: ecs.ContainerImage.fromRegistry(props.image),
    essential: false,
    command: ['node', '-e', TASK_PROTECTION_SCRIPT],
    environment: {
      METRICS_URL: `http://127.0.0.1:${MEMBRANE_PORT}${props.metricsPath}`,
      POLL_SECONDS: String(TASK_PROTECTION_POLL.toSeconds()),
      EXPIRES_IN_MINUTES: String(protectionMinutes(props.maxProcessTime)),
    },
    logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: TASK_PROTECTION_CONTAINER }),
    readonlyRootFilesystem: true,
    ...TASK_PROTECTION_SIZE,
  });
  // The agent calls ECS with the task role: only this cluster's tasks, whose ids exist only at run time.
  const tasks = Arn.format({
    service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  }, Stack.of(taskDefinition));
  taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({
    actions: ['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection'],
    resources: [tasks],
  }));
  acknowledgeFinding(taskDefinition.taskRole, `AwsSolutions-IAM5[Resource::${nagReference(taskDefinition, tasks)}]`,
    'Task scale-in protection is set per task, and task ids exist only at run time: the statement is scoped to this cluster\'s '
    + 'tasks and to the two task-protection actions.');
  return container;
}
