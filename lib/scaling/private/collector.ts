import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { COLLECTOR_BATCH_TIMEOUT, COLLECTOR_SIZE, STORAGE_RESOLUTION_ATTRIBUTE } from '../defaults';
import { DIMENSION_CLUSTER, DIMENSION_SERVICE, SCRAPED } from './metrics';
import { MEMBRANE_PORT } from '../../common/constants';
import { acknowledgeGrantPolicy } from '../../common/resources';
import { IMembraneEcsServices } from '../../services/service';

/** Name of the collector sidecar container. */
export const COLLECTOR_CONTAINER = 'metrics-collector';

/** What the collector sidecars need. */
export interface CollectorOptions {
  readonly image: string;
  readonly namespace: string;
  readonly logGroup: logs.ILogGroup;
  readonly scrapeInterval: Duration;
}

/**
 * Adds an OpenTelemetry collector sidecar to every scraped service: it scrapes the service's Prometheus endpoint
 * and writes the kept metrics to CloudWatch as embedded metric format.
 */
export function addCollectors(services: IMembraneEcsServices, options: CollectorOptions): void {
  for (const spec of SCRAPED) {
    const svc = services[spec.key];
    svc.taskDefinition.addContainer(COLLECTOR_CONTAINER, {
      image: ecs.ContainerImage.fromRegistry(options.image),
      essential: false,
      ...COLLECTOR_SIZE,
      environment: {
        AOT_CONFIG_CONTENT: collectorConfig({
          scrape: spec.prometheus!,
          serviceName: svc.serviceName,
          clusterName: services.cluster.clusterName,
          namespace: options.namespace,
          logGroupName: options.logGroup.logGroupName,
          scrapeInterval: options.scrapeInterval,
        }),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup: svc.logGroup, streamPrefix: COLLECTOR_CONTAINER }),
    });
    options.logGroup.grantWrite(svc.taskDefinition.taskRole);
    acknowledgeGrantPolicy(svc.taskDefinition.taskRole);
  }
}

/** Inputs of the collector configuration of one service. */
export interface CollectorConfigInputs {
  /** Where the service exposes its Prometheus metrics, and which of them are kept. */
  readonly scrape: { readonly path: string; readonly metrics: readonly string[] };
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
 * Prometheus endpoint on the Membrane port, keep only the listed metrics, and write them to CloudWatch as
 * embedded metric format with the dimensions ClusterName and Service, stored at 1-second resolution (the burst
 * alarms read 10-second periods).
 */
export function collectorConfig(inputs: CollectorConfigInputs): string {
  const interval = `${inputs.scrapeInterval.toSeconds()}s`;
  // Prometheus refuses a scrape timeout longer than the interval ("global scrape timeout greater than scrape interval"),
  // and the collector then never starts. Without one it takes the shorter of 10 s and the interval, which a token needs.
  const timeout = inputs.scrapeInterval.isUnresolved() ? {} : { scrape_timeout: `${Math.min(10, inputs.scrapeInterval.toSeconds())}s` };
  // Prometheus relabel regexes are anchored; the awsemf selectors are not, hence their ^...$.
  const keep = `(${inputs.scrape.metrics.join('|')})`;
  const config = {
    receivers: {
      prometheus: {
        config: {
          global: { scrape_interval: interval, ...timeout },
          scrape_configs: [{
            job_name: inputs.serviceName,
            metrics_path: inputs.scrape.path,
            static_configs: [{
              targets: [`localhost:${MEMBRANE_PORT}`],
              labels: { [DIMENSION_CLUSTER]: inputs.clusterName, [DIMENSION_SERVICE]: inputs.serviceName },
            }],
            metric_relabel_configs: [{ source_labels: ['__name__'], regex: keep, action: 'keep' }],
          }],
        },
      },
    },
    processors: {
      // The awsemf exporter stores a metric at the resolution this attribute names (1 s: high resolution) and does
      // not write it as a dimension.
      attributes: { actions: [{ key: STORAGE_RESOLUTION_ATTRIBUTE, value: '1', action: 'insert' }] },
      // Every second in the batch delays the scaling decision: a 60 s batch would delay every metric by a minute.
      batch: { timeout: `${COLLECTOR_BATCH_TIMEOUT.toSeconds()}s` },
    },
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
      pipelines: { metrics: { receivers: ['prometheus'], processors: ['attributes', 'batch'], exporters: ['awsemf'] } },
    },
  };
  return JSON.stringify(config);
}
