import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MembraneAuth } from './auth';
import { MembraneDeploymentOptions } from './deployment-options';
import { MembraneExtraEnvironment, MembraneServicesOptions } from './options';
import { MembraneApplicationSettings } from './settings';
import { MembraneVersion } from './version';
import { IMembraneCache } from '../cache/cache-base';
import { MembraneServicesDomain } from '../ingress/domain';
import { MembraneExposure } from '../ingress/exposure';
import { MembraneFirewall } from '../ingress/firewall';
import { IMembraneStorage } from '../storage/interfaces';

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
   * AWS WAF in front of the load balancer: `MembraneFirewall.managed({...})` creates a web ACL with AWS managed rules,
   * a rate limit per IP and request logs; `MembraneFirewall.webAcl(arn)` attaches your own regional web ACL.
   *
   * @default MembraneFirewall.none() (Membrane creates a managed one by default)
   */
  readonly firewall?: MembraneFirewall;

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
