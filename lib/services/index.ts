import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MembraneAuth } from './auth';
import {
  API_KEEPALIVE_MS, apiModeEnvironment, consoleEnvironment, customCodeRunnerEnvironment, engineEnvironment, MembraneUrls,
  queuedWorkerModeEnvironment, SECRET_NAME_PATTERN, uiEnvironment,
} from './environment';
import { isFargateSize, ModeSpec, MODES, STARTUP_GRACE } from './modes';
import { MembraneServiceOptions, MembraneServicesOptions } from './options';
import { MembraneApplicationSettings, MembraneCredentialsStorage, MembraneStartupCheck } from './settings';
import { MembraneRegistry, MembraneVersion } from './version';
import { IMembraneCache, IMembraneStorage, mergeEnvironmentContracts, MembraneEnvironmentContract } from '../common/environment';
import { createLogBucket } from '../common/log-bucket';
import { acknowledgeGrantPolicy, createGeneratedSecret, createLogGroup } from '../common/resources';
import { propError, requireInteger, warn } from '../common/validation';

export * from './auth';
export * from './options';
export * from './settings';
export * from './version';

/**
 * Public names of the API, UI and Console, and how HTTPS is set up for them.
 *
 * Host routing (default): each service on its own host name. Path routing: give `uiBasePath` /
 * `consoleBasePath` and the UI / Console are served under that path (Membrane's `BASE_PATH`), by default
 * on the API's host.
 */
export interface MembraneDomain {
  /** Host name of the API, e.g. `api.example.com`. `BASE_URI` is `https://<apiDomainName>`. */
  readonly apiDomainName: string;

  /**
   * Host name of the UI.
   *
   * @default - `apiDomainName` when `uiBasePath` is set; otherwise required
   */
  readonly uiDomainName?: string;

  /**
   * Host name of the Console.
   *
   * @default - `apiDomainName` when `consoleBasePath` is set; otherwise required
   */
  readonly consoleDomainName?: string;

  /**
   * Serve the UI under this path (`BASE_PATH`, e.g. `/ui-app`): leading slash, no trailing slash.
   *
   * @default - the UI is served at the root of its host
   */
  readonly uiBasePath?: string;

  /**
   * Serve the Console under this path (`BASE_PATH`, e.g. `/console-app`): leading slash, no trailing slash.
   *
   * @default - the Console is served at the root of its host
   */
  readonly consoleBasePath?: string;

  /**
   * Hosted zone for the alias records and, without `certificate`, for the DNS-validated certificate.
   *
   * @default - no DNS records; `certificate` is then required
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * Certificate covering every host name above.
   *
   * @default - a DNS-validated certificate in `hostedZone`
   */
  readonly certificate?: acm.ICertificate;
}

/**
 * Properties for `MembraneEcsServices`.
 */
export interface MembraneEcsServicesProps {
  /** Image tag of every Membrane image, e.g. `MembraneVersion.of('2026-01-14')`. */
  readonly version: MembraneVersion;

  /**
   * Secrets Manager secret with the registry login, as JSON `{"username": "robot$<company>", "password": "..."}`.
   * Used on every container; only the task execution roles can read it.
   */
  readonly registryCredentials: secretsmanager.ISecret;

  /**
   * Registry host of the `core/*` images.
   *
   * @default MembraneRegistry.GETMEMBRANE ('harbor.getmembrane.com')
   */
  readonly registry?: string;

  /** Buckets and their environment (e.g. a `MembraneStorage`). */
  readonly storage: IMembraneStorage;

  /** The main Redis cache (e.g. a `MembraneCache`). */
  readonly cache: IMembraneCache;

  /**
   * A dedicated Redis cache for worker jobs (`WORKER_REDIS_URI`).
   *
   * @default - the main cache serves the workers too
   */
  readonly workerCache?: IMembraneCache;

  /** `MONGO_URI`: MongoDB 4.4+ connection string (Atlas or self-hosted; not DocumentDB or Cosmos DB). */
  readonly mongoUri: ecs.Secret;

