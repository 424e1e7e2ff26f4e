import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ServiceKey, SERVICES, ServiceSpec } from '../../services/private/services-table';
import { IMembraneEcsServices } from '../../services/service';
import { METRIC_PERIOD } from '../defaults';

/** Dimension names of every Membrane metric in CloudWatch. */
export const DIMENSION_CLUSTER = 'ClusterName';
export const DIMENSION_SERVICE = 'Service';

/** The services whose Prometheus endpoints are scraped, with the metrics kept ("Service Deployment", "Self-hosting"). */
export const SCRAPED: readonly ServiceSpec[] = SERVICES.filter(spec => spec.prometheus);

/** One input of a metric-math scaling policy. */
export interface MathInput {
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: { [name: string]: string };
  readonly stat: string;
}

/**
 * One place for the names, dimensions, statistics and period of every metric the scaling, dashboard and alarms
 * read: Membrane's own (written by the collector sidecars) and ECS's.
 */
export class MetricFactory {
  constructor(private readonly services: IMembraneEcsServices, public readonly namespace: string) {}

  /** A Membrane metric of one service, per minute. */
  public metric(metricName: string, service: ServiceKey, statistic: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: this.membraneDimensions(service),
      statistic,
      period: METRIC_PERIOD,
      ...options,
    });
  }

  /** A task count of one service from Container Insights (average per minute), labelled with its name. */
  public metricContainerInsights(metricName: 'RunningTaskCount' | 'DesiredTaskCount', service: ServiceKey): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName,
      statistic: cloudwatch.Stats.AVERAGE,
      period: METRIC_PERIOD,
      dimensionsMap: this.ecsDimensions(service),
      label: this.services[service].serviceName,
    });
  }

  /** instant_tasks_jobs_waiting, reported by every API task with the same global value (read as Maximum). */
  public metricInstantTasksJobsWaiting(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('instant_tasks_jobs_waiting', 'api', cloudwatch.Stats.MAXIMUM, options);
  }

  /** instant_tasks_jobs_active, a global gauge reported by the API (read as Maximum). */
  public metricInstantTasksJobsActive(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('instant_tasks_jobs_active', 'api', cloudwatch.Stats.MAXIMUM, options);
  }

  /** queued_tasks_workers_required, a global gauge reported by the API (read as Maximum). */
  public metricQueuedTasksWorkersRequired(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('queued_tasks_workers_required', 'api', cloudwatch.Stats.MAXIMUM, options);
  }

  /** queued_tasks_workers, the running queued workers as the API counts them (read as Maximum). */
  public metricQueuedTasksWorkers(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('queued_tasks_workers', 'api', cloudwatch.Stats.MAXIMUM, options);
  }

  /** Average instant_tasks_worker_utilization_rate over the instant worker tasks (0 to 1). */
  public metricInstantTasksWorkerUtilization(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('instant_tasks_worker_utilization_rate', 'instantTasksWorker', cloudwatch.Stats.AVERAGE, options);
  }

  /** Average queued_tasks_worker_utilization_rate over the queued worker tasks (0 to 1). */
  public metricQueuedTasksWorkerUtilization(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('queued_tasks_worker_utilization_rate', 'queuedTasksWorker', cloudwatch.Stats.AVERAGE, options);
  }

  /** Sum of custom_code_runner_total_job_spaces over the runner tasks. */
  public metricCustomCodeRunnerTotalJobSpaces(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('custom_code_runner_total_job_spaces', 'customCodeRunner', cloudwatch.Stats.SUM, options);
  }

  /** Sum of custom_code_runner_remaining_job_spaces over the runner tasks. */
  public metricCustomCodeRunnerRemainingJobSpaces(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('custom_code_runner_remaining_job_spaces', 'customCodeRunner', cloudwatch.Stats.SUM, options);
  }

  /** Share of the custom code runner's job spaces in use: (total - remaining) / total. */
  public metricCustomCodeRunnerUtilization(options: cloudwatch.MetricOptions = {}): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: '(total - remaining) / total',
      usingMetrics: { total: this.metricCustomCodeRunnerTotalJobSpaces(options), remaining: this.metricCustomCodeRunnerRemainingJobSpaces(options) },
      label: options.label ?? 'custom code runner job space use',
      period: options.period ?? METRIC_PERIOD,
    });
  }

  /** A Membrane metric as an input of a metric-math scaling policy. */
  public input(id: string, metricName: string, service: ServiceKey, stat: string): MathInput {
    return { id, metricName, stat, namespace: this.namespace, dimensions: this.membraneDimensions(service) };
  }

  /** Running tasks of a service from Container Insights, as an input of a metric-math scaling policy. */
  public runningTasks(id: string, service: ServiceKey): MathInput {
    return this.taskCount(id, 'RunningTaskCount', service);
  }

  /** The desired count of a service from Container Insights, as an input of a metric-math scaling policy. */
  public desiredTasks(id: string, service: ServiceKey): MathInput {
    return this.taskCount(id, 'DesiredTaskCount', service);
  }

  private taskCount(id: string, metricName: string, service: ServiceKey): MathInput {
    return { id, metricName, stat: cloudwatch.Stats.AVERAGE, namespace: 'ECS/ContainerInsights', dimensions: this.ecsDimensions(service) };
  }

  /** Dimensions of a Membrane metric: the ones the collector sidecars write (see collectorConfig). */
  private membraneDimensions(service: ServiceKey): { [name: string]: string } {
    return { [DIMENSION_CLUSTER]: this.services.cluster.clusterName, [DIMENSION_SERVICE]: this.services[service].serviceName };
  }

  /** Dimensions of the AWS/ECS and ECS/ContainerInsights service metrics. */
  private ecsDimensions(service: ServiceKey): { [name: string]: string } {
    return { ClusterName: this.services.cluster.clusterName, ServiceName: this.services[service].service.serviceName };
  }
}
