import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_COLLECTOR_IMAGE, DEFAULT_METRICS_LOG_RETENTION, DEFAULT_NAMESPACE, DEFAULT_SCRAPE_INTERVAL } from './defaults';
import { addCollectors } from './private/collector';
import { createAlarms, createDashboard } from './private/dashboard';
import { MembranePolicies } from './private/membrane-policies';
import { MetricFactory } from './private/metrics';
import { maxCapacityOf } from './private/policies';
import { MembraneScalingProps } from './props';
import { validateScalingProps } from './validation';
import { createLogGroup } from '../common/resources';

/**
 * Autoscaling for Membrane on the metrics it emits.
 *
 * An OpenTelemetry collector sidecar (AWS Distro for OpenTelemetry) in the api, instant worker, queued
 * worker and custom code runner tasks scrapes their Prometheus endpoints and writes the metrics Membrane
 * scales on to CloudWatch (namespace `Membrane`, dimensions `ClusterName` and `Service`). Application Auto
 * Scaling tracks the targets of Membrane's documentation; the orchestrator stays fixed (leader election), and
 * so do the UI and Console unless CPU scaling is chosen. A dashboard and alarms cover queues, utilization, job
 * spaces, task counts, CPU/memory, load balancer errors and latency, and Redis.
 *
 * The autoscaled services' DesiredCount is left to Application Auto Scaling, so a deployment does not reset
 * the running count.
 *
 * @example
 * declare const stack: Stack;
 * declare const services: MembraneEcsServices;
 * declare const cache: MembraneCache;
 * declare const alarmTopic: sns.ITopic;
 * new MembraneScaling(stack, 'Scaling', {
 *   services,
 *   caches: [cache],
 *   alarmTopic,
 *   queuedTasksWorker: { maxCapacity: 80 },
 *   instantTasksWorker: { strategy: MembraneInstantWorkerStrategy.QUEUE_DEPTH },
 * });
 */
export class MembraneScaling extends Construct {
  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Alarms on Membrane's signals: growing instant queue, queued workers at capacity, no spare job spaces. */
  public readonly alarms: cloudwatch.Alarm[];
  /** The log group the collectors write embedded-metric-format records to. */
  public readonly metricsLogGroup: logs.ILogGroup;
  /** CloudWatch namespace of the Membrane metrics. */
  public readonly namespace: string;

  private readonly metrics: MetricFactory;
  private readonly scrapeInterval: Duration;

  constructor(scope: Construct, id: string, props: MembraneScalingProps) {
    super(scope, id);
    this.namespace = props.namespace ?? DEFAULT_NAMESPACE;
    this.scrapeInterval = props.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL;
    validateScalingProps(this, props, this.namespace, this.scrapeInterval);
    this.metrics = new MetricFactory(props.services, this.namespace);

    this.metricsLogGroup = createLogGroup(this, 'MetricsLogGroup', props.metricsLogRetention ?? DEFAULT_METRICS_LOG_RETENTION,
      'the embedded-metric-format records of the Membrane metrics', props.encryptionKey, props.logRemovalPolicy);
    addCollectors(props.services, {
      image: props.collectorImage ?? DEFAULT_COLLECTOR_IMAGE,
      namespace: this.namespace,
      logGroup: this.metricsLogGroup,
      scrapeInterval: this.scrapeInterval,
    });
    new MembranePolicies(this, props, this.metrics, this.scrapeInterval).add();
    this.dashboard = createDashboard(this, props, this.metrics);
    this.alarms = createAlarms(this, props, this.metrics, maxCapacityOf('queuedTasksWorker', props.queuedTasksWorker));
  }

  /** instant_tasks_jobs_waiting, reported by every API task with the same global value (read as Maximum). */
  public metricInstantTasksJobsWaiting(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.metricInstantTasksJobsWaiting(props);
  }

  /** instant_tasks_jobs_active, a global gauge reported by the API (read as Maximum). */
  public metricInstantTasksJobsActive(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.metricInstantTasksJobsActive(props);
  }

  /** queued_tasks_workers_required, a global gauge reported by the API (read as Maximum). */
  public metricQueuedTasksWorkersRequired(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.metricQueuedTasksWorkersRequired(props);
  }

  /** queued_tasks_workers, the running queued workers as the API counts them (read as Maximum). */
  public metricQueuedTasksWorkers(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.metricQueuedTasksWorkers(props);
  }

  /** Average instant_tasks_worker_utilization_rate over the instant worker tasks (0 to 1). */
  public metricInstantTasksWorkerUtilization(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.metricInstantTasksWorkerUtilization(props);
  }

  /** Average queued_tasks_worker_utilization_rate over the queued worker tasks (0 to 1). */
  public metricQueuedTasksWorkerUtilization(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.metricQueuedTasksWorkerUtilization(props);
  }

  /** Sum of custom_code_runner_total_job_spaces over the runner tasks. */
  public metricCustomCodeRunnerTotalJobSpaces(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.metricCustomCodeRunnerTotalJobSpaces(props);
  }

  /** Sum of custom_code_runner_remaining_job_spaces over the runner tasks. */
  public metricCustomCodeRunnerRemainingJobSpaces(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this.metrics.metricCustomCodeRunnerRemainingJobSpaces(props);
  }

  /** Share of the custom code runner's job spaces in use: (total - remaining) / total. */
  public metricCustomCodeRunnerUtilization(props: cloudwatch.MetricOptions = {}): cloudwatch.MathExpression {
    return this.metrics.metricCustomCodeRunnerUtilization(props);
  }
}
