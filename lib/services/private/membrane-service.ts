import { Duration, Lazy } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CONTAINER_HEALTH_CHECK, DEREGISTRATION_DELAY, STARTUP_GRACE, TARGET_HEALTH_CHECK, WORKER_STOP_TIMEOUT } from './defaults';
import { MembraneServiceProps } from './service-context';
import { metricEcsService, metricTarget5xx } from './service-metrics';
import { validateServiceOptions } from './service-validation';
import { ServiceSpec } from './services-table';
import { addTaskProtection } from './task-protection';
import { MEMBRANE_PORT, MIN_PRODUCTION_TASKS } from '../../common/constants';
import { acknowledge } from '../../common/nag';
import { createLogGroup } from '../../common/resources';
import { known, propError } from '../../common/validation';
import { TargetGroupSettings } from '../../ingress/private/load-balancer';
import { listenerRule, Route } from '../../ingress/private/routing';
import { IMembraneService, MembraneTaskCountScaling } from '../service';

/** A service's task size and count. */
interface TaskSize { readonly cpu: number; readonly memoryLimitMiB: number; readonly desiredCount: number }

/**
 * One Membrane service: its log group, task definition with the Membrane container, security group, Fargate
 * service and, for the public ones, its target group on the HTTPS listener. Its construct id is the service's id,
 * so every logical id below it is stable.
 */
export class MembraneService extends Construct implements IMembraneService {
  public readonly serviceName: string;
  public readonly service: ecs.FargateService;
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  public readonly container: ecs.ContainerDefinition;
  public readonly logGroup: logs.ILogGroup;
  public readonly targetGroup?: elbv2.ApplicationTargetGroup;
  public readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  private scaling?: MembraneTaskCountScaling;
  /** Names of the alarms that roll a deployment back; none when `rollbackOnAlarm` is off. */
  private readonly deploymentAlarmNames: string[] = [];
  private readonly rollbackOnAlarm: boolean;
  private readonly spec: ServiceSpec;
  private readonly desiredCountProp: { readonly scope: Construct; readonly key: string; readonly given: boolean };

  constructor(scope: Construct, props: MembraneServiceProps) {
    super(scope, props.spec.id);
    const { spec, options, context, deployment } = props;
    this.spec = spec;
    this.rollbackOnAlarm = deployment.rollbackOnAlarm;
    this.serviceName = spec.name;
    this.desiredCountProp = { scope: context.propScope, key: spec.key, given: options.desiredCount !== undefined };
    const size: TaskSize = {
      cpu: options.cpu ?? spec.size.cpu,
      memoryLimitMiB: options.memoryLimitMiB ?? spec.size.memoryMiB,
      desiredCount: options.desiredCount ?? MIN_PRODUCTION_TASKS,
    };
    validateServiceOptions(context.propScope, this, spec, options, size);
    const healthPath = props.route?.basePath ?? spec.healthPath;

    this.logGroup = createLogGroup(this, 'LogGroup', context.logRetention, `the ${spec.name} container logs`, context.encryptionKey,
      context.logRemovalPolicy);
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: size.cpu,
      memoryLimitMiB: size.memoryLimitMiB,
      runtimePlatform: { cpuArchitecture: context.cpuArchitecture, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    this.container = this.addMembraneContainer(props, healthPath);
    this.service = this.createService(props, size.desiredCount);
    const targets = this.attachToListener(props, healthPath);
    if (targets) {
      this.targetGroup = targets.primary;
      if (targets.alternate) this.alternateTargetGroup = targets.alternate;
    }
  }

  /** The Membrane container (image, environment, logs, port; a health check off the load balancer) and the task-protection sidecar. */
  private addMembraneContainer(props: MembraneServiceProps, healthPath: string): ecs.ContainerDefinition {
    const { spec, options, contract, context } = props;
    const behindLoadBalancer = spec.exposure === 'public-alb';
    const container = this.taskDefinition.addContainer(spec.name, {
      image: ecs.ContainerImage.fromRegistry(`${context.registry}/core/${spec.image}:${context.version.tag}`,
        { credentials: context.registryCredentials }),
      environment: contract.environment,
      secrets: contract.secrets,
      dockerLabels: props.dockerLabels,
      portMappings: [{ containerPort: MEMBRANE_PORT, name: 'http', appProtocol: ecs.AppProtocol.http }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: spec.name }),
      // Everything not behind the load balancer runs jobs (or leads them): the longest graceful stop Fargate allows.
      stopTimeout: behindLoadBalancer ? undefined : WORKER_STOP_TIMEOUT,
      healthCheck: behindLoadBalancer ? undefined : {
        command: options.healthCheckCommand ?? nodeHttpCheck(healthPath),
        ...CONTAINER_HEALTH_CHECK,
        startPeriod: STARTUP_GRACE, // ECS's maximum; the start-up budget beyond it warns (validateSettings)
      },
    });
    if (spec.protectWhileBusy && spec.prometheus && context.taskProtection) {
      addTaskProtection({
        ...context.taskProtection,
        taskDefinition: this.taskDefinition,
        cluster: context.cluster,
        logGroup: this.logGroup,
        metricsPath: spec.prometheus.path,
      });
    }
    acknowledge(this.taskDefinition, {
      id: 'AwsSolutions-ECS2',
      reason: 'Only non-secret Membrane configuration (URLs, bucket names, flags, timeouts) is plain environment; every credential is an ECS secret '
        + 'from Secrets Manager.',
    });
    return container;
  }

