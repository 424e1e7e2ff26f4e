import { Stack, Tags, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { MembraneSettings, membraneSettings } from './defaults';
import { staticCertificate, StaticCertificate } from './private/static-certificate';
import { MembraneProps } from './props';
import { validateMembraneProps } from './validation';
import { MembraneBackup, MembraneBackupOptions } from '../backup';
import { IMembraneCache, MembraneCache, MembraneCacheOptions, MembraneCacheRole } from '../cache';
import { claimHost, claimHosts } from '../common/host-claims';
import { warn } from '../common/validation';
import { MembraneMongo, MembraneMongoConfig } from '../mongo';
import { MembraneNetwork } from '../network';
import { MembraneScaling, MembraneScalingOptions } from '../scaling';
import { MembraneEcsServices } from '../services';
import { ENGINE_SERVICES } from '../services/private/services-table';
import { IMembraneStorage, MembraneStorage } from '../storage';

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
   * @default - none with `MembraneAutoscaling.none()`
   */
  public readonly scaling?: MembraneScaling;

  /**
   * AWS Backup of the connectors and static buckets.
   *
   * @default - none with `MembraneBucketBackup.none()`, with brought `storage`, or without `retainData`
   */
  public readonly backup?: MembraneBackup;

  /**
   * The companion stack in us-east-1 that holds the static host's certificate when this stack is in another region.
   * Deploy it with this stack (`cdk deploy` deploys it first; us-east-1 must be bootstrapped).
   *
   * @default - none: the stack is in us-east-1, or the certificate is given or not wanted
   */
  public readonly certificateStack?: Stack;

  /** The secret with `MONGO_URI`: the one given, or the one assembled for an Atlas cluster created here. */
  public readonly mongoUri: secretsmanager.ISecret;
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
    validateMembraneProps(this, props);
    const settings = membraneSettings(props);
    // Cost-allocation tags on everything this construct creates, and on the companion stack when there is one.
    this.tagAll(this, props);
    this.claimHosts(settings);

    // Storage, with the static files on static.<zone> when a us-east-1 certificate is available.
    const staticCert = props.storage || props.domain.staticCertificate ? undefined : this.staticCertificate(props, settings);
    this.certificateStack = staticCert?.stack;
    if (this.certificateStack) this.tagAll(this.certificateStack, props);
    const created = props.storage ? undefined
      : this.createStorage(props, settings, props.domain.staticCertificate ?? staticCert?.certificate);
    this.storage = props.storage ?? created!;
    this.staticUrl = this.storage.staticUrl;
    const logsBucket = props.logsBucket ?? created?.accessLogsBucket;

    const existingVpc = props.vpc ?? props.cache?.vpc;
    this.network = existingVpc ? undefined : this.createNetwork(props, logsBucket);
    const vpc = existingVpc ?? this.network!.vpc;
    this.cache = props.cache ?? this.createCache('Cache', props, settings, vpc, props.cacheOptions);
    this.workerCache = props.workerCacheOptions
      ? this.createCache('WorkerCache', props, settings, vpc, props.workerCacheOptions, MembraneCacheRole.WORKER) : undefined;
    const mongo = (props.mongo ?? MembraneMongo.fromSecret(props.mongoUri!)).bind(this, {
      vpc,
      encryptionKey: props.encryptionKey,
      secretRemovalPolicy: settings.secretRemovalPolicy,
    });
    this.mongoUri = mongo.mongoUri;

    this.services = this.createServices(props, settings, vpc, mongo, logsBucket);
    this.admitToMongo(mongo);
    this.apiUrl = this.services.apiUrl;
    this.uiUrl = this.services.uiUrl;
    this.consoleUrl = this.services.consoleUrl;

    const backup = settings.backup.options;
    this.backup = created && backup ? this.createBackup(props, created, backup) : undefined;
    const scaling = settings.autoscaling.options;
    this.scaling = scaling ? this.createScaling(props, settings, scaling) : undefined;
  }

  /** Adds the cost-allocation tags to `target`. */
  private tagAll(target: IConstruct, props: MembraneProps): void {
    Object.entries(props.tags ?? {}).forEach(([key, value]) => Tags.of(target).add(key, value));
  }

  /**
   * Claims the API, UI and Console host names in the app, for the services to take over: a name claimed twice (by another
   * Membrane, another stack, or this one's static host) fails with both props named instead of at deployment.
   */
  private claimHosts(settings: MembraneSettings): void {
    const hosts = settings.hosts;
    claimHosts(this, [
      ['domain.apiHost', hosts.api],
      ...(hosts.ui === undefined ? [] : [['domain.uiHost', hosts.ui] as const]),
      ...(hosts.console === undefined ? [] : [['domain.consoleHost', hosts.console] as const]),
    ], { delegate: true });
  }

  /**
   * A DNS-validated certificate for the static host (CloudFront reads certificates in us-east-1 only): in this stack
   * when it is in us-east-1, else in a companion stack there. None with `createStaticCertificate: false`.
   */
  private staticCertificate(props: MembraneProps, settings: MembraneSettings): StaticCertificate | undefined {
    const domain = props.domain;
    const domainName = settings.hosts.static;
    if (domain.createStaticCertificate === false) return undefined;
    if (Token.isUnresolved(Stack.of(this).region)) {
      warn(this, 'staticDomainNeedsCertificate', 'Static files are served from the CloudFront *.cloudfront.net name: the stack has no region, so '
        + `the us-east-1 certificate cannot be placed. Give the stack a region, or pass domain.staticCertificate to serve them from ${domainName}.`);
      return undefined;
    }
    return staticCertificate(this, 'StaticCertificate', domainName, domain.zone, 'domain.zone');
  }

  /** A new MembraneStorage whose static files are served from `domain.staticHost`. */
  private createStorage(props: MembraneProps, settings: MembraneSettings, certificate: acm.ICertificate | undefined): MembraneStorage {
    if (certificate) claimHost(this, 'domain.staticHost', settings.hosts.static, { delegate: true });
    return new MembraneStorage(this, 'Storage', {
      removalPolicy: settings.removalPolicy,
      encryptionKey: props.encryptionKey,
      ...props.storageOptions,
      domain: certificate ? {
        domainName: settings.hosts.static,
        certificate,
        zone: props.domain.zone,
      } : undefined,
    });
  }

  /** A new MembraneNetwork, with its flow logs in the shared log bucket. */
  private createNetwork(props: MembraneProps, logsBucket: s3.IBucket | undefined): MembraneNetwork {
    return new MembraneNetwork(this, 'Network', {
      natGateways: props.natGateways, flowLogsBucket: logsBucket, vpcEndpoints: props.vpcEndpoints,
    });
  }

  /** A new MembraneCache (the main one, or the worker cache with `role`) that follows `retainData` unless `options` say otherwise. */
  private createCache(id: string, props: MembraneProps, settings: MembraneSettings, vpc: ec2.IVpc, options: MembraneCacheOptions | undefined,
    role?: MembraneCacheRole): MembraneCache {
    return new MembraneCache(this, id, {
      removalPolicy: settings.cacheRemovalPolicy,
      secretRemovalPolicy: settings.removalPolicy,
      logRemovalPolicy: settings.removalPolicy,
      encryptionKey: props.encryptionKey,
      ...options,
      vpc,
      ...(role === undefined ? {} : { role }),
      alarmTopic: props.alarmTopic,
    });
  }

  /** The services, wired to the storage, caches and MongoDB above and to the host names of `domain`. */
  private createServices(props: MembraneProps, settings: MembraneSettings, vpc: ec2.IVpc, mongo: MembraneMongoConfig,
    logsBucket: s3.IBucket | undefined): MembraneEcsServices {
    return new MembraneEcsServices(this, 'Services', {
      version: props.version,
      registry: props.registry,
      registryCredentials: props.registryCredentials,
      storage: this.storage,
      cache: this.cache,
      workerCache: this.workerCache,
      vpc,
      mongoUri: mongo.mongoUri,
      selfHostingToken: props.selfHostingToken,
      auth: props.auth,
      domain: {
        zone: props.domain.zone,
        apiDomainName: settings.hosts.api,
        uiDomainName: settings.hosts.ui,
        consoleDomainName: settings.hosts.console,
        uiBasePath: props.domain.uiBasePath,
        consoleBasePath: props.domain.consoleBasePath,
      },
      exposure: props.exposure,
      settings: props.settings,
      services: props.services,
      deployment: props.deployment,
      sharedEngineEnvironment: props.sharedEngineEnvironment,
      cpuArchitecture: props.cpuArchitecture,
      encryptionKey: props.encryptionKey,
      enableExecuteCommand: props.enableExecuteCommand,
      loadBalancerLogsBucket: logsBucket,
      loadBalancerDeletionProtection: settings.retain,
      loadBalancerIdleTimeout: props.loadBalancerIdleTimeout,
      queuedTaskProtection: props.queuedTaskProtection,
      firewall: settings.firewall,
      taskProtectionImage: props.taskProtectionImage,
      alarmTopic: props.alarmTopic,
      // SECRET and ENCRYPTION_SECRET are irreplaceable: retained unless removed explicitly, whatever retainData says.
      secretRemovalPolicy: settings.secretRemovalPolicy,
      secretReplicaRegions: props.secretReplicaRegions,
      jwtSecret: props.jwtSecret,
      encryptionSecret: props.encryptionSecret,
      logRemovalPolicy: settings.removalPolicy,
    });
  }

  /**
   * Only the services that read MONGO_URI, the api-image ones, reach the database endpoint (PrivateLink uses ports
   * 1024-65535). Highest tier first (the API, then the workers and orchestrator): the order the rules were always added in.
   */
  private admitToMongo(mongo: MembraneMongoConfig): void {
    if (!mongo.endpointSecurityGroup) return;
    const engines = [...ENGINE_SERVICES].sort((a, b) => b.tier - a.tier);
    for (const svc of engines.map(({ key }) => this.services[key])) {
      mongo.endpointSecurityGroup.connections.allowFrom(svc.service, ec2.Port.tcpRange(1024, 65535), `Membrane ${svc.serviceName} to MongoDB`);
    }
  }

  /** AWS Backup of the connectors and static buckets of the storage created here. */
  private createBackup(props: MembraneProps, storage: MembraneStorage, options: MembraneBackupOptions): MembraneBackup {
    return new MembraneBackup(this, 'Backup', {
      encryptionKey: props.encryptionKey,
      ...options,
      buckets: [storage.connectorsBucket, storage.staticBucket],
    });
  }

  /** Autoscaling, the dashboard and the alarms, on both caches when there is a worker cache. */
  private createScaling(props: MembraneProps, settings: MembraneSettings, options: MembraneScalingOptions): MembraneScaling {
    const caches = this.workerCache ? [this.cache, this.workerCache] : [this.cache];
    return new MembraneScaling(this, 'Scaling', {
      encryptionKey: props.encryptionKey,
      logRemovalPolicy: settings.removalPolicy,
      alarmTopic: props.alarmTopic,
      caches,
      ...options,
      services: this.services,
    });
  }
}
