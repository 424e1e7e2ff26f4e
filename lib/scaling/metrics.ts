import { Duration } from 'aws-cdk-lib';

/** Key of a scraped service in MembraneEcsServices. */
export type ScrapedService = 'api' | 'instantTasksWorker' | 'queuedTasksWorker' | 'customCodeRunner';

/** Where a service exposes its Prometheus metrics, and which of them are kept (seeds 001, 003, 004). */
export interface ScrapeSpec {
  readonly service: ScrapedService;
  readonly path: string;
  readonly metrics: readonly string[];
}

/**
 * The Prometheus endpoints of Membrane and the metrics used for scaling, dashboards and alarms.
 * Everything else the endpoints expose is dropped before it reaches CloudWatch.
 */
export const SCRAPES: readonly ScrapeSpec[] = [
  {
    service: 'api',
    path: '/prometheus',
    metrics: ['instant_tasks_jobs_active', 'instant_tasks_jobs_waiting', 'queued_tasks_workers', 'queued_tasks_workers_required'],
  },
  { service: 'instantTasksWorker', path: '/prometheus/instant-tasks', metrics: ['instant_tasks_worker_utilization_rate'] },
  { service: 'queuedTasksWorker', path: '/prometheus/queued-tasks', metrics: ['queued_tasks_worker_utilization_rate', 'queued_tasks_worker_busy'] },
  {
    service: 'customCodeRunner',
    path: '/api/v2/prometheus',
    metrics: ['custom_code_runner_total_job_spaces', 'custom_code_runner_remaining_job_spaces'],
  },
];

/** Dimension names of every Membrane metric in CloudWatch. */
export const DIMENSION_CLUSTER = 'ClusterName';
export const DIMENSION_SERVICE = 'Service';

/** Inputs of the collector configuration of one service. */
export interface CollectorConfigInputs {
  readonly scrape: ScrapeSpec;
  /** Membrane service name, the `Service` dimension. */
  readonly serviceName: string;
  /** ECS cluster name, the `ClusterName` dimension (keeps two Membrane deployments apart). */
  readonly clusterName: string;
  readonly namespace: string;
  readonly logGroupName: string;
  readonly scrapeInterval: Duration;
}

/**
 * OpenTelemetry collector configuration (JSON, which is YAML) for a sidecar: scrape the service's
 * Prometheus endpoint on localhost:5000, keep only the listed metrics, and write them to CloudWatch as
 * embedded metric format with the dimensions ClusterName and Service.
 */
export function collectorConfig(inputs: CollectorConfigInputs): string {
  const interval = `${inputs.scrapeInterval.toSeconds()}s`;
  // Prometheus relabel regexes are anchored; the awsemf selectors are not, hence their ^...$.
  const keep = `(${inputs.scrape.metrics.join('|')})`;
  const config = {
    receivers: {
      prometheus: {
        config: {
          global: { scrape_interval: interval, scrape_timeout: '10s' },
          scrape_configs: [{
            job_name: inputs.serviceName,
            metrics_path: inputs.scrape.path,
            static_configs: [{
              targets: ['localhost:5000'],
              labels: { [DIMENSION_CLUSTER]: inputs.clusterName, [DIMENSION_SERVICE]: inputs.serviceName },
            }],
            metric_relabel_configs: [{ source_labels: ['__name__'], regex: keep, action: 'keep' }],
          }],
        },
      },
    },
    processors: { batch: { timeout: '60s' } },
    exporters: {
      awsemf: {
        namespace: inputs.namespace,
        log_group_name: inputs.logGroupName,
        log_stream_name: inputs.serviceName,
        dimension_rollup_option: 'NoDimensionRollup',
        metric_declarations: [{
          dimensions: [[DIMENSION_CLUSTER, DIMENSION_SERVICE]],
          metric_name_selectors: inputs.scrape.metrics.map(m => `^${m}$`),
        }],
      },
    },
    service: {
      pipelines: { metrics: { receivers: ['prometheus'], processors: ['batch'], exporters: ['awsemf'] } },
    },
  };
  return JSON.stringify(config);
}