  /** `SELF_HOSTING_TOKEN` from your Membrane organisation settings; validated against Membrane's cloud at start-up. */
  readonly selfHostingToken: ecs.Secret;

  /** How users sign in: `MembraneAuth.auth0(...)` or `MembraneAuth.usernamePassword(...)`. */
  readonly auth: MembraneAuth;

  /** Public host names, routing and certificate. */
  readonly domain: MembraneDomain;

  /**
   * `SECRET`, the JWT signing secret.
   *
   * @default - 64 random characters generated in Secrets Manager and retained
   */
  readonly jwtSecret?: ecs.Secret;

  /**
   * `ENCRYPTION_SECRET`, the key that encrypts stored credentials. Changing it makes stored credentials
   * unreadable until they are re-encrypted.
   *
   * @default - 64 random characters generated in Secrets Manager and retained
   */
  readonly encryptionSecret?: ecs.Secret;

  /**
   * Application settings (Mongo pool, start-up checks, limits, credentials storage, ...).
   *
   * @default - Membrane's defaults and the seeds' recommendations
   */
  readonly settings?: MembraneApplicationSettings;

  /**
   * Per-service size, count, Spot, extra environment and health check.
   *
   * @default - see MembraneServiceOptions
   */
  readonly services?: MembraneServicesOptions;

  /**
   * The VPC to run in.
   *
   * @default - the main cache's VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the Fargate tasks.
   *
   * @default - the VPC's private subnets with egress
   */
  readonly taskSubnets?: ec2.SubnetSelection;

  /**
   * CPU architecture of every task. On X86_64 the api-image services get `CUSTOM_CODE_MEMORY_LIMIT`
   * (seed 001); ARM64 is cheaper per vCPU if your Membrane images are multi-arch.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * Retention of the services' log groups.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Customer-managed KMS key for the generated secrets and the log groups.
   *
   * @default - AWS managed keys
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Allow `aws ecs execute-command` into the tasks.
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Bucket for the load balancer's access logs (prefix `alb/`).
   *
   * @default - a dedicated log bucket
   */
  readonly loadBalancerLogsBucket?: s3.IBucket;

  /**
   * Protect the load balancer from deletion (a stack deletion then fails until it is turned off).
   *
   * @default true
   */
  readonly loadBalancerDeletionProtection?: boolean;

  /**
   * ARN of an AWS WAF web ACL (scope REGIONAL) for the load balancer.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * Name of the Cloud Map namespace that Service Connect uses.
   *
   * @default 'membrane.internal'
   */
  readonly namespaceName?: string;

  /**
   * What happens to the generated secrets when they leave the stack. Losing `ENCRYPTION_SECRET` makes
   * stored credentials unreadable.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly secretRemovalPolicy?: RemovalPolicy;
}

/**
 * One running Membrane service and the resources that belong to it.
 */
export interface MembraneService {
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
}

/** Port every Membrane container listens on (seeds 000, 001). */
const PORT = 5000;
/** Listener-rule priorities: path rules before host-only rules, the API's host last. */
const RULE_PRIORITY: { [key: string]: { path: number; host: number } } = {
  ui: { path: 100, host: 200 },
  console: { path: 110, host: 210 },
  api: { path: 120, host: 300 },
};
const SECRET_NO_ROTATION = 'Rotating SECRET signs every user out and rotating ENCRYPTION_SECRET requires re-encrypting stored credentials (seed 000 asks for a planned 90-day rotation); an unattended rotation Lambda would break running sessions and data, so rotation is a runbook step.';

/**
 * Every Membrane service on Fargate: api, instant-tasks-worker, queued-tasks-worker, orchestrator, ui,
 * console and custom-code-runner, from one per-mode table.
 *
 * A public HTTPS load balancer routes by host (or by path with BASE_PATH) to the API, UI and Console;
 * HTTP redirects to HTTPS. The custom code runner is reachable only from the api-image services, through
 * ECS Service Connect. Secrets reach the containers as ECS secrets only. Deployments roll with the circuit
 * breaker and never drop below the desired count; workers deploy before the API.
 */
export class MembraneEcsServices extends Construct {
  /** The ECS cluster (Container Insights on). */
  public readonly cluster: ecs.Cluster;
  /** The public load balancer. */
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
  public readonly api: MembraneService;
  /** The instant tasks worker service. */
  public readonly instantTasksWorker: MembraneService;
  /** The queued tasks worker service. */
  public readonly queuedTasksWorker: MembraneService;
  /** The orchestrator service. */
  public readonly orchestrator: MembraneService;
  /** The UI service. */
  public readonly ui: MembraneService;
  /** The Console service. */
  public readonly console: MembraneService;
  /** The custom code runner service (internal only). */
  public readonly customCodeRunner: MembraneService;
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

