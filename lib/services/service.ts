import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

/**
 * What `MembraneScaling` (or your own scaling) gets when it takes over a service's task count.
 */
export interface MembraneTaskCountScaling {
  /** The service's scalable task count (attach L2 policies here). */
  readonly taskCount: ecs.ScalableTaskCount;

  /** Id of the Application Auto Scaling scalable target (for L1 policies such as metric-math target tracking). */
  readonly scalableTargetId: string;
}

/**
 * One running Membrane service and the resources that belong to it.
 */
export interface IMembraneService extends IConstruct {
  /** Membrane's name of the service (`api`, `instant-tasks-worker`, ...): container name and log stream prefix. */
  readonly serviceName: string;
  /** The ECS service. */
  readonly service: ecs.FargateService;
  /** Its task definition. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** Its Membrane container. */
  readonly container: ecs.ContainerDefinition;
  /** Where its container logs go. */
  readonly logGroup: logs.ILogGroup;
  /**
   * Its load balancer target group.
   *
   * @default - none: the service is not public
   */
  readonly targetGroup?: elbv2.ApplicationTargetGroup;

  /**
   * The second target group of a blue/green service: a new version starts there, and the listener rule forwards to
   * whichever of the two holds the version in service. Metrics of the service's traffic read both.
   *
   * @default - none: the service is not public, or it rolls
   */
  readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;

  /**
   * Rolls the service's deployments back when `alarm` goes off (with `deployment.rollbackOnAlarm`, the default;
   * otherwise this does nothing). ECS names alarms, so the alarm's metrics must not read this service's own attributes
   * unless the alarm has a fixed name: that would be a circular dependency.
   */
  addDeploymentAlarm(alarm: cloudwatch.IAlarm): void;

  /**
   * Hands the task count to Application Auto Scaling. From then on the service's template has no
   * `DesiredCount`, so a deployment does not reset the running count. Once per service.
   */
  autoScaleTaskCount(props: appscaling.EnableScalingProps): MembraneTaskCountScaling;
}
