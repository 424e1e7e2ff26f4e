import { RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { MembraneProps } from './props';
import { staticCertificate, StaticCertificate } from './static-certificate';
import { validateMembraneProps } from './validation';
import { MembraneBackup } from '../backup';
import { MembraneCache, MembraneCacheRole } from '../cache';
import { IMembraneCache, IMembraneStorage } from '../common/environment';
import { claimHost, claimHosts } from '../common/host-claims';
import { propError, warn } from '../common/validation';
import { MembraneMongo } from '../mongo';
import { MembraneNetwork } from '../network';
import { MembraneScaling } from '../scaling';
import { MembraneEcsServices } from '../services';
import { MembraneStorage } from '../storage';

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

  /**
   * AWS Backup of the connectors and static buckets.
   *
   * @default - none when `backup` is false
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
    // Cost-allocation tags on everything this construct creates, and on the companion stack when there is one.
    const tag = (target: IConstruct) => Object.entries(props.tags ?? {}).forEach(([key, value]) => Tags.of(target).add(key, value));
    tag(this);
    const retain = props.retainData ?? true;
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const zoneName = props.domain.zone.zoneName.replace(/\.$/, '');
    const host = (relative: string) => `${relative}.${zoneName}`;
    this.claimHosts(props, host);

    // Storage, with the static files on static.<zone> when a us-east-1 certificate is available.
    const staticCert = props.storage || props.domain.staticCertificate ? undefined : this.staticCertificate(props, host);
    this.certificateStack = staticCert?.stack;
    if (this.certificateStack) tag(this.certificateStack);
    const created = props.storage
      ? undefined
      : this.createStorage(props, removalPolicy, host, props.domain.staticCertificate ?? staticCert?.certificate);
    this.storage = props.storage ?? created!;
    this.staticUrl = this.storage.staticUrl;
    const logsBucket = props.logsBucket ?? created?.accessLogsBucket;

    let vpc = props.vpc ?? props.cache?.vpc;
    if (!vpc) {
      this.network = new MembraneNetwork(this, 'Network', {
        natGateways: props.natGateways, flowLogsBucket: logsBucket, vpcEndpoints: props.vpcEndpoints,
      });
      vpc = this.network.vpc;
    }
    const cacheRemovalPolicy = retain ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY;
    this.cache = props.cache ?? new MembraneCache(this, 'Cache', {
      removalPolicy: cacheRemovalPolicy,
      secretRemovalPolicy: removalPolicy,
      logRemovalPolicy: removalPolicy,
      encryptionKey: props.encryptionKey,
      ...props.cacheOptions,
      vpc,
      alarmTopic: props.alarmTopic,
    });
    if (props.workerCacheOptions) {
      this.workerCache = new MembraneCache(this, 'WorkerCache', {
        removalPolicy: cacheRemovalPolicy,
        secretRemovalPolicy: removalPolicy,
        logRemovalPolicy: removalPolicy,
        encryptionKey: props.encryptionKey,
        ...props.workerCacheOptions,
        vpc,
        role: MembraneCacheRole.WORKER,
        alarmTopic: props.alarmTopic,
      });
    }

    const mongo = (props.mongo ?? MembraneMongo.fromSecret(props.mongoUri!)).bind(this, {
      vpc,
      encryptionKey: props.encryptionKey,
      secretRemovalPolicy: props.secretRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.mongoUri = mongo.mongoUri;

    this.services = new MembraneEcsServices(this, 'Services', {
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
        apiDomainName: host(props.domain.apiHost ?? 'api'),
        uiDomainName: props.domain.uiBasePath ? undefined : host(props.domain.uiHost ?? 'ui'),
        consoleDomainName: props.domain.consoleBasePath ? undefined : host(props.domain.consoleHost ?? 'console'),
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
      loadBalancerDeletionProtection: retain,
      loadBalancerIdleTimeout: props.loadBalancerIdleTimeout,
      queuedTaskProtection: props.queuedTaskProtection,
      firewall: (props.firewall ?? true) && !props.webAclArn ? props.firewallOptions ?? {} : undefined,
      webAclArn: props.webAclArn,
      taskProtectionImage: props.taskProtectionImage,
      alarmTopic: props.alarmTopic,
      // SECRET and ENCRYPTION_SECRET are irreplaceable: retained unless removed explicitly, whatever retainData says.
      secretRemovalPolicy: props.secretRemovalPolicy ?? RemovalPolicy.RETAIN,
      secretReplicaRegions: props.secretReplicaRegions,
      logRemovalPolicy: removalPolicy,
    });
    if (mongo.endpointSecurityGroup) {
      // Only the services that read MONGO_URI reach the database endpoint (PrivateLink uses ports 1024-65535).
      for (const svc of [this.services.api, this.services.instantTasksWorker, this.services.queuedTasksWorker, this.services.orchestrator]) {
        mongo.endpointSecurityGroup.connections.allowFrom(svc.service, ec2.Port.tcpRange(1024, 65535), `Membrane ${svc.serviceName} to MongoDB`);
      }
    }
    this.apiUrl = this.services.apiUrl;
    this.uiUrl = this.services.uiUrl;
    this.consoleUrl = this.services.consoleUrl;

    if (props.backup && !created) {
      throw propError(this, 'backup', 'the storage is brought (storage), so this construct does not know its buckets',
        'Back the brought buckets up with new MembraneBackup(scope, id, { buckets: [connectors, static] }), or leave backup unset.');
    }
    if (created && (props.backup ?? retain)) {
      this.backup = new MembraneBackup(this, 'Backup', {
        encryptionKey: props.encryptionKey,
        ...props.backupOptions,
        buckets: [created.connectorsBucket, created.staticBucket],
      });
    } else if (props.backupOptions) {
      throw propError(this, 'backupOptions', 'it is set but no backup is made (backup is off, or the storage is brought)',
        'Set backup: true, or remove backupOptions.');
    }

    if (props.autoscaling ?? true) {
      const caches = this.workerCache ? [this.cache, this.workerCache] : [this.cache];
      this.scaling = new MembraneScaling(this, 'Scaling', {
        encryptionKey: props.encryptionKey,
        logRemovalPolicy: removalPolicy,
        alarmTopic: props.alarmTopic,
        caches,
        ...props.scaling,
        services: this.services,
      });
    }
  }

  /**
   * Claims the API, UI and Console host names in the app, for the services to take over: a name claimed twice (by another
   * Membrane, another stack, or this one's static host) fails with both props named instead of at deployment.
   */
  private claimHosts(props: MembraneProps, host: (relative: string) => string): void {
    const domain = props.domain;
    claimHosts(this, [
      ['domain.apiHost', host(domain.apiHost ?? 'api')],
      ...(domain.uiBasePath ? [] : [['domain.uiHost', host(domain.uiHost ?? 'ui')] as const]),
      ...(domain.consoleBasePath ? [] : [['domain.consoleHost', host(domain.consoleHost ?? 'console')] as const]),
    ], { delegate: true });
  }

  /** A new MembraneStorage whose static files are served from `domain.staticHost`. */
  private createStorage(props: MembraneProps, removalPolicy: RemovalPolicy, host: (relative: string) => string,
    certificate: acm.ICertificate | undefined): MembraneStorage {
    if (certificate) claimHost(this, 'domain.staticHost', host(props.domain.staticHost ?? 'static'), { delegate: true });
    return new MembraneStorage(this, 'Storage', {
      removalPolicy,
      encryptionKey: props.encryptionKey,
      ...props.storageOptions,
      domain: certificate ? {
        domainName: host(props.domain.staticHost ?? 'static'),
        certificate,
        zone: props.domain.zone,
      } : undefined,
    });
  }

  /**
   * A DNS-validated certificate for the static host (CloudFront reads certificates in us-east-1 only): in this stack
   * when it is in us-east-1, else in a companion stack there. None with `createStaticCertificate: false`.
   */
  private staticCertificate(props: MembraneProps, host: (relative: string) => string): StaticCertificate | undefined {
    const domain = props.domain;
    const domainName = host(domain.staticHost ?? 'static');
    if (domain.createStaticCertificate === false) return undefined;
    if (Token.isUnresolved(Stack.of(this).region)) {
      warn(this, 'staticDomainNeedsCertificate', 'Static files are served from the CloudFront *.cloudfront.net name: the stack has no region, so '
        + `the us-east-1 certificate cannot be placed. Give the stack a region, or pass domain.staticCertificate to serve them from ${domainName}.`);
      return undefined;
    }
    return staticCertificate(this, 'StaticCertificate', domainName, domain.zone, 'domain.zone');
  }
}