  constructor(scope: Construct, id: string, props: MembraneEcsServicesProps) {
    super(scope, id);
    if (!props.auth) {
      throw propError(this, 'auth', 'no authentication is configured',
        'Set auth to MembraneAuth.auth0({ ... }) or MembraneAuth.usernamePassword({ ... }).');
    }
    const settings = props.settings ?? {};
    validateSettings(this, settings);
    const vpc = props.vpc ?? props.cache.vpc;
    if (props.vpc && props.vpc !== props.cache.vpc) {
      warn(this, 'vpcDiffersFromCache', 'vpc is not the cache\'s VPC: the tasks reach Redis only if the two VPCs are connected and routed.');
    }
    const registry = props.registry ?? MembraneRegistry.GETMEMBRANE;
    if (!Token.isUnresolved(registry) && !/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/.test(registry)) {
      throw propError(this, 'registry', `'${registry}' is not a registry host`, `Give a host without scheme, e.g. '${MembraneRegistry.GETMEMBRANE}'.`);
    }
    if (props.version.isMutable) {
      warn(this, 'mutableImageTag', `version '${props.version.tag}' is a moving tag: a redeploy may change the running release and ECS cannot roll back to the previous image. Use an immutable tag such as MembraneVersion.of('2026-01-14') (seed 003).`);
    }

    const routes = resolveRoutes(this, props.domain);
    this.apiUrl = routes.api.url;
    this.uiUrl = routes.ui.url;
    this.consoleUrl = routes.console.url;
    const urls: MembraneUrls = { api: this.apiUrl, ui: this.uiUrl, console: this.consoleUrl };

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
      defaultCloudMapNamespace: {
        name: props.namespaceName ?? 'membrane.internal',
        type: servicediscovery.NamespaceType.HTTP,
        useForServiceConnect: true,
      },
    });

    const secretRemovalPolicy = props.secretRemovalPolicy ?? RemovalPolicy.RETAIN;
    const generate = (secretId: string, description: string) => createGeneratedSecret(this, secretId, {
      description, encryptionKey: props.encryptionKey, removalPolicy: secretRemovalPolicy, noRotationReason: SECRET_NO_ROTATION,
    });
    if (!props.jwtSecret) this.generatedJwtSecret = generate('JwtSecret', 'Membrane SECRET (JWT signing)');
    if (!props.encryptionSecret) this.generatedEncryptionSecret = generate('EncryptionSecret', 'Membrane ENCRYPTION_SECRET (credentials encryption)');

