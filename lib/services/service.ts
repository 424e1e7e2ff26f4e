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

  /**
   * `CPUUtilization` of the service (AWS/ECS): the CPU its tasks use, in percent of what they reserve.
   *
   * @param props options that override the defaults: average per minute, labelled with `serviceName`
   */
  metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `MemoryUtilization` of the service (AWS/ECS): the memory its tasks use, in percent of what they reserve.
   *
   * @param props options that override the defaults: average per minute, labelled with `serviceName`
   */
  metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * `HTTPCode_Target_5XX_Count` of the service's target group: the 5xx responses its tasks give the load balancer.
   * With blue/green deployments, the sum over both target groups (a group without datapoints counts 0), so the
   * metric follows the traffic from one group to the other; otherwise the target group's metric itself.
   *
   * Only for a service behind the load balancer (`targetGroup` set: the API, UI and Console): for any other service
   * this throws an error, since it has no target group to measure.
   *
   * @param props options that override the defaults: sum per minute, labelled `<serviceName> 5xx`; with two target
   *   groups they apply to each group's metric, and label, period and color also to the sum
   */
  metricHttpCodeTarget5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;
}

/**
 * The Membrane services as `MembraneScaling` (or your own scaling and dashboards) uses them: the cluster, the load
 * balancer and the seven services. Implemented by `MembraneEcsServices`.
 *
 * The cluster and the load balancer have the classes' types that `MembraneEcsServices` exposes: jsii requires an
 * implementation's property to have the interface's type exactly.
 */
export interface IMembraneEcsServices extends IConstruct {
  /** The ECS cluster the services run in (the `ClusterName` dimension of their metrics). */
  readonly cluster: ecs.Cluster;
  /** The load balancer of the API, UI and Console. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The API service. */
  readonly api: IMembraneService;
  /** The instant tasks worker service. */
  readonly instantTasksWorker: IMembraneService;
  /** The queued tasks worker service. */
  readonly queuedTasksWorker: IMembraneService;
  /** The orchestrator service. */
  readonly orchestrator: IMembraneService;
  /** The UI service. */
  readonly ui: IMembraneService;
  /** The Console service. */
  readonly console: IMembraneService;
  /** The custom code runner service (internal only). */
  readonly customCodeRunner: IMembraneService;
}
