import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { MembraneAuth } from './auth';
import { MembraneExposure } from './exposure';
import { MembraneExtraEnvironment, MembraneServicesOptions } from './options';
import { MembraneApplicationSettings } from './settings';
import { MembraneVersion } from './version';
import { IMembraneCache, IMembraneStorage } from '../common/environment';

/**
 * Public names of the API, UI and Console, and how HTTPS is set up for them.
 *
 * Host routing (default): each service on its own host name. Path routing: give `uiBasePath` /
 * `consoleBasePath` and the UI / Console are served under that path (Membrane's `BASE_PATH`), by default
 * on the API's host.
 */
export interface MembraneServicesDomain {
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
  readonly zone?: route53.IHostedZone;

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

  /**
   * Secret whose value is the MongoDB connection string (`MONGO_URI`). MongoDB 4.4 or later: MongoDB Atlas
   * (M10+ for production) or self-hosted. Amazon DocumentDB is technically compatible but not recommended, with possible
   * compatibility issues ("Self-hosting on AWS").
   */
  readonly mongoUri: secretsmanager.ISecret;

  /**
   * Secret whose value is the `SELF_HOSTING_TOKEN` from your Membrane organisation settings; Membrane validates
   * it against its cloud at start-up.
   */
  readonly selfHostingToken: secretsmanager.ISecret;

  /** How users sign in: `MembraneAuth.auth0(...)` or `MembraneAuth.usernamePassword(...)`. */
  readonly auth: MembraneAuth;

  /** Host names, routing and certificate. */
  readonly domain: MembraneServicesDomain;

  /**
   * Where the API, UI and Console are reachable from: an internet-facing load balancer (optionally limited to some
   * sources), an internal one, or an internal one with a public edge for webhooks and OAuth callbacks.
   *
   * @default MembraneExposure.internetFacing()
   */
  readonly exposure?: MembraneExposure;

  /**
   * `SECRET`, the JWT signing secret.
   *
   * @default - 64 random characters generated in Secrets Manager and retained
   */
  readonly jwtSecret?: secretsmanager.ISecret;

  /**
   * `ENCRYPTION_SECRET`, the key that encrypts stored credentials. Changing it makes stored credentials
   * unreadable until they are re-encrypted.
   *
   * @default - 64 random characters generated in Secrets Manager and retained
   */
  readonly encryptionSecret?: secretsmanager.ISecret;

  /**
   * Application settings (Mongo pool, start-up checks, limits, credentials storage, ...).
   *
   * @default - Membrane's defaults and the recommendations of its self-hosting documentation
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
   * CPU architecture of every task. Membrane's images are multi-architecture and its own Kubernetes
   * infrastructure runs them on Graviton; ARM64 Fargate costs about 20 % less and Fargate Spot supports it (platform
   * 1.4.0). On X86_64 the api-image services get `CUSTOM_CODE_MEMORY_LIMIT` ("Self-hosting").
   *
   * @default ecs.CpuArchitecture.ARM64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * Retention of the services' log groups.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log groups when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;

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
   * How long the load balancer keeps an idle connection open, 1 to 4000 whole seconds. API calls that run longer
   * without sending data are cut at this point (Membrane's own Kubernetes ingress allows 600 s). The API's
   * `KEEPALIVE_TIMEOUT_MS` and `HEADERS_TIMEOUT_MS` follow it, one second longer, so the load balancer always
   * closes idle connections first.
   *
   * @default Duration.seconds(60) (the API keeps connections 61 s, "Self-hosting")
   */
  readonly loadBalancerIdleTimeout?: Duration;

  /**
   * Topic that receives the ALARM and OK notifications of the 5xx and no-healthy-target alarms.
   *
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * 5xx responses per minute (load balancer plus API targets) that raise the 5xx alarm; the UI's and the Console's
   * 5xx alarms (their targets) use the same threshold.
   *
   * @default 10
   */
  readonly http5xxAlarmThreshold?: number;