    const x86 = (props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64) === ecs.CpuArchitecture.X86_64;
    const customCodeRunnerUri = `http://${MODES.find(m => m.key === 'customCodeRunner')!.name}:${PORT}`;
    const engineShared = mergeEnvironmentContracts(
      { environment: engineEnvironment(settings, urls, customCodeRunnerUri, x86), secrets: {} },
      props.storage.environmentContract,
      props.cache.environmentContract,
      ...(props.workerCache ? [props.workerCache.environmentContract] : []),
      props.auth.engineContract,
      {
        environment: {},
        secrets: {
          MONGO_URI: props.mongoUri,
          SECRET: props.jwtSecret ?? ecs.Secret.fromSecretsManager(this.generatedJwtSecret!),
          ENCRYPTION_SECRET: props.encryptionSecret ?? ecs.Secret.fromSecretsManager(this.generatedEncryptionSecret!),
          SELF_HOSTING_TOKEN: props.selfHostingToken,
        },
      },
    );
    const baseContract = (mode: ModeSpec): MembraneEnvironmentContract => {
      switch (mode.kind) {
        case 'engine': return mergeEnvironmentContracts(engineShared, { environment: engineModeEnvironment(mode, settings), secrets: {} });
        case 'ui': return { environment: uiEnvironment(urls, routes.ui.basePath, settings.debug ?? false), secrets: {} };
        case 'console': return { environment: consoleEnvironment(urls, routes.console.basePath, settings, props.auth.consoleEnvironment), secrets: {} };
        case 'runner': return { environment: customCodeRunnerEnvironment(settings.debug ?? false), secrets: {} };
      }
    };

