import { AspectPriority, Aspects, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { MembraneAuthConfig } from './auth';
import { createServiceAlarms } from './private/alarms';
import { DEFAULT_CPU_ARCHITECTURE, DEFAULT_LOG_RETENTION, DEFAULT_TASK_PROTECTION_IMAGE } from './private/defaults';
import { resolveDeployments } from './private/deployment';
import {
  cacheEndpointLabels, cachesContract, defaultNamespace, engineHeapMiB, keepAliveMs, publicRoute, queuedTaskTime,
  secretSourceLabels, serviceConnectTimeout, startupGrace,
} from './private/derived';
import {
  consoleEnvironment, customCodeRunnerEnvironment, engineEnvironment, engineModeEnvironment, MembraneUrls,
  uiEnvironment,
} from './private/environment';
import { MembraneService, MembraneServiceContext } from './private/membrane-service';
import { ModeKey, modeOf, MODES, ModeSpec, perMode } from './private/modes';
import { checkedExtras, validateProps, validateSettings } from './private/validation';
import { MembraneEcsServicesProps } from './props';
import { IMembraneService } from './service';
import { MembraneApplicationSettings } from './settings';
import { MembraneRegistry } from './version';
import { MEMBRANE_PORT } from '../common/constants';
import { mergeEnvironmentContracts } from '../common/contract';
import { MembraneEnvironmentContract } from '../common/environment';
import { acknowledgeGrantPolicy, createGeneratedSecret } from '../common/resources';
import { propError } from '../common/validation';
import { MembraneExposureMode } from '../ingress/exposure';
import { DEFAULT_IDLE_TIMEOUT } from '../ingress/private/defaults';
import { MembranePublicEdge } from '../ingress/private/edge';
import { resolveExposure, ResolvedExposure } from '../ingress/private/exposure-resolution';
import { targetsId } from '../ingress/private/load-balancer';
import { createMainLoadBalancer } from '../ingress/private/main-load-balancer';
import { resolveRoutes, Routes } from '../ingress/private/routing';
import { FirewallLogs } from '../ingress/private/web-acl';

const SECRET_NO_ROTATION = 'Rotating SECRET signs every user out and rotating ENCRYPTION_SECRET requires re-encrypting stored credentials '
  + '("Frequently Asked Questions" asks for a planned 90-day rotation); an unattended rotation Lambda would break running sessions and data, so '
  + 'rotation is a runbook step.';

/**
 * Every Membrane service on Fargate: api, instant-tasks-worker, queued-tasks-worker, orchestrator, ui,
 * console and custom-code-runner, from one per-mode table.
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
export class MembraneEcsServices extends Construct {
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

  private readonly byMode: Record<ModeKey, MembraneService>;

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
    const settings: MembraneApplicationSettings = exposure.edgeUrls ? {
      ...props.settings,
      baseWebhooksUri: exposure.edgeUrls.webhooks,
      baseOauthCallbackUri: exposure.edgeUrls.oauthCallback,
    } : props.settings ?? {};
    this.apiUrl = routes.api.url;
    this.uiUrl = routes.ui.url;
    this.consoleUrl = routes.console.url;

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
      defaultCloudMapNamespace: {
        name: props.namespaceName ?? defaultNamespace(this),
        type: servicediscovery.NamespaceType.HTTP,
        useForServiceConnect: true,
      },
    });
    const secrets = this.createSecrets(props);
    this.generatedJwtSecret = secrets.generatedJwtSecret;
    this.generatedEncryptionSecret = secrets.generatedEncryptionSecret;
    const contracts = this.environmentContracts(props, settings, routes, secrets);

    const taskSubnets = props.taskSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const idleTimeout = props.loadBalancerIdleTimeout ?? DEFAULT_IDLE_TIMEOUT;
    const deletionProtection = props.loadBalancerDeletionProtection ?? true;
    const firewallLogs = this.firewallLogs(props);
    const front = createMainLoadBalancer(this, {
      vpc,
      exposure,
      routes,
      domain: props.domain,
      taskSubnets,
      logsBucket: props.loadBalancerLogsBucket,
      idleTimeout,
      deletionProtection,
      firewall: props.firewall,
      webAclArn: props.webAclArn,
      firewallLogs,
      baseUriInternal: props.settings?.baseUriInternal,
    });
    this.loadBalancer = front.loadBalancer;
    this.httpsListener = front.httpsListener;

    const context: MembraneServiceContext = {
      cluster: this.cluster,
      vpc,
      registry,
      registryCredentials: props.registryCredentials,
      version: props.version,
      cpuArchitecture: props.cpuArchitecture ?? DEFAULT_CPU_ARCHITECTURE,
      taskSubnets,
      logRetention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      logRemovalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
      encryptionKey: props.encryptionKey,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      serviceConnectTimeout: serviceConnectTimeout(props),
      startupGrace: startupGrace(this, props),
      propScope: this,
      taskProtection: (props.queuedTaskProtection ?? true) ? {
        image: props.taskProtectionImage ?? DEFAULT_TASK_PROTECTION_IMAGE,
        maxProcessTime: queuedTaskTime(props),
      } : undefined,
    };
    const deployment = resolveDeployments(this, props.deployment ?? {}, exposure.edge !== undefined);
    this.byMode = perMode(mode => new MembraneService(this, {
      mode,
      deployment: deployment(mode),
      options: props.services?.[mode.key] ?? {},
      contract: contracts[mode.key],
      dockerLabels: nonEmpty({
        ...(mode.kind === 'engine' ? cacheEndpointLabels(props.cache, props.workerCache) : {}),
        ...secretSourceLabels(this, contracts[mode.key].secrets),
      }),
      context,
      route: publicRoute(mode, routes),
      listener: this.httpsListener,
      targetsId: targetsId(mode.id, !exposure.internal),
    }));
    this.api = this.byMode.api;
    this.instantTasksWorker = this.byMode.instantTasksWorker;
    this.queuedTasksWorker = this.byMode.queuedTasksWorker;
    this.orchestrator = this.byMode.orchestrator;
    this.ui = this.byMode.ui;
    this.console = this.byMode.console;
    this.customCodeRunner = this.byMode.customCodeRunner;

    this.connect(props, exposure);
    if (exposure.edge) {
      const edge = new MembranePublicEdge(this, 'Edge', {
        vpc,
        options: exposure.edge,
        hosts: exposure.edgeHosts,
        zone: props.domain.zone,
        apiTargets: this.byMode.api.targetGroupProps(),
        idleTimeout,
        deletionProtection,
        logsBucket: front.logsBucket,
        logs: firewallLogs,
        natAddresses: exposure.natAddresses,
      });
      this.edgeLoadBalancer = edge.loadBalancer;
      this.edgeListener = edge.listener;
    }
    this.orderDeployments(vpc, context.taskSubnets);
    this.protectSpotCapacity(props);
    this.alarms = createServiceAlarms(this, { loadBalancer: this.loadBalancer, cluster: this.cluster, services: this.byMode, props });
  }

  /**
   * Services on Fargate Spot need the cluster's capacity-provider association while they exist: without a
   * dependency, a stack deletion may remove it first and the services' deletion then fails. aws-cdk-lib creates
   * the association late (in an aspect), so the dependency is added when it appears.
   */
  private protectSpotCapacity(props: MembraneEcsServicesProps): void {
    const spot = MODES.filter(mode => props.services?.[mode.key]?.spot).map(mode => this.byMode[mode.key].service);
    if (spot.length === 0) return;
    Aspects.of(this.cluster).add({
      visit: node => {
        if (node instanceof ecs.CfnClusterCapacityProviderAssociations) spot.forEach(service => service.node.addDependency(node));
      },
    }, { priority: AspectPriority.READONLY });
  }

  /** All seven services, in deployment order. */
  public allServices(): IMembraneService[] {
    return MODES.map(mode => this.byMode[mode.key]);
  }

  /** `SECRET` and `ENCRYPTION_SECRET`: the given ones, or generated and retained. */
  private createSecrets(props: MembraneEcsServicesProps) {
    const generate = (secretId: string, description: string) => createGeneratedSecret(this, secretId, {
      description,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.secretRemovalPolicy ?? RemovalPolicy.RETAIN,
      replicaRegions: props.secretReplicaRegions,
      noRotationReason: SECRET_NO_ROTATION,
    });
    const generatedJwtSecret = props.jwtSecret ? undefined : generate('JwtSecret', 'Membrane SECRET (JWT signing)');
    const generatedEncryptionSecret = props.encryptionSecret
      ? undefined
      : generate('EncryptionSecret', 'Membrane ENCRYPTION_SECRET (credentials encryption)');
    return {
      generatedJwtSecret,
      generatedEncryptionSecret,
      jwtSecret: (props.jwtSecret ?? generatedJwtSecret)!,
      encryptionSecret: (props.encryptionSecret ?? generatedEncryptionSecret)!,
    };
  }

  /** The environment of every service: the managed contract of its kind plus its checked extras. */
  private environmentContracts(props: MembraneEcsServicesProps, settings: MembraneApplicationSettings, routes: Routes,
    secrets: { jwtSecret: secretsmanager.ISecret; encryptionSecret: secretsmanager.ISecret }): Record<ModeKey, MembraneEnvironmentContract> {
    const auth: MembraneAuthConfig = props.auth.bind(this);
    const urls: MembraneUrls = { api: routes.api.url, ui: routes.ui.url, console: routes.console.url };
    const x86 = (props.cpuArchitecture ?? DEFAULT_CPU_ARCHITECTURE) === ecs.CpuArchitecture.X86_64;
    const customCodeRunnerUri = `http://${modeOf('customCodeRunner').name}:${MEMBRANE_PORT}`;
    const engineShared = mergeEnvironmentContracts(
      { environment: engineEnvironment(settings, urls, customCodeRunnerUri, x86), secrets: {} },
      props.storage.environmentContract,
      cachesContract(props.cache, props.workerCache),
      auth.engine,
      {
        environment: {},
        secrets: {
          MONGO_URI: ecs.Secret.fromSecretsManager(props.mongoUri),
          SECRET: ecs.Secret.fromSecretsManager(secrets.jwtSecret),
          ENCRYPTION_SECRET: ecs.Secret.fromSecretsManager(secrets.encryptionSecret),
          SELF_HOSTING_TOKEN: ecs.Secret.fromSecretsManager(props.selfHostingToken),
        },
      },
    );
    const managed = (mode: ModeSpec): MembraneEnvironmentContract => {
      const debug = settings.debug ?? false;
      switch (mode.kind) {
        case 'engine': return mergeEnvironmentContracts(engineShared,
          { environment: engineModeEnvironment(mode, settings, keepAliveMs(props), engineHeapMiB(this, mode, props)), secrets: {} });
        case 'ui': return { environment: uiEnvironment(urls, routes.ui.basePath, debug), secrets: {} };
        case 'console': return { environment: consoleEnvironment(urls, routes.console.basePath, settings, auth.consoleEnvironment), secrets: {} };
        case 'runner': return { environment: customCodeRunnerEnvironment(debug), secrets: {} };
      }
    };
    const shared = props.sharedEngineEnvironment ?? {};
    return perMode(mode => {
      const base = managed(mode);
      const own = props.services?.[mode.key] ?? {};
      const extras = [checkedExtras(this, mode, own, base, auth.forbiddenVariables)];
      if (mode.kind === 'engine') {
        for (const name of [...Object.keys(shared.environment ?? {}), ...Object.keys(shared.secrets ?? {})]) {
          if (name in (own.environment ?? {}) || name in (own.secrets ?? {})) {
            throw propError(this, `services.${mode.key}.${name in (own.environment ?? {}) ? 'environment' : 'secrets'}.${name}`,
              `${name} is also set in sharedEngineEnvironment`, 'Set it in one place: sharedEngineEnvironment for all four, or per service.');
          }
        }
        extras.push(checkedExtras(this, mode, shared, base, auth.forbiddenVariables, 'sharedEngineEnvironment'));
      }
      return mergeEnvironmentContracts(base, ...extras);
    });
  }

  /** Where the web ACLs log requests. */
  private firewallLogs(props: MembraneEcsServicesProps): FirewallLogs {
    return {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
      encryptionKey: props.encryptionKey,
    };
  }

  /** Network access and grants: the custom code runner admits only the api-image services; they reach the caches and buckets. */
  private connect(props: MembraneEcsServicesProps, exposure: ResolvedExposure): void {
    const runner = this.byMode.customCodeRunner.service;
    for (const mode of MODES.filter(m => m.kind === 'engine')) {
      const engine = this.byMode[mode.key].service;
      // They call the API at BASE_URI_INTERNAL; an internal load balancer sees their own addresses.
      if (exposure.internal) this.loadBalancer.connections.allowFrom(engine, ec2.Port.tcp(443), `${mode.id} to the API (BASE_URI_INTERNAL)`);
      runner.connections.allowFrom(engine, ec2.Port.tcp(MEMBRANE_PORT), `${mode.id} to custom-code-runner`);
      props.cache.connections.allowDefaultPortFrom(engine);
      props.workerCache?.connections.allowDefaultPortFrom(engine);
      props.storage.grantReadWrite(engine.taskDefinition.taskRole);
    }
    // CDK grants (secrets, logs, buckets) land in one least-privilege policy per role, scoped to this task's resources.
    for (const { taskDefinition } of this.allServices()) {
      acknowledgeGrantPolicy(taskDefinition.taskRole);
      acknowledgeGrantPolicy(taskDefinition.executionRole);
    }
  }

  /**
   * Deployment order ("Frequently Asked Questions": deploy workers first, then the API): each tier waits for the one below.
   * Every service also waits for the VPC's internet routes (the NAT gateways): its tasks pull their images from
   * Membrane's registry and check the self-hosting token at start, and would fail if they started first.
   */
  private orderDeployments(vpc: ec2.IVpc, taskSubnets: ec2.SubnetSelection): void {
    const routes = vpc.selectSubnets(taskSubnets).internetConnectivityEstablished;
    for (const service of this.allServices()) service.service.node.addDependency(routes);
    for (const mode of MODES) {
      for (const lower of MODES.filter(m => m.tier === mode.tier - 1)) {
        this.byMode[mode.key].service.node.addDependency(this.byMode[lower.key].service);
      }
    }
  }
}

/** The labels, or none when there are none (no empty `DockerLabels` in the template). */
function nonEmpty(labels: { [label: string]: string }): { [label: string]: string } | undefined {
  return Object.keys(labels).length > 0 ? labels : undefined;
}
