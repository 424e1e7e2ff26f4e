import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { createServiceAlarms } from './private/alarms';
import { applicationSettings, dockerLabels, environmentContracts } from './private/contracts';
import { DEFAULT_LOG_RETENTION } from './private/defaults';
import { resolveDeployments } from './private/deployment';
import { defaultNamespace, publicRoute } from './private/derived';
import { MembraneService } from './private/membrane-service';
import { validateProps } from './private/props-validation';
import { createSecrets } from './private/secrets';
import { MembraneServiceContext, serviceContext } from './private/service-context';
import { ServiceKey, SERVICES, perService } from './private/services-table';
import { validateSettings } from './private/settings-validation';
import { connectServices, orderDeployments, protectSpotCapacity } from './private/wiring';
import { MembraneEcsServicesProps } from './props';
import { IMembraneEcsServices, IMembraneService } from './service';
import { MembraneRegistry } from './version';
import { MembraneEnvironmentContract } from '../common/environment';
import { MembraneExposureMode, MembranePublicEdgeOptions } from '../ingress/exposure';
import { MembraneFirewall } from '../ingress/firewall';
import { DEFAULT_IDLE_TIMEOUT } from '../ingress/private/defaults';
import { MembranePublicEdge } from '../ingress/private/edge';
import { resolveExposure, ResolvedExposure } from '../ingress/private/exposure-resolution';
import { targetsId } from '../ingress/private/load-balancer';
import { createMainLoadBalancer } from '../ingress/private/main-load-balancer';
import { resolveRoutes, Routes } from '../ingress/private/routing';
import { FirewallLogs } from '../ingress/private/web-acl';

/**
 * Every Membrane service on Fargate: api, instant-tasks-worker, queued-tasks-worker, orchestrator, ui,
 * console and custom-code-runner, from one per-service table.
 *
 * An HTTPS load balancer (internet-facing by default, or internal: see `exposure`) routes by host (or by path with
 * BASE_PATH) to the API, UI and Console; HTTP redirects to HTTPS. The custom code runner is reachable only from the
 * api-image services, through ECS Service Connect. Secrets reach the containers as ECS secrets only. The API, UI and
 * Console deploy blue/green behind the load balancer, the others roll without dropping below the desired count; the
 * circuit breaker and the deployment alarms roll a bad version back; workers deploy before the API.
 *
 * @example
 * declare const stack: Stack;
 * declare const zone: route53.IHostedZone;
 * declare const secret: (name: string) => secretsmanager.ISecret;
 * const network = new MembraneNetwork(stack, 'Network');
 * const services = new MembraneEcsServices(stack, 'Services', {
 *   version: MembraneVersion.of('2026-01-14'),
 *   registryCredentials: secret('membrane/registry'),
 *   storage: new MembraneStorage(stack, 'Storage'),
 *   cache: new MembraneCache(stack, 'Cache', { vpc: network.vpc }),
 *   mongoUri: secret('membrane/mongo-uri'),
 *   selfHostingToken: secret('membrane/self-hosting-token'),
 *   auth: MembraneAuth.auth0({ domain: 'login.example.com', clientId: 'abc123', clientSecret: secret('membrane/auth0') }),
 *   domain: { zone, apiDomainName: 'api.example.com', uiDomainName: 'ui.example.com', consoleDomainName: 'console.example.com' },
 * });
 */