    const loadBalancerLogs = props.loadBalancerLogsBucket ?? createLogBucket(this, 'LoadBalancerLogsBucket', {
      expiration: Duration.days(365), removalPolicy: RemovalPolicy.RETAIN, receivesServerAccessLogs: false,
    });
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      // Below the API's HEADERS_TIMEOUT_MS / KEEPALIVE_TIMEOUT_MS (61 s), so the ALB closes idle connections first.
      idleTimeout: Duration.seconds(API_KEEPALIVE_MS / 1000 - 1),
      dropInvalidHeaderFields: true,
      deletionProtection: props.loadBalancerDeletionProtection ?? true,
    });
    if (Token.isUnresolved(Stack.of(this).region)) {
      throw new Error(`${this.node.path}: the load balancer's access logs need the stack's region, because the log delivery principal differs per region. `
        + 'Create the stack with env: { region: \'<region>\' } (the account may stay unresolved).');
    }
    this.loadBalancer.logAccessLogs(loadBalancerLogs, 'alb');
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The load balancer is the public HTTPS entry point of the API, UI and Console (seed 000); it accepts 443 and 80 (redirected to 443) from anywhere.',
    });
    if (props.webAclArn) {
      new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.loadBalancer.loadBalancerArn, webAclArn: props.webAclArn });
    } else {
      Validations.of(this.loadBalancer).acknowledge({
        id: 'NIST.800.53.R5-ALBWAFEnabled',
        reason: 'A web ACL is an account-level choice (rules, logging, cost); pass webAclArn to attach one.',
      });
    }

    const certificate = props.domain.certificate ?? new acm.Certificate(this, 'Certificate', {
      domainName: routes.hosts[0],
      subjectAlternativeNames: routes.hosts.length > 1 ? routes.hosts.slice(1) : undefined,
      validation: acm.CertificateValidation.fromDns(props.domain.hostedZone),
    });
    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
    });
    const redirect = this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    Validations.of(redirect).acknowledge({
      id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      reason: 'The port 80 listener only answers with a permanent redirect to HTTPS (seed 000: enforce HTTPS redirects); it serves no content.',
    });

    if (props.domain.hostedZone) {
      const target = route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer));
      routes.hosts.forEach((host, index) => {
        new route53.ARecord(this, index === 0 ? 'AliasRecord' : `AliasRecord${index}`, { zone: props.domain.hostedZone!, recordName: host, target });
      });
    }

    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const built = new Map<string, MembraneService>();
    for (const mode of MODES) {
      const options = props.services?.[mode.key] ?? {};
      const managed = baseContract(mode);
      const contract = mergeEnvironmentContracts(managed, checkedExtras(this, mode, options, managed, props.auth));
      const modeScope = new Construct(this, mode.id);
      built.set(mode.key, this.createService(modeScope, mode, options, contract, {
        registry, props, logRetention, vpc, routes,
      }));
    }
    this.api = built.get('api')!;
    this.instantTasksWorker = built.get('instantTasksWorker')!;
    this.queuedTasksWorker = built.get('queuedTasksWorker')!;
    this.orchestrator = built.get('orchestrator')!;
    this.ui = built.get('ui')!;
    this.console = built.get('console')!;
    this.customCodeRunner = built.get('customCodeRunner')!;

    // Network access: the custom code runner admits only the api-image services; they reach the caches.
    const engines = MODES.filter(m => m.kind === 'engine').map(m => built.get(m.key)!.service);
    for (const engine of engines) {
      this.customCodeRunner.service.connections.allowFrom(engine, ec2.Port.tcp(PORT), `${engine.node.scope!.node.id} to custom-code-runner`);
      props.cache.connections.allowDefaultPortFrom(engine);
      props.workerCache?.connections.allowDefaultPortFrom(engine);
      props.storage.grantReadWrite(engine.taskDefinition.taskRole);
    }

    // CDK grants (secrets, logs, buckets) land in one least-privilege policy per role, scoped to this task's resources.
    for (const { taskDefinition } of built.values()) {
      acknowledgeGrantPolicy(taskDefinition.taskRole);
      acknowledgeGrantPolicy(taskDefinition.executionRole);
    }

    // Deployment order (seed 000: deploy workers first, then the API): each tier waits for the one below.
    for (const mode of MODES) {
      for (const lower of MODES.filter(m => m.tier === mode.tier - 1)) {
        built.get(mode.key)!.service.node.addDependency(built.get(lower.key)!.service);
      }
    }
  }

  /** All seven services, in deployment order. */
  public allServices(): MembraneService[] {
    return [this.customCodeRunner, this.instantTasksWorker, this.queuedTasksWorker, this.orchestrator, this.api, this.ui, this.console];
  }

  private createService(scope: Construct, mode: ModeSpec, options: MembraneServiceOptions, contract: MembraneEnvironmentContract,
    ctx: { registry: string; props: MembraneEcsServicesProps; logRetention: logs.RetentionDays; vpc: ec2.IVpc; routes: Routes }): MembraneService {
    const { props } = ctx;
    const cpu = options.cpu ?? mode.size.cpu;
    const memoryLimitMiB = options.memoryLimitMiB ?? mode.size.memoryMiB;
    const desiredCount = options.desiredCount ?? 2;
    const prop = `services.${mode.key}`;
    if (!Token.isUnresolved(cpu) && !Token.isUnresolved(memoryLimitMiB) && !isFargateSize(cpu, memoryLimitMiB)) {
      throw propError(this, `${prop}.cpu/memoryLimitMiB`, `${cpu} CPU units with ${memoryLimitMiB} MiB is not a Fargate task size`,
        'See the Fargate task size table; e.g. 512 CPU allows 1024-4096 MiB, 1024 CPU allows 2048-8192 MiB.');
    }
    if (cpu < mode.minimum.cpu || memoryLimitMiB < mode.minimum.memoryMiB) {
      warn(scope, 'belowMinimumSize', `${mode.name} gets ${cpu} CPU / ${memoryLimitMiB} MiB, below Membrane's minimum of ${mode.minimum.cpu} / ${mode.minimum.memoryMiB} (seed 001).`);
    }
    requireInteger(this, `${prop}.desiredCount`, desiredCount, 0, 1000);
    if (mode.key === 'orchestrator' && desiredCount < 2) {
      warn(scope, 'orchestratorSingleInstance', 'The orchestrator runs fewer than 2 tasks: schedules and syncs stop while its only task is replaced (seed 003 recommends 2).');
    }
    if (options.spot && !mode.spotAllowed) {
      throw propError(this, `${prop}.spot`, `Fargate Spot is not offered for ${mode.name}`,
        'Spot is for the instant and queued tasks workers only; remove spot from this service.');
    }

    const logGroup = createLogGroup(scope, 'LogGroup', ctx.logRetention, `the ${mode.name} container logs`, props.encryptionKey);
    const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
      cpu,
      memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const behindLoadBalancer = mode.exposure === 'public-alb';
    const healthPath = mode.key === 'ui' || mode.key === 'console' ? (ctx.routes[mode.key].basePath ?? mode.healthPath) : mode.healthPath;
    const container = taskDefinition.addContainer(mode.name, {
      image: ecs.ContainerImage.fromRegistry(`${ctx.registry}/core/${mode.image}:${props.version.tag}`, { credentials: props.registryCredentials }),
      environment: contract.environment,
      secrets: contract.secrets,
      portMappings: [{ containerPort: PORT, name: 'http', appProtocol: ecs.AppProtocol.http }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: mode.name }),
      // Workers get the longest graceful stop Fargate allows, to finish or hand back the job they run.
      stopTimeout: mode.tier === 1 ? Duration.seconds(120) : undefined,
      healthCheck: behindLoadBalancer ? undefined : {
        command: options.healthCheckCommand ?? nodeHttpCheck(healthPath),
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: STARTUP_GRACE,
      },
    });
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Only non-secret Membrane configuration (URLs, bucket names, flags, timeouts) is plain environment; every credential is an ECS secret from Secrets Manager.',
    });

    const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
      vpc: ctx.vpc,
      description: `Membrane ${mode.name}`,
      allowAllOutbound: true,
    });
    const service = new ecs.FargateService(scope, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      desiredCount,
      vpcSubnets: props.taskSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [securityGroup],
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: behindLoadBalancer ? STARTUP_GRACE : undefined,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      capacityProviderStrategies: options.spot ? [
        { capacityProvider: 'FARGATE', base: 1, weight: 0 },
        { capacityProvider: 'FARGATE_SPOT', weight: 1 },
      ] : undefined,
      serviceConnectConfiguration: serviceConnect(mode),
    });

    let targetGroup: elbv2.ApplicationTargetGroup | undefined;
    if (behindLoadBalancer) {
      const route = ctx.routes[mode.key as 'api' | 'ui' | 'console'];
      const conditions = [elbv2.ListenerCondition.hostHeaders([route.host])];
      if (route.basePath) conditions.push(elbv2.ListenerCondition.pathPatterns([route.basePath, `${route.basePath}/*`]));
      targetGroup = this.httpsListener.addTargets(mode.id, {
        priority: route.basePath ? RULE_PRIORITY[mode.key].path : RULE_PRIORITY[mode.key].host,
        conditions,
        port: PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targets: [service.loadBalancerTarget({ containerName: mode.name, containerPort: PORT })],
        deregistrationDelay: Duration.seconds(30),
        healthCheck: {
          path: healthPath,
          // The API answers 200 on `/` (seed 001); the Next.js front ends may redirect to sign-in.
          healthyHttpCodes: mode.key === 'api' ? '200' : '200-399',
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
      });
    }
    return { service, taskDefinition, container, logGroup, targetGroup };
  }
}

