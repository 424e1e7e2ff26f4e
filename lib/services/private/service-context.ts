import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DEFAULT_CPU_ARCHITECTURE, DEFAULT_LOG_RETENTION, DEFAULT_TASK_PROTECTION_IMAGE } from './defaults';
import { ServiceDeployment } from './deployment';
import { queuedTaskTime, serviceConnectTimeout, startupGrace } from './derived';
import { ServiceSpec } from './services-table';
import { MembraneEnvironmentContract } from '../../common/environment';
import { Route } from '../../ingress/private/routing';
import { MembraneServiceOptions } from '../options';
import { MembraneEcsServicesProps } from '../props';
import { MembraneVersion } from '../version';

/** What every Membrane service shares, decided once by `MembraneEcsServices`. */
export interface MembraneServiceContext {
  readonly cluster: ecs.ICluster;
  readonly vpc: ec2.IVpc;
  readonly registry: string;
  readonly registryCredentials: secretsmanager.ISecret;
  readonly version: MembraneVersion;
  readonly cpuArchitecture: ecs.CpuArchitecture;
  readonly taskSubnets: ec2.SubnetSelection;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly encryptionKey?: kms.IKey;
  readonly enableExecuteCommand: boolean;
  /** How long the load balancer's health checks are ignored after a task starts: at least the start-up budget. */
  readonly startupGrace: Duration;
  /** Per-request and idle timeout of calls to the Service Connect server (the custom code runner). */
  readonly serviceConnectTimeout: Duration;
  /** Where errors about props are reported (the services construct). */
  readonly propScope: Construct;
  /** The task-protection sidecar of the services that report when they are busy; none when turned off. */
  readonly taskProtection?: { readonly image: string; readonly maxProcessTime: Duration };
}

/** Props of one Membrane service. */
export interface MembraneServiceProps {
  readonly spec: ServiceSpec;
  readonly options: MembraneServiceOptions;
  readonly contract: MembraneEnvironmentContract;
  /**
   * Docker labels of the Membrane container: values whose change must roll the service (the endpoints of the caches
   * whose URIs ECS injects only at task start).
   */
  readonly dockerLabels?: { [label: string]: string };
  readonly context: MembraneServiceContext;
  /** Strategy, bake time and deployment alarms of this service. */
  readonly deployment: ServiceDeployment;
  /** The public route, for the services behind the load balancer. */
  readonly route?: Route;
  /** The HTTPS listener, for the services behind the load balancer. */
  readonly listener?: elbv2.ApplicationListener;
  /**
   * Construct id of the target group and listener rule on `listener` (`targetsId` in load-balancer.ts: it changes with the load
   * balancer's scheme).
   *
   * @default - the service's id
   */
  readonly targetsId?: string;
}

/** What the services share, from the props with their defaults applied; errors about props name `scope` (the services construct). */
export function serviceContext(scope: Construct, props: MembraneEcsServicesProps,
  shared: { cluster: ecs.ICluster; vpc: ec2.IVpc; registry: string; taskSubnets: ec2.SubnetSelection }): MembraneServiceContext {
  return {
    cluster: shared.cluster,
    vpc: shared.vpc,
    registry: shared.registry,
    registryCredentials: props.registryCredentials,
    version: props.version,
    cpuArchitecture: props.cpuArchitecture ?? DEFAULT_CPU_ARCHITECTURE,
    taskSubnets: shared.taskSubnets,
    logRetention: props.logRetention ?? DEFAULT_LOG_RETENTION,
    logRemovalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    encryptionKey: props.encryptionKey,
    enableExecuteCommand: props.enableExecuteCommand ?? false,
    serviceConnectTimeout: serviceConnectTimeout(props),
    startupGrace: startupGrace(scope, props),
    propScope: scope,
    taskProtection: (props.queuedTaskProtection ?? true) ? {
      image: props.taskProtectionImage ?? DEFAULT_TASK_PROTECTION_IMAGE,
      maxProcessTime: queuedTaskTime(props),
    } : undefined,
  };
}