  /** The security group and the Fargate service: circuit breaker, strategy, deployment alarms, Spot, Service Connect. */
  private createService(props: MembraneServiceProps, desiredCount: number): ecs.FargateService {
    const { spec, options, context, deployment } = props;
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: context.vpc,
      description: `Membrane ${spec.name}`,
      allowAllOutbound: true,
    });
    const service = new ecs.FargateService(this, 'Service', {
      cluster: context.cluster,
      taskDefinition: this.taskDefinition,
      // Owned here to the end: once Application Auto Scaling takes the count over, the template has no DesiredCount,
      // so a deployment never resets the running count.
      desiredCount: Lazy.number({ produce: () => (this.scaling ? undefined : desiredCount) }),
      vpcSubnets: context.taskSubnets,
      securityGroups: [securityGroup],
      assignPublicIp: false,
      // The circuit breaker also watches blue/green deployments ("Amazon ECS deployment failure detection"): tasks that do
      // not start (a bad image tag) or fail their health checks roll the deployment back before any traffic moves.
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      deploymentStrategy: deployment.strategy,
      bakeTime: deployment.bakeTime,
      // Read at synthesis: the alarms are made after the service (they read its target groups).
      deploymentAlarms: deployment.rollbackOnAlarm
        ? { alarmNames: Lazy.list({ produce: () => this.deploymentAlarmNames }), behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM }
        : undefined,
      healthCheckGracePeriod: spec.exposure === 'public-alb' ? context.startupGrace : undefined,
      enableExecuteCommand: context.enableExecuteCommand,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      // One task stays on regular Fargate when the service runs two or more; a single-task service runs on Spot,
      // or `spot` would buy nothing (the base task is on-demand).
      capacityProviderStrategies: options.spot ? [
        { capacityProvider: 'FARGATE', base: known(desiredCount) && desiredCount < 2 ? 0 : 1, weight: 0 },
        { capacityProvider: 'FARGATE_SPOT', weight: 1 },
      ] : undefined,
      serviceConnectConfiguration: serviceConnect(spec, context.serviceConnectTimeout),
    });
    if (context.enableExecuteCommand) {
      acknowledge(this.taskDefinition.taskRole, {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ECS Exec (enableExecuteCommand) opens its Session Manager channel with ssmmessages actions that have no resource-level '
          + 'permissions, so AWS requires Resource \'*\'; the statement exists only while ECS Exec is on.',
      });
    }
    return service;
  }

  /** The target group(s) and listener rule of a service behind the load balancer; none for the others. */
  private attachToListener(props: MembraneServiceProps, healthPath: string) {
    const { spec, deployment, listener, route } = props;
    if (spec.exposure !== 'public-alb' || !listener || !route) return undefined;
    const targetsId = props.targetsId ?? spec.id;
    if (deployment.loadBalancerRole) {
      return this.blueGreenTargets(listener, targetsId, route, healthPath, deployment.loadBalancerRole, props.context.vpc);
    }
    return { primary: listener.addTargets(targetsId, { ...listenerRule(spec, route), ...this.targetGroupProps(healthPath) }), alternate: undefined };
  }

  /**
   * The two target groups and the production listener rule of ECS's blue/green, linear and canary deployments ("Application
   * Load Balancer resources for blue/green deployments"): the rule forwards to both, with all the weight on the group
   * whose tasks serve, and ECS moves the weight when a new version is healthy. The primary target group and the rule keep
   * the construct ids `listener.addTargets` gives them, so an existing deployment updates them in place.
   */
  private blueGreenTargets(listener: elbv2.ApplicationListener, targetsId: string, route: Route, healthPath: string, role: iam.IRole,
    vpc: ec2.IVpc) {
    const settings = this.targetGroupSettings(healthPath);
    const group = (id: string) => new elbv2.ApplicationTargetGroup(listener, id, { vpc, targetType: elbv2.TargetType.IP, ...settings });
    const primary = group(`${targetsId}Group`);
    const alternate = group(`${targetsId}AlternateGroup`);
    const rule = new elbv2.ApplicationListenerRule(listener, `${targetsId}Rule`, {
      listener,
      ...listenerRule(this.spec, route),
      action: elbv2.ListenerAction.weightedForward([{ targetGroup: primary, weight: 100 }, { targetGroup: alternate, weight: 0 }]),
    });
    primary.addTarget(this.service.loadBalancerTarget({
      containerName: this.spec.name,
      containerPort: MEMBRANE_PORT,
      alternateTarget: new ecs.AlternateTarget('BlueGreen', {
        alternateTargetGroup: alternate,
        productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(rule),
        role,
      }),
    }));
    return { primary, alternate, rule };
  }

  public addDeploymentAlarm(alarm: cloudwatch.IAlarm): void {
    this.addDeploymentAlarmName(alarm.alarmName);
  }

  /** Rolls deployments back on the alarm of this name: for alarms with a fixed name that read this service's metrics. */
  public addDeploymentAlarmName(alarmName: string): void {
    if (this.rollbackOnAlarm) this.deploymentAlarmNames.push(alarmName);
  }

  /**
   * Port, protocol, tasks, draining and health check of a target group of this service: the main listener's, and the
   * public edge's for the API.
   */
  public targetGroupProps(healthPath = this.spec.healthPath): TargetGroupSettings {
    return {
      ...this.targetGroupSettings(healthPath),
      targets: [this.service.loadBalancerTarget({ containerName: this.spec.name, containerPort: MEMBRANE_PORT })],
    };
  }

  /** Port, protocol, draining and health check of a target group of this service. */
  private targetGroupSettings(healthPath: string): Omit<TargetGroupSettings, 'targets'> {
    return {
      port: MEMBRANE_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      deregistrationDelay: DEREGISTRATION_DELAY,
      // The API answers 200 on `/` ("Service Deployment"); the Next.js front ends may redirect to sign-in.
      healthCheck: { path: healthPath, healthyHttpCodes: this.spec.key === 'api' ? '200' : '200-399', ...TARGET_HEALTH_CHECK },
    };
  }

  public autoScaleTaskCount(props: appscaling.EnableScalingProps): MembraneTaskCountScaling {
    if (this.scaling) {
      throw new Error(`${this.node.path}: the task count of ${this.serviceName} is already autoscaled. Apply MembraneScaling once per `
        + 'MembraneEcsServices.');
    }
    // One rule for every service: whoever scales it, a desired count given for it would be silently dropped.
    const { scope, key, given } = this.desiredCountProp;
    if (given) {
      throw propError(scope, `services.${key}.desiredCount`, `the ${key} count is managed by autoscaling`,
        `Set the minCapacity / maxCapacity of its scaling instead (scaling.${key} on Membrane), or remove the desired count.`);
    }
    const taskCount = this.service.autoScaleTaskCount(props);
    // The scalable target is the task count's only child; aws-cdk-lib does not expose its id otherwise.
    const target = taskCount.node.findChild('Target') as appscaling.ScalableTarget;
    this.scaling = { taskCount, scalableTargetId: target.scalableTargetId };
    return this.scaling;
  }

  /** `CPUUtilization` of the service (%): average per minute, labelled with its name. */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricEcsService(this, 'CPUUtilization', props);
  }

  /** `MemoryUtilization` of the service (%): average per minute, labelled with its name. */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metricEcsService(this, 'MemoryUtilization', props);
  }

  /** 5xx responses of the service's tasks, over both target groups of a blue/green service; throws without a target group. */
  public metricHttpCodeTarget5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return metricTarget5xx(this, props);
  }
}

/** Service Connect: the custom code runner is the only server; the api-image services are its clients. */
function serviceConnect(spec: ServiceSpec, timeout: Duration): ecs.ServiceConnectProps | undefined {
  if (spec.exposure === 'service-connect') {
    return {
      services: [{
        portMappingName: 'http',
        discoveryName: spec.name,
        dnsName: spec.name,
        port: MEMBRANE_PORT,
        // Service Connect cuts HTTP requests after 15 s by default; custom code may run as long as a queued task.
        perRequestTimeout: timeout,
        idleTimeout: timeout,
      }],
    };
  }
  return spec.kind === 'engine' ? {} : undefined;
}

/** `GET http://127.0.0.1:5000<path>` with Node.js, which every Membrane image has; exit 0 on 2xx. */
function nodeHttpCheck(path: string): string[] {
  return ['CMD', 'node', '-e',
    `fetch('http://127.0.0.1:${MEMBRANE_PORT}${path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
}
