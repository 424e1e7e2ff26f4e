import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MembraneCache, MembraneCacheOptions, MembraneCacheRole } from '../cache';
import { IMembraneCache, IMembraneStorage } from '../common/environment';
import { propError, warn } from '../common/validation';
import { MembraneNetwork } from '../network';
import { MembraneScaling, MembraneScalingOptions } from '../scaling';
import {
  MembraneApplicationSettings, MembraneAuth, MembraneEcsServices, MembraneServicesOptions, MembraneVersion,
} from '../services';
import { MODES } from '../services/modes';
import { MembraneStorage, MembraneStorageOptions, MembraneStorageProps } from '../storage';

/**
 * Where Membrane is reached: host names in one public hosted zone. Names ending in `Host` are relative to
 * the zone; the building blocks take full names (`...DomainName`).
 */
export interface MembraneDomain {
  /** Public hosted zone; the host names below are created in it, with a DNS-validated certificate. */
  readonly zone: route53.IHostedZone;

  /**
   * API host, relative to the zone (`api` gives `api.<zone>`). BASE_URI is `https://<api host>`.
   *
   * @default 'api'
   */
  readonly apiHost?: string;

  /**
   * UI host, relative to the zone. Ignored with `uiBasePath`, which serves the UI on the API host.
   *
   * @default 'ui'
   */
  readonly uiHost?: string;

  /**
   * Console host, relative to the zone. Ignored with `consoleBasePath`.
   *
   * @default 'console'
   */
  readonly consoleHost?: string;

  /**
   * Serve the UI under this path of the API host (`BASE_PATH`, e.g. `/ui-app`).
   *
   * @default - the UI has its own host
   */
  readonly uiBasePath?: string;

  /**
   * Serve the Console under this path of the API host (`BASE_PATH`, e.g. `/console-app`).
   *
   * @default - the Console has its own host
   */
  readonly consoleBasePath?: string;

  /**
   * Static files host, relative to the zone. Needs a certificate in us-east-1 (CloudFront): created here
   * when the stack is in us-east-1, else give `staticCertificate`.
   *
   * @default 'static'
   */
  readonly staticHost?: string;

  /**
   * Certificate (in us-east-1) for the static files host.
   *
   * @default - created when the stack is in us-east-1; otherwise static files are served from the
   * distribution's *.cloudfront.net name, with a warning
   */
  readonly staticCertificate?: acm.ICertificate;
}

/**
 * Properties for `Membrane`.
 */
export interface MembraneProps {
  /** Membrane release: an immutable tag such as `MembraneVersion.of('2026-01-14')`. */
  readonly version: MembraneVersion;

  /** Registry login (`{"username": "robot$<company>", "password": "..."}`) in Secrets Manager. */
  readonly registryCredentials: secretsmanager.ISecret;

  /**
   * Registry host.
   *
   * @default MembraneRegistry.GETMEMBRANE
   */
  readonly registry?: string;

  /** Public host names. */
  readonly domain: MembraneDomain;

  /**
   * Secret whose value is the MongoDB connection string (`MONGO_URI`). MongoDB 4.4 or later: MongoDB Atlas
   * (M10+ for production) or self-hosted. Amazon DocumentDB and Azure Cosmos DB are not supported by Membrane.
   */
  readonly mongoUri: secretsmanager.ISecret;

  /** Secret whose value is the `SELF_HOSTING_TOKEN` from your Membrane organisation settings. */
  readonly selfHostingToken: secretsmanager.ISecret;

  /** Auth0 or username/password sign-in. */
  readonly auth: MembraneAuth;

  /**
   * An existing VPC with private (egress) subnets for the tasks and, ideally, isolated subnets for Redis.
   *
   * @default - a new MembraneNetwork (2 AZs, one NAT gateway per AZ, flow logs)
   */
  readonly vpc?: ec2.IVpc;

  /**
   * NAT gateways of the new VPC (1 is cheaper, one per AZ survives an AZ outage). Ignored with `vpc`.
   *
   * @default 2
   */
  readonly natGateways?: number;

  /**
   * Existing storage, e.g. `MembraneStorage.fromBuckets(...)`.
   *
   * @default - a new MembraneStorage
   */
  readonly storage?: IMembraneStorage;

  /**
   * Options of the new MembraneStorage (bucket names, expiry, price class, WAF). Its domain comes from
   * `domain.staticHost`. Not allowed with `storage`.
   *
   * @default - MembraneStorage defaults
   */
  readonly storageOptions?: MembraneStorageOptions;

  /**
   * Bucket for the access logs of the load balancer and the VPC flow logs. It must accept log deliveries
   * (SSE-S3 encryption). A new storage's own access logs are set with `storageOptions.accessLogsBucket`.
   *
   * @default - the new storage's access-log bucket; with `storage` given, a log bucket per building block
   */
  readonly logsBucket?: s3.IBucket;

  /**
   * An existing cache, e.g. `MembraneCache.fromAttributes(...)`.
   *
   * @default - a new MembraneCache
   */
  readonly cache?: IMembraneCache;

