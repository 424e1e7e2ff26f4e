import { Duration, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwactions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { collectorConfig, DIMENSION_CLUSTER, DIMENSION_SERVICE, SCRAPES, ScrapedService } from './metrics';
import { MembraneCache } from '../cache';
import { acknowledgeGrantPolicy, createLogGroup } from '../common/resources';
import { propError, requireInteger } from '../common/validation';
import { MembraneEcsServices, MembraneService } from '../services';

/** How the instant tasks worker scales. */
export enum MembraneInstantWorkerStrategy {
  /** avg(instant_tasks_worker_utilization_rate) against a target of 0.75 (seed 003, the newest guidance). */
  UTILIZATION = 'utilization',
  /** (instant_tasks_jobs_active + instant_tasks_jobs_waiting) per running task against 5 (seed 004). */
  QUEUE_DEPTH = 'queue-depth',
}

/** How the queued tasks worker scales. */
export enum MembraneQueuedWorkerStrategy {
  /** avg(queued_tasks_worker_utilization_rate) against a target of 0.85 (seed 003, the newest guidance). */
  UTILIZATION = 'utilization',
  /** max(queued_tasks_workers_required) plus a 30 % buffer, as running tasks (seed 004). */
  WORKERS_REQUIRED = 'workers-required',
}

/** How the UI and Console are sized. */
export enum MembraneFrontendStrategy {
  /** A fixed number of tasks (seed 003: 2 for availability and zero-downtime updates). */
  FIXED = 'fixed',
  /** CPU target tracking, 2 to 5 tasks at 50 % (seed 004). */
  CPU = 'cpu',
}

/**
 * Scaling bounds and target of one service. The meaning of `target` depends on the service's strategy.
 */
export interface MembraneServiceScaling {
  /**
   * Fewest tasks.
   *
   * @default 2 (seeds: at least 2 of every service)
   */
  readonly minCapacity?: number;

  /**
   * Most tasks.
   *
   * @default - api 10, instant tasks worker 20, queued tasks worker 50, custom code runner 20, UI and Console 5 (seed 004)
   */
  readonly maxCapacity?: number;

  /**
   * Target value of the scaling metric.
   *
   * @default - api 50 (% CPU); instant worker 0.75 (utilization) or 5 (jobs per task); queued worker 0.85
   * (utilization) or 1 (tasks per buffered required worker); custom code runner 0.45 (job space use);
   * UI/Console 50 (% CPU)
   */
  readonly target?: number;

  /**
   * Minimum time between scale-out activities: fast, to answer load (seed 004).
   *
   * @default Duration.seconds(60)
   */
  readonly scaleOutCooldown?: Duration;

  /**
   * Minimum time between scale-in activities: slow, to prevent flapping (seed 004).
   *
   * @default Duration.seconds(300)
   */
  readonly scaleInCooldown?: Duration;
}

/** Scaling of the instant tasks worker. */
export interface MembraneInstantWorkerScaling extends MembraneServiceScaling {
  /**
   * Scaling metric.
   *
   * @default MembraneInstantWorkerStrategy.UTILIZATION
   */
  readonly strategy?: MembraneInstantWorkerStrategy;
}

/** Scaling of the queued tasks worker. */
export interface MembraneQueuedWorkerScaling extends MembraneServiceScaling {
  /**
   * Scaling metric.
   *
   * @default MembraneQueuedWorkerStrategy.UTILIZATION
   */
  readonly strategy?: MembraneQueuedWorkerStrategy;

  /**
   * Burst buffer on top of the required workers, with `WORKERS_REQUIRED` (seed 004: 0.3).
   *
   * @default 0.3
   */
  readonly bufferRatio?: number;
}

/** Scaling of the UI or the Console. */
export interface MembraneFrontendScaling extends MembraneServiceScaling {
  /**
   * Fixed count (the service's desired count) or CPU target tracking.
   *
   * @default MembraneFrontendStrategy.FIXED
   */
  readonly strategy?: MembraneFrontendStrategy;
}

/**
 * Options of `MembraneScaling`, everything but the services it scales.
 */
export interface MembraneScalingOptions {
  /** API: CPU target tracking. @default - 2 to 10 tasks at 50 % CPU */
  readonly api?: MembraneServiceScaling;
  /** Instant tasks worker. @default - 2 to 20 tasks, utilization 0.75 */
  readonly instantTasksWorker?: MembraneInstantWorkerScaling;
  /** Queued tasks worker. @default - 2 to 50 tasks, utilization 0.85 */
  readonly queuedTasksWorker?: MembraneQueuedWorkerScaling;
  /** Custom code runner: share of job spaces in use. @default - 2 to 20 tasks at 0.45 */
  readonly customCodeRunner?: MembraneServiceScaling;
  /** UI. @default - fixed count */
  readonly ui?: MembraneFrontendScaling;
  /** Console. @default - fixed count */
  readonly console?: MembraneFrontendScaling;

  /**
   * CloudWatch namespace of the Membrane metrics.
   *
   * @default 'Membrane'
   */
  readonly namespace?: string;

  /**
   * Image of the OpenTelemetry collector sidecar that turns the Prometheus metrics into CloudWatch
   * metrics (embedded metric format). Pin a version.
   *
   * @default 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0' (AWS Distro for OpenTelemetry)
   */
  readonly collectorImage?: string;

  /**
   * How often the sidecars scrape the Prometheus endpoints (seed 004: polling every 15 s).
   *
   * @default Duration.seconds(15)
   */
  readonly scrapeInterval?: Duration;

  /**
   * Retention of the embedded-metric-format log group (the metrics themselves live in CloudWatch Metrics).
   *
   * @default logs.RetentionDays.ONE_WEEK
   */
  readonly metricsLogRetention?: logs.RetentionDays;

  /**
   * Customer-managed KMS key for the metrics log group.
   *
   * @default - CloudWatch Logs' own keys
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Topic that receives alarm and OK notifications.
   *
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Caches whose CPU, memory and connections go on the dashboard.
   *
   * @default - none
   */
  readonly caches?: MembraneCache[];

  /**
   * Waiting instant jobs that count as a growing queue.
   *
   * @default 100
   */
  readonly instantQueueAlarmThreshold?: number;

  /**
   * 5xx responses per minute (load balancer plus API targets) that raise the 5xx alarm.
   *
   * @default 10
   */
  readonly http5xxAlarmThreshold?: number;

  /**
   * Name of the CloudWatch dashboard.
   *
   * @default - generated
   */
  readonly dashboardName?: string;
}

/**
 * Properties for `MembraneScaling`.
 */
export interface MembraneScalingProps extends MembraneScalingOptions {
  /** The services to scale and observe. */
  readonly services: MembraneEcsServices;
}

/** Default bounds per service (seed 004's table; seed 003 for the newer utilization targets). */
const DEFAULT_MAX: Record<'api' | 'instantTasksWorker' | 'queuedTasksWorker' | 'customCodeRunner' | 'ui' | 'console', number> = {
  api: 10, instantTasksWorker: 20, queuedTasksWorker: 50, customCodeRunner: 20, ui: 5, console: 5,
};
const DEFAULT_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0';

/** One input of a metric-math scaling policy. */
interface MathInput {
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: { [name: string]: string };
  readonly stat: string;
}

/**
 * Autoscaling for Membrane on the metrics it emits.
 *
 * An OpenTelemetry collector sidecar (AWS Distro for OpenTelemetry) in the api, instant worker, queued
 * worker and custom code runner tasks scrapes their Prometheus endpoints and writes the metrics Membrane
 * scales on to CloudWatch (namespace `Membrane`, dimensions `ClusterName` and `Service`). Application Auto
 * Scaling tracks the seeds' targets; the orchestrator stays fixed (leader election), and so do the UI and
 * Console unless CPU scaling is chosen. A dashboard and alarms cover queues, utilization, job spaces, task
 * counts, CPU/memory, load balancer errors and latency, and Redis.
 *
 * The autoscaled services' DesiredCount is left to Application Auto Scaling, so a deployment does not reset
 * the running count.
 */
export class MembraneScaling extends Construct {
  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Alarms on the key signals: growing instant queue, queued workers at capacity, no spare job spaces, 5xx. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The log group the collectors write embedded-metric-format records to. */
  public readonly metricsLogGroup: logs.ILogGroup;
  /** CloudWatch namespace of the Membrane metrics. */
  public readonly namespace: string;

  private readonly services: MembraneEcsServices;

  constructor(scope: Construct, id: string, props: MembraneScalingProps) {
    super(scope, id);
    this.services = props.services;
    this.namespace = props.namespace ?? 'Membrane';
    const scrapeInterval = props.scrapeInterval ?? Duration.seconds(15);
    if (!scrapeInterval.isUnresolved() && (scrapeInterval.toSeconds() < 5 || scrapeInterval.toSeconds() > 60)) {
      throw propError(this, 'scrapeInterval', `${scrapeInterval.toHumanString()} is outside 5 to 60 seconds`,
        'Scaling decisions use one-minute metrics; scrape at least once a minute (seed 004 polls every 15 s).');
    }

    // Metrics: one collector sidecar per scraped service.
    this.metricsLogGroup = createLogGroup(this, 'MetricsLogGroup', props.metricsLogRetention ?? logs.RetentionDays.ONE_WEEK,
      'the embedded-metric-format records of the Membrane metrics', props.encryptionKey);
    for (const scrape of SCRAPES) {
      const svc = this.serviceOf(scrape.service);
      svc.taskDefinition.addContainer('metrics-collector', {
        image: ecs.ContainerImage.fromRegistry(props.collectorImage ?? DEFAULT_COLLECTOR_IMAGE),
        essential: false,
        cpu: 64,
        memoryLimitMiB: 256,
        environment: {
          AOT_CONFIG_CONTENT: collectorConfig({
            scrape,
            serviceName: svc.container.containerName,
            clusterName: this.services.cluster.clusterName,
            namespace: this.namespace,
            logGroupName: this.metricsLogGroup.logGroupName,
            scrapeInterval,
          }),
        },
        logging: ecs.LogDrivers.awsLogs({ logGroup: svc.logGroup, streamPrefix: 'metrics-collector' }),
      });
      this.metricsLogGroup.grantWrite(svc.taskDefinition.taskRole);
      acknowledgeGrantPolicy(svc.taskDefinition.taskRole);
    }

    // Scaling policies.
    this.cpuPolicy('api', props.api ?? {});

    const instant = props.instantTasksWorker ?? {};
    if ((instant.strategy ?? MembraneInstantWorkerStrategy.UTILIZATION) === MembraneInstantWorkerStrategy.UTILIZATION) {
      this.mathPolicy('instantTasksWorker', instant, 0.75, 1, 'utilization', [
        this.input('rate', 'instant_tasks_worker_utilization_rate', 'instantTasksWorker', 'Average'),
      ], 'rate', 'avg(instant_tasks_worker_utilization_rate)');
    } else {
      this.mathPolicy('instantTasksWorker', instant, 5, 1000, 'jobs per task', [
        this.input('active', 'instant_tasks_jobs_active', 'api', 'Maximum'),
        this.input('waiting', 'instant_tasks_jobs_waiting', 'api', 'Maximum'),
        this.runningTasks('running', 'instantTasksWorker'),
      ], '(active + waiting) / running', '(instant_tasks_jobs_active + instant_tasks_jobs_waiting) per running task');
    }

    const queued = props.queuedTasksWorker ?? {};
    if ((queued.strategy ?? MembraneQueuedWorkerStrategy.UTILIZATION) === MembraneQueuedWorkerStrategy.UTILIZATION) {
      this.mathPolicy('queuedTasksWorker', queued, 0.85, 1, 'utilization', [
        this.input('rate', 'queued_tasks_worker_utilization_rate', 'queuedTasksWorker', 'Average'),
      ], 'rate', 'avg(queued_tasks_worker_utilization_rate)');
    } else {
      const buffer = queued.bufferRatio ?? 0.3;
      if (buffer < 0 || buffer > 5) {
        throw propError(this, 'queuedTasksWorker.bufferRatio', `${buffer} is outside 0 to 5`, 'Seed 004 uses 0.3 (30 % burst capacity).');
      }
      this.mathPolicy('queuedTasksWorker', queued, 1, 10, 'buffered required workers per task', [
        this.input('required', 'queued_tasks_workers_required', 'api', 'Maximum'),
        this.runningTasks('running', 'queuedTasksWorker'),
      ], `required * ${1 + buffer} / running`, `max(queued_tasks_workers_required) * ${1 + buffer} per running task`);
    }

    this.mathPolicy('customCodeRunner', props.customCodeRunner ?? {}, 0.45, 1, 'job space use', [
      this.input('total', 'custom_code_runner_total_job_spaces', 'customCodeRunner', 'Sum'),
      this.input('remaining', 'custom_code_runner_remaining_job_spaces', 'customCodeRunner', 'Sum'),
    ], '(total - remaining) / total', '(sum(total_job_spaces) - sum(remaining_job_spaces)) / sum(total_job_spaces)');

    for (const key of ['ui', 'console'] as const) {
      const options = props[key] ?? {};
      if ((options.strategy ?? MembraneFrontendStrategy.FIXED) === MembraneFrontendStrategy.CPU) {
        this.cpuPolicy(key, options);
      } else if (options.minCapacity !== undefined || options.maxCapacity !== undefined || options.target !== undefined) {
        throw propError(this, `${key}.strategy`, 'capacity or target is set but the strategy is FIXED',
          `Set ${key}.strategy to MembraneFrontendStrategy.CPU, or size the fixed count with the services' desiredCount.`);
      }
    }

    const observability = this.observe(props);
    this.dashboard = observability.dashboard;
    this.alarms = observability.alarms;
  }

  /** instant_tasks_jobs_waiting, reported by every API task with the same global value (read as Maximum). */
  public metricInstantTasksJobsWaiting(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('instant_tasks_jobs_waiting', 'api', 'Maximum', options);
  }

  /** instant_tasks_jobs_active, a global gauge reported by the API (read as Maximum). */
  public metricInstantTasksJobsActive(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('instant_tasks_jobs_active', 'api', 'Maximum', options);
  }

  /** queued_tasks_workers_required, a global gauge reported by the API (read as Maximum). */
  public metricQueuedTasksWorkersRequired(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('queued_tasks_workers_required', 'api', 'Maximum', options);
  }

  /** queued_tasks_workers, the running queued workers as the API counts them (read as Maximum). */
  public metricQueuedTasksWorkers(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('queued_tasks_workers', 'api', 'Maximum', options);
  }

  /** Average instant_tasks_worker_utilization_rate over the instant worker tasks (0 to 1). */
  public metricInstantTasksWorkerUtilization(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('instant_tasks_worker_utilization_rate', 'instantTasksWorker', 'Average', options);
  }

  /** Average queued_tasks_worker_utilization_rate over the queued worker tasks (0 to 1). */
  public metricQueuedTasksWorkerUtilization(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('queued_tasks_worker_utilization_rate', 'queuedTasksWorker', 'Average', options);
  }

  /** Sum of custom_code_runner_total_job_spaces over the runner tasks. */
  public metricCustomCodeRunnerTotalJobSpaces(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('custom_code_runner_total_job_spaces', 'customCodeRunner', 'Sum', options);
  }

  /** Sum of custom_code_runner_remaining_job_spaces over the runner tasks. */
  public metricCustomCodeRunnerRemainingJobSpaces(options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metric('custom_code_runner_remaining_job_spaces', 'customCodeRunner', 'Sum', options);
  }

  /** Share of the custom code runner's job spaces in use: (total - remaining) / total. */
  public metricCustomCodeRunnerUtilization(options: cloudwatch.MetricOptions = {}): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: '(total - remaining) / total',
      usingMetrics: { total: this.metricCustomCodeRunnerTotalJobSpaces(options), remaining: this.metricCustomCodeRunnerRemainingJobSpaces(options) },
      label: options.label ?? 'custom code runner job space use',
      period: options.period ?? Duration.minutes(1),
    });
  }

  private serviceOf(key: ScrapedService | 'ui' | 'console'): MembraneService {
    return this.services[key];
  }

  private metric(metricName: string, service: ScrapedService, statistic: string, options: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: this.membraneDimensions(service),
      statistic,
      period: Duration.minutes(1),
      ...options,
    });
  }

  private input(id: string, metricName: string, service: ScrapedService, stat: string): MathInput {
    return {
      id,
      metricName,
      stat,
      namespace: this.namespace,
      dimensions: this.membraneDimensions(service),
    };
  }

  /** Running tasks of a service from Container Insights. */
  private runningTasks(id: string, service: ScrapedService): MathInput {
    return {
      id,
      metricName: 'RunningTaskCount',
      stat: 'Average',
      namespace: 'ECS/ContainerInsights',
      dimensions: this.ecsDimensions(this.serviceOf(service)),
    };
  }

  /** Dimensions of a Membrane metric: the ones the collector sidecars write (see collectorConfig). */
  private membraneDimensions(service: ScrapedService): { [name: string]: string } {
    return { [DIMENSION_CLUSTER]: this.services.cluster.clusterName, [DIMENSION_SERVICE]: this.serviceOf(service).container.containerName };
  }

  /** Dimensions of the AWS/ECS and ECS/ContainerInsights service metrics. */
  private ecsDimensions(svc: MembraneService): { [name: string]: string } {
    return { ClusterName: this.services.cluster.clusterName, ServiceName: svc.service.serviceName };
  }

  /** CPU target tracking (seed 004: 50 %). */
  private cpuPolicy(key: 'api' | 'ui' | 'console', options: MembraneServiceScaling): void {
    this.scalable(key, options, 50, 100).scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: options.target ?? 50, ...this.cooldowns(options),
    });
  }

  private cooldowns(options: MembraneServiceScaling | undefined) {
    return {
      scaleOutCooldown: options?.scaleOutCooldown ?? Duration.seconds(60),
      scaleInCooldown: options?.scaleInCooldown ?? Duration.seconds(300),
    };
  }

  /** Registers the service with Application Auto Scaling after validating its bounds and target. */
  private scalable(key: keyof typeof DEFAULT_MAX, options: MembraneServiceScaling | undefined, defaultTarget: number,
    targetMax: number): ecs.ScalableTaskCount {
    const minCapacity = options?.minCapacity ?? 2;
    const maxCapacity = options?.maxCapacity ?? DEFAULT_MAX[key];
    const target = options?.target ?? defaultTarget;
    requireInteger(this, `${key}.minCapacity`, minCapacity, 1, 1000);
    requireInteger(this, `${key}.maxCapacity`, maxCapacity, 1, 1000);
    if (minCapacity > maxCapacity) {
      throw propError(this, `${key}.minCapacity`, `${minCapacity} is above maxCapacity ${maxCapacity}`, 'Keep minCapacity <= maxCapacity.');
    }
    if (!(target > 0 && target <= targetMax)) {
      throw propError(this, `${key}.target`, `${target} is outside (0, ${targetMax}]`, `Use a target above 0 and at most ${targetMax}; the default is ${defaultTarget}.`);
    }
    const svc = this.serviceOf(key);
    // Application Auto Scaling owns the count from here on: a deployment must not reset it.
    (svc.service.node.defaultChild as ecs.CfnService).addPropertyDeletionOverride('DesiredCount');
    return svc.service.autoScaleTaskCount({ minCapacity, maxCapacity });
  }

  /** Target tracking on a metric-math expression (the L1 policy: the L2 takes a single metric only). */
  private mathPolicy(key: 'instantTasksWorker' | 'queuedTasksWorker' | 'customCodeRunner', options: MembraneServiceScaling,
    defaultTarget: number, targetMax: number, what: string, inputs: MathInput[], expression: string, label: string): void {
    const taskCount = this.scalable(key, options, defaultTarget, targetMax);
    const target = taskCount.node.findChild('Target') as appscaling.ScalableTarget;
    const { scaleInCooldown, scaleOutCooldown } = this.cooldowns(options);
    new appscaling.CfnScalingPolicy(taskCount, 'MetricMathScaling', {
      policyName: `${this.serviceOf(key).container.containerName}-${what.replace(/\s+/g, '-')}`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: options.target ?? defaultTarget,
        scaleInCooldown: scaleInCooldown.toSeconds(),
        scaleOutCooldown: scaleOutCooldown.toSeconds(),
        customizedMetricSpecification: {
          metrics: [
            ...inputs.map(i => ({
              id: i.id,
              returnData: false,
              metricStat: {
                stat: i.stat,
                metric: {
                  namespace: i.namespace,
                  metricName: i.metricName,
                  dimensions: Object.entries(i.dimensions).map(([name, value]) => ({ name, value })),
                },
              },
            })),
            { id: 'scaling_metric', expression, label, returnData: true },
          ],
        },
      },
    });
  }

  private observe(props: MembraneScalingProps): { dashboard: cloudwatch.Dashboard; alarms: cloudwatch.Alarm[] } {
    const s = this.services;
    const all = s.allServices();
    const ecsMetric = (namespace: string, metricName: string, svc: MembraneService, statistic: string) => new cloudwatch.Metric({
      namespace,
      metricName,
      statistic,
      period: Duration.minutes(1),
      dimensionsMap: this.ecsDimensions(svc),
      label: svc.container.containerName,
    });
    const targetGroups = [s.api, s.ui, s.console].filter(svc => svc.targetGroup);
    const lbMetrics = s.loadBalancer.metrics;

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName, defaultInterval: Duration.hours(3) });
    const graph = (title: string, left: cloudwatch.IMetric[], right?: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, left, right, width: 12, height: 6 });
    dashboard.addWidgets(
      graph('Instant tasks queue', [this.metricInstantTasksJobsActive({ label: 'active' }), this.metricInstantTasksJobsWaiting({ label: 'waiting' })]),
      graph('Queued tasks workers', [this.metricQueuedTasksWorkersRequired({ label: 'required' }), this.metricQueuedTasksWorkers({ label: 'running' })]),
    );
    dashboard.addWidgets(
      graph('Worker utilization', [
        this.metricInstantTasksWorkerUtilization({ label: 'instant tasks worker' }),
        this.metricQueuedTasksWorkerUtilization({ label: 'queued tasks worker' }),
      ]),
      graph('Custom code runner job spaces', [
        this.metricCustomCodeRunnerTotalJobSpaces({ label: 'total' }), this.metricCustomCodeRunnerRemainingJobSpaces({ label: 'remaining' }),
      ], [this.metricCustomCodeRunnerUtilization()]),
    );
    dashboard.addWidgets(
      graph('Running tasks', all.map(svc => ecsMetric('ECS/ContainerInsights', 'RunningTaskCount', svc, 'Average'))),
      graph('Desired tasks', all.map(svc => ecsMetric('ECS/ContainerInsights', 'DesiredTaskCount', svc, 'Average'))),
    );
    dashboard.addWidgets(
      graph('CPU utilization (%)', all.map(svc => ecsMetric('AWS/ECS', 'CPUUtilization', svc, 'Average'))),
      graph('Memory utilization (%)', all.map(svc => ecsMetric('AWS/ECS', 'MemoryUtilization', svc, 'Average'))),
    );
    const target5xx = (svc: MembraneService) => svc.targetGroup!.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT,
      { period: Duration.minutes(1), statistic: 'Sum', label: `${svc.container.containerName} 5xx` });
    dashboard.addWidgets(
      graph('Load balancer 5xx', [
        lbMetrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(1), statistic: 'Sum', label: 'load balancer 5xx' }),
        ...targetGroups.map(target5xx),
      ]),
      graph('Target response time p95 (s)', targetGroups.map(svc =>
        svc.targetGroup!.metrics.targetResponseTime({ period: Duration.minutes(1), statistic: 'p95', label: svc.container.containerName }))),
    );
    for (const cache of props.caches ?? []) {
      const search = (metricName: string, statistic: string, label: string) => new cloudwatch.MathExpression({
        expression: `SEARCH('{AWS/ElastiCache,CacheClusterId} MetricName="${metricName}" "${cache.replicationGroup.ref}"', '${statistic}', 60)`,
        label,
        period: Duration.minutes(1),
      });
      dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `Redis ${cache.node.id}: engine CPU and memory (%)`,
          width: 12,
          height: 6,
          left: [
            search('EngineCPUUtilization', 'Average', 'engine CPU'), search('DatabaseMemoryUsagePercentage', 'Average', 'memory'),
          ],
        }),
        new cloudwatch.GraphWidget({
          title: `Redis ${cache.node.id}: connections`,
          width: 12,
          height: 6,
          left: [
            search('CurrConnections', 'Maximum', 'connections'),
          ],
        }),
      );
    }

    const queuedMax = props.queuedTasksWorker?.maxCapacity ?? DEFAULT_MAX.queuedTasksWorker;
    const alarms = [
      new cloudwatch.Alarm(this, 'InstantTasksQueueGrowing', {
        alarmDescription: 'Instant tasks are waiting: the instant tasks workers do not keep up (seed 000: growing job queues).',
        metric: this.metricInstantTasksJobsWaiting(),
        threshold: props.instantQueueAlarmThreshold ?? 100,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'QueuedWorkersAtCapacity', {
        alarmDescription: `Membrane requires at least ${queuedMax} queued tasks workers, the scaling maximum: queued tasks wait.`,
        metric: this.metricQueuedTasksWorkersRequired(),
        threshold: queuedMax,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 15,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'CustomCodeRunnerNoSpareJobSpaces', {
        alarmDescription: 'The custom code runners have no free job space: custom code waits (seed 000: Custom Code Runner at capacity).',
        metric: this.metricCustomCodeRunnerRemainingJobSpaces(),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(this, 'Http5xx', {
        alarmDescription: 'The load balancer or the API return 5xx responses.',
        metric: new cloudwatch.MathExpression({
          expression: 'elb + api',
          usingMetrics: {
            elb: lbMetrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: Duration.minutes(1), statistic: 'Sum' }),
            api: target5xx(s.api),
          },
          label: '5xx per minute',
          period: Duration.minutes(1),
        }),
        threshold: props.http5xxAlarmThreshold ?? 10,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    ];
    for (const alarm of alarms) {
      if (props.alarmTopic) {
        alarm.addAlarmAction(new cwactions.SnsAction(props.alarmTopic));
        alarm.addOkAction(new cwactions.SnsAction(props.alarmTopic));
      } else {
        Validations.of(alarm).acknowledge({
          id: 'NIST.800.53.R5-CloudWatchAlarmAction',
          reason: 'Where alarms go (SNS, chat, paging) is the platform team\'s choice; pass alarmTopic to notify a topic. The alarm still shows on the dashboard.',
        });
      }
    }
    return { dashboard, alarms };
  }
}