/** Mode switch and mode-specific variables of an api-image service (seed 003). */
function engineModeEnvironment(mode: ModeSpec, settings: MembraneApplicationSettings): { [name: string]: string } {
  switch (mode.key) {
    case 'api': return apiModeEnvironment();
    case 'queuedTasksWorker': return queuedWorkerModeEnvironment(settings);
    default: return { [mode.modeFlag!]: '1' };
  }
}

/** Service Connect: the custom code runner is the only server; the api-image services are its clients. */
function serviceConnect(mode: ModeSpec): ecs.ServiceConnectProps | undefined {
  if (mode.exposure === 'service-connect') {
    return { services: [{ portMappingName: 'http', discoveryName: mode.name, dnsName: mode.name, port: PORT }] };
  }
  return mode.kind === 'engine' ? {} : undefined;
}

/** `GET http://127.0.0.1:5000<path>` with Node.js, which every Membrane image has; exit 0 on 2xx. */
function nodeHttpCheck(path: string): string[] {
  return ['CMD', 'node', '-e',
    `fetch('http://127.0.0.1:${PORT}${path}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`];
}

/** Checks a service's extra environment and secrets against what the library manages. */
function checkedExtras(scope: Construct, mode: ModeSpec, options: MembraneServiceOptions, managed: MembraneEnvironmentContract,
  auth: MembraneAuth): MembraneEnvironmentContract {
  const environment = options.environment ?? {};
  const secrets = options.secrets ?? {};
  for (const name of [...Object.keys(environment), ...Object.keys(secrets)]) {
    const prop = `services.${mode.key}.${name in environment ? 'environment' : 'secrets'}.${name}`;
    if (auth.forbiddenVariables.includes(name)) {
      throw propError(scope, prop, `${name} belongs to the other authentication mode than the one in 'auth'`,
        'Use exactly one of MembraneAuth.auth0 and MembraneAuth.usernamePassword, and set its values there.');
    }
    if (name in managed.environment || name in managed.secrets) {
      throw propError(scope, prop, `${name} is managed by membrane-cdk`, 'Set it through the construct\'s props instead (settings, domain, storage, cache, auth).');
    }
  }
  for (const name of Object.keys(environment)) {
    if (SECRET_NAME_PATTERN.test(name)) {
      throw propError(scope, `services.${mode.key}.environment.${name}`, `${name} looks like a credential and would be stored in plain text in the template`,
        `Pass it in services.${mode.key}.secrets as an ecs.Secret instead.`);
    }
  }
  return { environment, secrets };
}