  /**
   * Options of the new main cache. Not allowed with `cache`.
   *
   * @default - MembraneCache defaults (Redis 7.1, TLS, Multi-AZ)
   */
  readonly cacheOptions?: MembraneCacheOptions;

  /**
   * Create a dedicated worker cache (`WORKER_REDIS_URI`) with these options.
   *
   * @default - the main cache serves the workers too
   */
  readonly workerCacheOptions?: MembraneCacheOptions;

  /**
   * Application settings. `enableLimits` switches `ENABLE_LIMITS` (API) and `NEXT_PUBLIC_ENABLE_LIMITS`
   * (Console) together.
   *
   * @default - Membrane's defaults and the recommendations of its self-hosting documentation
   */
  readonly settings?: MembraneApplicationSettings;

  /**
   * Per-service sizes, counts, Spot and extras. The counts of autoscaled services come from `scaling`.
   *
   * @default - see MembraneServiceOptions
   */
  readonly services?: MembraneServicesOptions;

  /**
   * CPU architecture of the tasks.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * Autoscale on Membrane's metrics (MembraneScaling). Without it every service runs its desired count.
   *
   * @default true
   */
  readonly autoscaling?: boolean;

  /**
   * Autoscaling options.
   *
   * @default - the targets and bounds of Membrane's "Autoscaling Configuration" and "Self-hosting" pages
   */
  readonly scaling?: MembraneScalingOptions;

  /**
   * Topic for the alarms.
   *
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Customer-managed KMS key for the generated secrets, the cache and the log groups.
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
   * Keep data when it leaves the stack: buckets, secrets and log groups are retained, and the load
   * balancer has deletion protection. Turn off only for throw-away environments.
   *
   * @default true
   */
  readonly retainData?: boolean;
}

/**
 * Membrane, self-hosted on AWS: network, storage, cache, every service on Fargate behind HTTPS, and
 * autoscaling, wired so that the configuration is coherent by construction.
 *
 * - `BASE_URI` is the API's public URL; the UI and Console get the URLs they are actually served at.
 * - `ENABLE_LIMITS` and `NEXT_PUBLIC_ENABLE_LIMITS` come from one setting.
 * - The API and Console share one Auth0 application (or neither uses Auth0).
 * - Autoscaled services take their counts from the scaling bounds only.
 *
 * @example
 * declare const stack: Stack;                          // with env: { region } (ALB log delivery is regional)
 * declare const zone: route53.IHostedZone;
 * declare const secret: (name: string) => secretsmanager.ISecret;
 * new Membrane(stack, 'Membrane', {
 *   version: MembraneVersion.of('2026-01-14'),
 *   registryCredentials: secret('membrane/registry'),  // {"username": "robot$<company>", "password": "..."}
 *   domain: { zone },                                 // api., ui., console. and static. in the zone
 *   mongoUri: secret('membrane/mongo-uri'),
 *   selfHostingToken: secret('membrane/self-hosting-token'),
 *   auth: MembraneAuth.auth0({ domain: 'login.example.com', clientId: 'abc123', clientSecret: secret('membrane/auth0') }),
 * });
 */
export class Membrane extends Construct {
  /** The network, when this construct created it. */
  public readonly network?: MembraneNetwork;
  /** The storage. */
  public readonly storage: IMembraneStorage;
  /** The main cache. */
  public readonly cache: IMembraneCache;
  /**
   * The dedicated worker cache.
   *
   * @default - none
   */
  public readonly workerCache?: MembraneCache;
  /** The services. */
  public readonly services: MembraneEcsServices;
  /**
   * The autoscaling, dashboard and alarms.
   *
   * @default - none when `autoscaling` is false
   */
  public readonly scaling?: MembraneScaling;
  /** Public URL of the API (BASE_URI). */
  public readonly apiUrl: string;
  /** Public URL of the UI. */
  public readonly uiUrl: string;
  /** Public URL of the Console. */
  public readonly consoleUrl: string;
  /** Public base URL of the static files (BASE_STATIC_URI). */
  public readonly staticUrl: string;