  /**
   * How a new version rolls out and how a bad one rolls back: the strategy of the API, UI and Console behind the load
   * balancer, the bake time, and the deployment alarms on every service.
   *
   * @default - blue/green for the API, UI and Console with a 10-minute bake time (the API rolls with
   * `MembraneExposure.internalWithPublicEdge()`), rolling updates for the others, deployment alarms on
   */
  readonly deployment?: MembraneDeploymentOptions;

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
   * Name of the Cloud Map namespace that Service Connect uses. Namespace names are unique per account and region.
   *
   * @default - `<stack name>-<construct id>.membrane.internal`, lowercase
   */
  readonly namespaceName?: string;

  /**
   * What happens to the generated secrets when they leave the stack. Losing `ENCRYPTION_SECRET` makes
   * stored credentials unreadable.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly secretRemovalPolicy?: RemovalPolicy;

  /**
   * Regions that keep a read-only replica of the generated `SECRET` and `ENCRYPTION_SECRET`, for disaster recovery
   * (a replica can be promoted to a standalone secret). Replicas use the AWS managed key of their region.
   *
   * @default - no replica
   */
  readonly secretReplicaRegions?: string[];

  /**
   * Environment variables and secrets for all four api-image services (api, instant and queued tasks workers,
   * orchestrator) in one place, e.g. AI provider keys, instead of repeating them in `services`. The same rules as
   * per service: managed variables cannot be set, credentials must be secrets, and a name set here and for one
   * service is refused.
   *
   * @default - none
   */
  readonly sharedEngineEnvironment?: MembraneExtraEnvironment;

  /**
   * Put AWS WAF in front of the load balancer: a regional web ACL with AWS's IP reputation list, known bad inputs and
   * common rule set (three rules that Membrane's own traffic matches are counted, not blocked: see the README), a
   * rate limit per IP, and request logs. Not with `webAclArn` (bring your own ACL).
   *
   * @default - no web ACL (Membrane creates one by default)
   */
  readonly firewall?: MembraneFirewallOptions;

  /**
   * Protect a queued tasks worker from scale-in and deployments while it runs a job (ECS task scale-in
   * protection). A small sidecar reads `queued_tasks_worker_busy` ("Service Deployment") every 5 s and sets or
   * clears the protection through the ECS agent, for the longest queued task plus 10 minutes, renewed while busy.
   * Without it, a scale-in stops a busy worker with 120 s to finish a job that may run 3000 s. A deployment waits
   * for protected tasks to become free before it replaces them.
   *
   * @default true
   */
  readonly queuedTaskProtection?: boolean;

  /**
   * Image of the task-protection sidecar: any image with Node.js 18 or later. Pin a version.
   *
   * @default 'public.ecr.aws/docker/library/node:22.12.0-alpine3.20'
   */
  readonly taskProtectionImage?: string;
}

/**
 * How the services deploy a new version, and roll a bad one back without anyone watching.
 *
 * The API, UI and Console use ECS's blue/green deployments by default: ECS starts the new version's tasks next to the
 * old ones in a second target group, shifts the listener rule to them at once when they are healthy, and keeps the old
 * tasks for the bake time, so that a rollback is a switch back of the rule. The workers, the orchestrator and the custom
 * code runner, which take no traffic from the load balancer, roll (new tasks first, never below the desired count).
 * Every service has the deployment circuit breaker with rollback, and, unless turned off, deployment alarms that roll
 * a deployment back when they go off.
 */
export interface MembraneDeploymentOptions {
  /**
   * How the API, UI and Console move to a new version behind the load balancer. `BLUE_GREEN` switches all traffic at
   * once when the new tasks are healthy (the UI and Console are Next.js builds whose pages load files of their own
   * build, and a browser that sees both versions at once fails to load them); `LINEAR` and `CANARY` shift traffic in
   * steps (ECS's default steps), during which both versions serve users; `ROLLING` replaces tasks in place. With
   * `MembraneExposure.internalWithPublicEdge()` the API always rolls: it is registered with two load balancers, and the
   * edge forwards to it with several listener rules, while ECS shifts one rule per load balancer.
   *
   * @default ecs.DeploymentStrategy.BLUE_GREEN
   */
  readonly strategy?: ecs.DeploymentStrategy;