export class MembraneEcsServices extends Construct implements IMembraneEcsServices {
  /** The ECS cluster (Container Insights on). */
  public readonly cluster: ecs.Cluster;
  /** The load balancer of the API, UI and Console: internet-facing or internal (see `exposure`). */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The HTTPS listener. */
  public readonly httpsListener: elbv2.ApplicationListener;
  /** `https://<apiDomainName>`: BASE_URI. */
  public readonly apiUrl: string;
  /** Public URL of the UI (with its base path). */
  public readonly uiUrl: string;
  /** Public URL of the Console (with its base path). */
  public readonly consoleUrl: string;
  /** The API service. */
  public readonly api: IMembraneService;
  /** The instant tasks worker service. */
  public readonly instantTasksWorker: IMembraneService;
  /** The queued tasks worker service. */
  public readonly queuedTasksWorker: IMembraneService;
  /** The orchestrator service. */
  public readonly orchestrator: IMembraneService;
  /** The UI service. */
  public readonly ui: IMembraneService;
  /** The Console service. */
  public readonly console: IMembraneService;
  /** The custom code runner service (internal only). */
  public readonly customCodeRunner: IMembraneService;
  /**
   * The generated JWT signing secret.
   *
   * @default - none when `jwtSecret` is given
   */
  public readonly generatedJwtSecret?: secretsmanager.ISecret;
  /**
   * The generated credentials encryption secret.
   *
   * @default - none when `encryptionSecret` is given
   */
  public readonly generatedEncryptionSecret?: secretsmanager.ISecret;

  /** Where the load balancer is reachable from. */
  public readonly exposure: MembraneExposureMode;
  /**
   * The public edge's internet-facing load balancer.
   *
   * @default - none: only with `MembraneExposure.internalWithPublicEdge()`
   */
  public readonly edgeLoadBalancer?: elbv2.ApplicationLoadBalancer;
  /**
   * The public edge's HTTPS listener. A rule added here that forwards every path is a MembraneChecks finding.
   *
   * @default - none: only with `MembraneExposure.internalWithPublicEdge()`
   */
  public readonly edgeListener?: elbv2.ApplicationListener;
  /**
   * `BASE_WEBHOOKS_URI`: `https://<webhooksDomainName>` of the public edge.
   *
   * @default - none: webhooks use the API's URL
   */
  public readonly webhooksUrl?: string;
  /**
   * `BASE_OAUTH_CALLBACK_URI`: `https://<oauthCallbackDomainName>` of the public edge.
   *
   * @default - none: OAuth callbacks use the API's URL
   */
  public readonly oauthCallbackUrl?: string;

  /**
   * Alarms that need no Membrane metrics, each a deployment alarm of its service: 5xx responses of the load balancer and
   * the API, of the UI, of the Console; each public service without a healthy task; each other service running fewer tasks
   * than desired.
   */
  public readonly alarms: cloudwatch.Alarm[];

  private readonly byKey: Record<ServiceKey, MembraneService>;

  constructor(scope: Construct, id: string, props: MembraneEcsServicesProps) {
    super(scope, id);
    const registry = props.registry ?? MembraneRegistry.GETMEMBRANE;
    validateProps(this, props, registry);
    validateSettings(this, props.settings ?? {});
    const vpc = props.vpc ?? props.cache.vpc;
    const routes = resolveRoutes(this, props.domain);
    const exposure = resolveExposure(this, props, routes, vpc);
    this.exposure = exposure.mode;
    this.webhooksUrl = exposure.edgeUrls?.webhooks;
    this.oauthCallbackUrl = exposure.edgeUrls?.oauthCallback;
    this.apiUrl = routes.api.url;
    this.uiUrl = routes.ui.url;
    this.consoleUrl = routes.console.url;

    this.cluster = this.createCluster(props, vpc);
    const secrets = createSecrets(this, props);
    this.generatedJwtSecret = secrets.generatedJwtSecret;
    this.generatedEncryptionSecret = secrets.generatedEncryptionSecret;
    const contracts = environmentContracts(this, props, applicationSettings(props, exposure), routes, secrets);

    const taskSubnets = props.taskSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const front = createMainLoadBalancer(this, {
      ...loadBalancerSettings(props),
      vpc,
      exposure,
      routes,
      domain: props.domain,
      taskSubnets,
      logsBucket: props.loadBalancerLogsBucket,
      firewall: props.firewall ?? MembraneFirewall.none(),
      baseUriInternal: props.settings?.baseUriInternal,
    });
    this.loadBalancer = front.loadBalancer;
    this.httpsListener = front.httpsListener;

    const context = serviceContext(this, props, { cluster: this.cluster, vpc, registry, taskSubnets });
    this.byKey = this.createServices(props, context, contracts, routes, exposure);
    this.api = this.byKey.api;
    this.instantTasksWorker = this.byKey.instantTasksWorker;
    this.queuedTasksWorker = this.byKey.queuedTasksWorker;
    this.orchestrator = this.byKey.orchestrator;
    this.ui = this.byKey.ui;
    this.console = this.byKey.console;
    this.customCodeRunner = this.byKey.customCodeRunner;

    connectServices(this.byKey, props, this.loadBalancer, exposure.internal);
    const edge = exposure.edge && this.createEdge(props, vpc, exposure, exposure.edge, front.logsBucket);
    this.edgeLoadBalancer = edge?.loadBalancer;
    this.edgeListener = edge?.listener;
    orderDeployments(this.byKey, vpc, taskSubnets);
    protectSpotCapacity(this.byKey, this.cluster, props);
    this.alarms = createServiceAlarms(this, { loadBalancer: this.loadBalancer, cluster: this.cluster, services: this.byKey, props });
  }