  constructor(scope: Construct, id: string, props: MembraneProps) {
    super(scope, id);
    const retain = props.retainData ?? true;
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const autoscaling = props.autoscaling ?? true;
    const zoneName = props.domain.zone.zoneName.replace(/\.$/, '');
    const host = (relative: string) => `${relative}.${zoneName}`;

    if (props.storage && props.storageOptions) {
      throw propError(this, 'storageOptions', 'it configures a new storage, but storage is given', 'Remove storageOptions or storage.');
    }
    // The type has no domain; JavaScript callers can still pass one, which would be silently replaced.
    if ((props.storageOptions as MembraneStorageProps | undefined)?.domain) {
      throw propError(this, 'storageOptions.domain', 'the static domain comes from domain.staticHost',
        'Remove storageOptions.domain; set domain.staticHost / domain.staticCertificate.');
    }
    if (props.cache && props.cacheOptions) {
      throw propError(this, 'cacheOptions', 'it configures a new cache, but cache is given', 'Remove cacheOptions or cache.');
    }
    if (!autoscaling && props.scaling) {
      throw propError(this, 'scaling', 'autoscaling is false', 'Remove scaling, or set autoscaling to true.');
    }
    if (autoscaling) {
      for (const { key } of MODES.filter(mode => mode.scaling?.alwaysAutoscaled)) {
        if (props.services?.[key]?.desiredCount !== undefined) {
          throw propError(this, `services.${key}.desiredCount`, `the ${key} count is managed by autoscaling`,
            `Set scaling.${key}.minCapacity / maxCapacity instead, or set autoscaling to false.`);
        }
      }
    }

    // Storage, with the static files on static.<zone> when a us-east-1 certificate is available.
    const created = props.storage ? undefined : this.createStorage(props, removalPolicy, host);
    this.storage = props.storage ?? created!;
    this.staticUrl = this.storage.staticUrl;
    const logsBucket = props.logsBucket ?? created?.accessLogsBucket;

    let vpc = props.vpc ?? props.cache?.vpc;
    if (!vpc) {
      this.network = new MembraneNetwork(this, 'Network', { natGateways: props.natGateways, flowLogsBucket: logsBucket });
      vpc = this.network.vpc;
    }
    const cacheRemovalPolicy = retain ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY;
    this.cache = props.cache ?? new MembraneCache(this, 'Cache', {
      removalPolicy: cacheRemovalPolicy,
      secretRemovalPolicy: removalPolicy,
      encryptionKey: props.encryptionKey,
      ...props.cacheOptions,
      vpc,
    });
    if (props.workerCacheOptions) {
      this.workerCache = new MembraneCache(this, 'WorkerCache', {
        removalPolicy: cacheRemovalPolicy,
        secretRemovalPolicy: removalPolicy,
        encryptionKey: props.encryptionKey,
        ...props.workerCacheOptions,
        vpc,
        role: MembraneCacheRole.WORKER,
      });
    }

    this.services = new MembraneEcsServices(this, 'Services', {
      version: props.version,
      registry: props.registry,
      registryCredentials: props.registryCredentials,
      storage: this.storage,
      cache: this.cache,
      workerCache: this.workerCache,
      vpc,
      mongoUri: props.mongoUri,
      selfHostingToken: props.selfHostingToken,
      auth: props.auth,
      domain: {
        zone: props.domain.zone,
        apiDomainName: host(props.domain.apiHost ?? 'api'),
        uiDomainName: props.domain.uiBasePath ? undefined : host(props.domain.uiHost ?? 'ui'),
        consoleDomainName: props.domain.consoleBasePath ? undefined : host(props.domain.consoleHost ?? 'console'),
        uiBasePath: props.domain.uiBasePath,
        consoleBasePath: props.domain.consoleBasePath,
      },
      settings: props.settings,
      services: props.services,
      cpuArchitecture: props.cpuArchitecture,
      encryptionKey: props.encryptionKey,
      enableExecuteCommand: props.enableExecuteCommand,
      loadBalancerLogsBucket: logsBucket,
      loadBalancerDeletionProtection: retain,
      secretRemovalPolicy: removalPolicy,
    });
    this.apiUrl = this.services.apiUrl;
    this.uiUrl = this.services.uiUrl;
    this.consoleUrl = this.services.consoleUrl;

    if (autoscaling) {
      const caches = this.workerCache ? [this.cache, this.workerCache] : [this.cache];
      this.scaling = new MembraneScaling(this, 'Scaling', {
        encryptionKey: props.encryptionKey,
        alarmTopic: props.alarmTopic,
        caches,
        ...props.scaling,
        services: this.services,
      });
    }
  }

  /** A new MembraneStorage whose static files are served from `domain.staticHost`. */
  private createStorage(props: MembraneProps, removalPolicy: RemovalPolicy, host: (relative: string) => string): MembraneStorage {
    const staticCertificate = props.domain.staticCertificate ?? this.staticCertificate(props.domain, host);
    return new MembraneStorage(this, 'Storage', {
      removalPolicy,
      ...props.storageOptions,
      domain: staticCertificate ? {
        domainName: host(props.domain.staticHost ?? 'static'),
        certificate: staticCertificate,
        zone: props.domain.zone,
      } : undefined,
    });
  }

  /** A DNS-validated certificate for the static host when the stack is in us-east-1 (CloudFront's region). */
  private staticCertificate(domain: MembraneDomain, host: (relative: string) => string): acm.ICertificate | undefined {
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region === 'us-east-1') {
      return new acm.Certificate(this, 'StaticCertificate', {
        domainName: host(domain.staticHost ?? 'static'),
        validation: acm.CertificateValidation.fromDns(domain.zone),
      });
    }
    warn(this, 'staticDomainNeedsCertificate', `Static files are served from the CloudFront *.cloudfront.net name: a custom host needs a certificate in us-east-1. Pass domain.staticCertificate to serve them from ${host(domain.staticHost ?? 'static')}.`);
    return undefined;
  }
}