/** Cross-field checks of the application settings. */
function validateSettings(scope: Construct, settings: MembraneApplicationSettings): void {
  const external = settings.connectionCredentialsStorage === MembraneCredentialsStorage.EXTERNAL_API;
  if (external && !settings.connectionCredentialsEndpointUrl) {
    throw propError(scope, 'settings.connectionCredentialsEndpointUrl', 'it is required when connectionCredentialsStorage is EXTERNAL_API',
      'Give the URL of your credentials API, or use MembraneCredentialsStorage.DATABASE.');
  }
  if (!external && settings.connectionCredentialsEndpointUrl) {
    throw propError(scope, 'settings.connectionCredentialsEndpointUrl', 'it is only used when connectionCredentialsStorage is EXTERNAL_API',
      'Set connectionCredentialsStorage to MembraneCredentialsStorage.EXTERNAL_API, or remove the URL.');
  }
  for (const [name, value] of [
    ['settings.baseUriInternal', settings.baseUriInternal], ['settings.baseWebhooksUri', settings.baseWebhooksUri],
    ['settings.baseOauthCallbackUri', settings.baseOauthCallbackUri], ['settings.connectionCredentialsEndpointUrl', settings.connectionCredentialsEndpointUrl],
  ] as const) {
    if (value !== undefined && !Token.isUnresolved(value) && !/^https?:\/\/[^\s/]+/.test(value)) {
      throw propError(scope, name, `'${value}' is not an http(s) URL`, 'Give an absolute URL such as https://webhooks.example.com.');
    }
  }
  requireInteger(scope, 'settings.mongoMinPoolSize', settings.mongoMinPoolSize, 0, 10000);
  requireInteger(scope, 'settings.mongoMaxPoolSize', settings.mongoMaxPoolSize, 1, 10000);
  if (settings.mongoMinPoolSize !== undefined && settings.mongoMaxPoolSize !== undefined && settings.mongoMinPoolSize > settings.mongoMaxPoolSize) {
    throw propError(scope, 'settings.mongoMinPoolSize', `${settings.mongoMinPoolSize} is above mongoMaxPoolSize ${settings.mongoMaxPoolSize}`,
      'Keep the minimum pool size at or below the maximum.');
  }
  requireInteger(scope, 'settings.startupCheckRetries', settings.startupCheckRetries, 0, 100);
  requireInteger(scope, 'settings.maxNodeRunOutputSizeMb', settings.maxNodeRunOutputSizeMb, 1, 1024);
  requireInteger(scope, 'settings.maxQueuedTasksMemoryMb', settings.maxQueuedTasksMemoryMb, 128, 120000);
  const skip = settings.skipStartupChecks ?? [];
  if (skip.includes(MembraneStartupCheck.ALL) && skip.length > 1) {
    throw propError(scope, 'settings.skipStartupChecks', `'all' combined with ${skip.filter(s => s !== MembraneStartupCheck.ALL).join(', ')}`,
      'Give either MembraneStartupCheck.ALL alone or a list of individual checks.');
  }
  if (skip.length > 0) {
    warn(scope, 'skipStartupChecks', `Start-up checks skipped (${skip.join(',')}): seed 002 calls this a last resort; prefer longer retries.`);
  }
}