  /** All seven services, in deployment order. */
  public allServices(): IMembraneService[] {
    return SERVICES.map(spec => this.byKey[spec.key]);
  }

  /** The ECS cluster: Container Insights, the Fargate capacity providers, and the Cloud Map namespace of Service Connect. */
  private createCluster(props: MembraneEcsServicesProps, vpc: ec2.IVpc): ecs.Cluster {
    return new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
      defaultCloudMapNamespace: {
        name: props.namespaceName ?? defaultNamespace(this),
        type: servicediscovery.NamespaceType.HTTP,
        useForServiceConnect: true,
      },
    });
  }

  /** The seven services, in deployment order, each with its deployment, environment, labels and (public ones) route. */
  private createServices(props: MembraneEcsServicesProps, context: MembraneServiceContext, contracts: Record<ServiceKey, MembraneEnvironmentContract>,
    routes: Routes, exposure: ResolvedExposure): Record<ServiceKey, MembraneService> {
    const deployment = resolveDeployments(this, props.deployment ?? {}, exposure.edge !== undefined);
    return perService(spec => new MembraneService(this, {
      spec,
      deployment: deployment(spec),
      options: props.services?.[spec.key] ?? {},
      contract: contracts[spec.key],
      dockerLabels: dockerLabels(this, spec, props, contracts[spec.key]),
      context,
      route: publicRoute(spec, routes),
      listener: this.httpsListener,
      targetsId: targetsId(spec.id, !exposure.internal),
    }));
  }

  /** The public edge (`Edge`): an internet-facing load balancer that forwards the webhook and OAuth callback paths to the API. */
  private createEdge(props: MembraneEcsServicesProps, vpc: ec2.IVpc, exposure: ResolvedExposure, options: MembranePublicEdgeOptions,
    logsBucket: s3.IBucket): MembranePublicEdge {
    const { idleTimeout, deletionProtection, firewallLogs } = loadBalancerSettings(props);
    return new MembranePublicEdge(this, 'Edge', {
      vpc,
      options,
      hosts: exposure.edgeHosts,
      zone: props.domain.zone,
      apiTargets: this.byKey.api.targetGroupProps(),
      idleTimeout,
      deletionProtection,
      logsBucket,
      logs: firewallLogs,
      natAddresses: exposure.natAddresses,
    });
  }
}

/** What the main load balancer and the public edge share: idle timeout, deletion protection, and where the web ACLs log. */
function loadBalancerSettings(props: MembraneEcsServicesProps): { idleTimeout: Duration; deletionProtection: boolean; firewallLogs: FirewallLogs } {
  return {
    idleTimeout: props.loadBalancerIdleTimeout ?? DEFAULT_IDLE_TIMEOUT,
    deletionProtection: props.loadBalancerDeletionProtection ?? true,
    firewallLogs: {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
      encryptionKey: props.encryptionKey,
    },
  };
}