  /**
   * How long the old version keeps running after all traffic has moved to the new one: the deployment alarms are
   * watched during this time, and a rollback only switches the listener rule back. 0 to 1440 whole minutes (ECS's
   * range); not used by `ROLLING`.
   *
   * @default Duration.minutes(10) (twice the 5-minute window of the 5xx alarms)
   */
  readonly bakeTime?: Duration;

  /**
   * Roll a deployment back when one of its service's deployment alarms goes off: the 5xx and no-healthy-target alarms
   * for the API, UI and Console; fewer running tasks than desired for 5 minutes for the workers, the orchestrator and
   * the custom code runner. The alarms exist either way (and notify `alarmTopic`).
   *
   * @default true
   */
  readonly rollbackOnAlarm?: boolean;
}

/**
 * What `MembraneScaling` (or your own scaling) gets when it takes over a service's task count.
 */
export interface MembraneTaskCountScaling {
  /** The service's scalable task count (attach L2 policies here). */
  readonly taskCount: ecs.ScalableTaskCount;

  /** Id of the Application Auto Scaling scalable target (for L1 policies such as metric-math target tracking). */
  readonly scalableTargetId: string;
}

/**
 * One running Membrane service and the resources that belong to it.
 */
export interface IMembraneService extends IConstruct {
  /** Membrane's name of the service (`api`, `instant-tasks-worker`, ...): container name and log stream prefix. */
  readonly serviceName: string;
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

  /**
   * The second target group of a blue/green service: a new version starts there, and the listener rule forwards to
   * whichever of the two holds the version in service. Metrics of the service's traffic read both.
   *
   * @default - none: the service is not public, or it rolls
   */
  readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;

  /**
   * Rolls the service's deployments back when `alarm` goes off (with `deployment.rollbackOnAlarm`, the default;
   * otherwise this does nothing). ECS names alarms, so the alarm's metrics must not read this service's own attributes
   * unless the alarm has a fixed name: that would be a circular dependency.
   */
  addDeploymentAlarm(alarm: cloudwatch.IAlarm): void;

  /**
   * Hands the task count to Application Auto Scaling. From then on the service's template has no
   * `DesiredCount`, so a deployment does not reset the running count. Once per service.
   */
  autoScaleTaskCount(props: appscaling.EnableScalingProps): MembraneTaskCountScaling;
}

/** What the web ACL does with matching requests. */
export enum MembraneFirewallMode {
  /** Block matching requests. */
  BLOCK = 'block',
  /** Only count them (CloudWatch metrics and logs): for a first rollout, before switching to BLOCK. */
  COUNT = 'count',
}

/** The web ACL in front of the load balancer. */
export interface MembraneFirewallOptions {
  /**
   * Block, or only count, what the rules match.
   *
   * @default MembraneFirewallMode.BLOCK
   */
  readonly mode?: MembraneFirewallMode;

  /**
   * Requests from one IP address in any 5 minutes before the rate rule acts. Webhook senders post from few
   * addresses: raise it if a provider's bursts come close.
   *
   * @default 3000 (10 requests per second, sustained)
   */
  readonly rateLimit?: number;

  /**
   * IPv4 CIDR blocks the rate limit per IP does not count, e.g. `['203.0.113.7/32']`. The public IPs of the NAT gateways
   * of a VPC this app creates are always exempt: the workers call the API at `BASE_URI_INTERNAL`, its public URL, through
   * them, and would otherwise count as one client. With an imported VPC, list its NAT gateways' addresses here; a VPN
   * or office that reaches the load balancer through one address is another candidate.
   *
   * @default - only the NAT gateways of a VPC created in this app
   */
  readonly rateLimitExemptCidrs?: string[];
}