/** Where one public service is reached. */
interface Route { readonly host: string; readonly basePath?: string; readonly url: string }
/** Routes of the three public services and the distinct host names (API's first). */
interface Routes { readonly api: Route; readonly ui: Route; readonly console: Route; readonly hosts: string[] }

/** Validates the domain settings and derives hosts, base paths and URLs. */
function resolveRoutes(scope: Construct, domain: MembraneDomain): Routes {
  if (!domain.certificate && !domain.hostedZone) {
    throw propError(scope, 'domain', 'neither certificate nor hostedZone is given, so HTTPS has no certificate',
      'Give domain.certificate (covering every host name) or domain.hostedZone to create a DNS-validated one.');
  }
  const route = (service: 'api' | 'ui' | 'console', host: string | undefined, basePath: string | undefined): Route => {
    const hostProp = `domain.${service}DomainName`;
    const resolvedHost = host ?? (basePath ? domain.apiDomainName : undefined);
    if (!resolvedHost) {
      throw propError(scope, hostProp, `the ${service} needs a host name`, `Set ${hostProp}, or set domain.${service}BasePath to serve it under a path of the API's host.`);
    }
    if (!Token.isUnresolved(resolvedHost) && !/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(resolvedHost)) {
      throw propError(scope, hostProp, `'${resolvedHost}' is not a lowercase host name`, 'Give a host name without scheme or path, e.g. console.example.com.');
    }
    if (domain.hostedZone && !Token.isUnresolved(domain.hostedZone.zoneName) && !Token.isUnresolved(resolvedHost)
      && !(`.${resolvedHost}`).endsWith(`.${domain.hostedZone.zoneName.replace(/\.$/, '')}`)) {
      throw propError(scope, hostProp, `'${resolvedHost}' is not in the hosted zone ${domain.hostedZone.zoneName}`,
        'Use host names inside domain.hostedZone, or give a certificate and create the DNS records yourself.');
    }
    if (basePath !== undefined && !Token.isUnresolved(basePath) && !/^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*$/.test(basePath)) {
      throw propError(scope, `domain.${service}BasePath`, `'${basePath}' is not a path prefix`,
        "BASE_PATH starts with '/' and has no trailing '/', e.g. '/ui-app' (seed 003).");
    }
    return { host: resolvedHost, basePath, url: `https://${resolvedHost}${basePath ?? ''}` };
  };
  const api = route('api', domain.apiDomainName, undefined);
  const ui = route('ui', domain.uiDomainName, domain.uiBasePath);
  const consoleRoute = route('console', domain.consoleDomainName, domain.consoleBasePath);
  const all = { api, ui, console: consoleRoute };
  const entries = Object.entries(all);
  entries.forEach(([a, ra], i) => entries.slice(i + 1).forEach(([b, rb]) => {
    if (ra.host === rb.host && (ra.basePath ?? '') === (rb.basePath ?? '')) {
      throw propError(scope, `domain.${b}BasePath`, `the ${a} and the ${b} would both be served at https://${ra.host}${ra.basePath ?? '/'}`,
        `Give the ${b} its own host name or a base path such as '/${b}-app'.`);
    }
  }));
  const hosts = [...new Set([api.host, ui.host, consoleRoute.host])];
  return { ...all, hosts };
}
