import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { MembraneBucketBackup } from '../backup';
import { IMembraneCache, MembraneCacheOptions } from '../cache';
import { MembraneExposure, MembraneFirewall } from '../ingress';
import { MembraneAutoscaling } from '../scaling';
import { MembraneApplicationSettings, MembraneDeploymentOptions, MembraneExtraEnvironment, MembraneServicesOptions } from '../services';
import { IMembraneStorage, MembraneStorageOptions } from '../storage';

/** The front door of a `Membrane`: where the API, UI and Console are reachable from, and what guards them. */
export interface MembraneFrontDoorOptions {
  /**
   * Where the API, UI and Console are reachable from: `MembraneExposure.internetFacing()` (optionally with an
   * allow-list), `MembraneExposure.internal()` (reached from the VPC, peered networks or a VPN), or
   * `MembraneExposure.internalWithPublicEdge({ ... })` (internal, plus a public edge that forwards only webhook and
   * OAuth callback paths). Edge host names are full names inside `domain.zone`.
   *
   * @default MembraneExposure.internetFacing()
   */
  readonly exposure?: MembraneExposure;

  /**
   * AWS WAF in front of the load balancer: `MembraneFirewall.managed({...})` creates a web ACL with AWS's IP reputation
   * list, known bad inputs and common rule set (the rules Membrane's own traffic matches counted), a rate limit per IP
   * and request logs (options: block or count only, the rate limit); `MembraneFirewall.webAcl(arn)` attaches your own
   * regional web ACL; `MembraneFirewall.none()` attaches none.
   *
   * @default MembraneFirewall.managed() (blocking, 3000 requests per 5 minutes per IP)
   */
  readonly firewall?: MembraneFirewall;

  /**
   * How long the load balancer keeps an idle connection open; the API's keep-alive follows it, one second longer.
   *
   * @default Duration.seconds(60)
   */
  readonly loadBalancerIdleTimeout?: Duration;
}

/** Where a `Membrane` runs: the VPC, and the logs of its network and load balancer. */
export interface MembraneNetworkPlacementOptions {
  /**
   * An existing VPC with private (egress) subnets for the tasks and, ideally, isolated subnets for Redis.
   *
   * @default - a new MembraneNetwork (2 AZs, one NAT gateway per AZ, flow logs)
   */
  readonly vpc?: ec2.IVpc;

  /**
   * NAT gateways of the VPC this construct creates (1 is cheaper, one per AZ survives an AZ outage). Only for that
   * VPC: refused with `vpc` or `cache` (the network is then theirs; size its NAT gateways where it is created).
   *
   * @default 2
   */
  readonly natGateways?: number;

  /**
   * VPC endpoints for S3 (gateway), Secrets Manager, CloudWatch Logs and CloudWatch (interface), in the VPC this
   * construct creates, so AWS traffic does not cross the NAT gateways.
   *
   * @default false
   */
  readonly vpcEndpoints?: boolean;

  /**
   * Bucket for the access logs of the load balancer and the VPC flow logs. It must accept log deliveries
   * (SSE-S3 encryption). A new storage's own access logs are set with `storageOptions.accessLogsBucket`.
   *
   * @default - the new storage's access-log bucket; with `storage` given, a log bucket per building block
   */
  readonly logsBucket?: s3.IBucket;
}

/** The data of a `Membrane`: buckets, caches, their encryption, what is retained, and the backups. */
export interface MembraneDataOptions {
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
   * An existing cache, e.g. `MembraneCache.fromAttributes(...)`.
   *
   * @default - a new MembraneCache
   */
  readonly cache?: IMembraneCache;

  /**
   * Options of the new main cache. Not allowed with `cache`.
   *
   * @default - MembraneCache defaults (Valkey 8.0, TLS, Multi-AZ)
   */
  readonly cacheOptions?: MembraneCacheOptions;

  /**
   * Create a dedicated worker cache (`WORKER_REDIS_URI`) with these options.
   *
   * @default - the main cache serves the workers too
   */
  readonly workerCacheOptions?: MembraneCacheOptions;

  /**
   * Customer-managed KMS key for everything that holds data: the tmp, connectors and static buckets (SSE-KMS with
   * S3 Bucket Keys), the generated secrets, the cache, the log groups and the backup vault. Enable its rotation
   * and retain it with the data (the example's key does both). The alarm topic is yours: encrypt it with the same key.
   *
   * @default - AWS managed keys and SSE-S3; the backup vault gets a key of its own
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Keep data when it leaves the stack: buckets, secrets and log groups are retained, and the load
   * balancer has deletion protection. Turn off only for throw-away environments. `SECRET` and
   * `ENCRYPTION_SECRET` are retained either way (see `secretRemovalPolicy`).
   *
   * @default true
   */
  readonly retainData?: boolean;

  /**
   * What happens to the generated `SECRET` and `ENCRYPTION_SECRET` when they leave the stack, whatever `retainData`
   * says: losing `ENCRYPTION_SECRET` makes every credential Membrane stored unreadable, so only an explicit
   * `RemovalPolicy.DESTROY` deletes them (a throw-away environment).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly secretRemovalPolicy?: RemovalPolicy;

  /**
   * Regions that keep a read-only replica of the generated `SECRET` and `ENCRYPTION_SECRET` (disaster recovery:
   * a replica can be promoted if the stack's region is lost). Replicas use the AWS managed key of their region.
   *
   * @default - no replica
   */
  readonly secretReplicaRegions?: string[];

  /**
   * An existing `SECRET` (the JWT signing secret) instead of a generated one: the one a deleted stack retained, or a
   * promoted replica after the loss of a region. A new one signs users out.
   *
   * @default - 64 random characters generated in Secrets Manager and retained
   */
  readonly jwtSecret?: secretsmanager.ISecret;

  /**
   * An existing `ENCRYPTION_SECRET` instead of a generated one: the one a deleted stack retained, or a promoted replica
   * after the loss of a region. Give it whenever the database already holds credentials: a new one cannot read them.
   * A secret encrypted with `encryptionKey` is imported with its key (`Secret.fromSecretAttributes(scope, id,
   * { secretCompleteArn, encryptionKey })`), so the tasks may decrypt it.
   *
   * @default - 64 random characters generated in Secrets Manager and retained
   */
  readonly encryptionSecret?: secretsmanager.ISecret;

  /**
   * Back up the connectors and static buckets with AWS Backup (`MembraneBucketBackup.awsBackup({...})`: continuous
   * backup with point-in-time restore and daily recovery points in a vault with its own KMS key; options: retention
   * and a cross-region copy), or not (`MembraneBucketBackup.none()`).
   *
   * @default - `MembraneBucketBackup.awsBackup()` (35 days of point-in-time restore, 90 of daily recovery points, no
   * copy) when this construct creates the storage and `retainData` is on; none otherwise (back brought buckets up with
   * `MembraneBackup`)
   */
  readonly backup?: MembraneBucketBackup;
}

/** How a `Membrane` runs: the services, their settings, rollouts, autoscaling, alarms and tags. */
export interface MembraneOperationOptions {
  /**
   * Application settings. `enableLimits` switches `ENABLE_LIMITS` (API) and `NEXT_PUBLIC_ENABLE_LIMITS`
   * (Console) together.
   *
   * @default - Membrane's defaults and the recommendations of its self-hosting documentation
   */
  readonly settings?: MembraneApplicationSettings;

  /**
   * Per-service sizes, counts, Spot and extras. The counts of autoscaled services come from `autoscaling`.
   *
   * @default - see MembraneServiceOptions
   */
  readonly services?: MembraneServicesOptions;

  /**
   * Environment variables and secrets for all four api-image services (api, workers, orchestrator), e.g. AI
   * provider keys, in one place.
   *
   * @default - none
   */
  readonly sharedEngineEnvironment?: MembraneExtraEnvironment;

  /**
   * CPU architecture of the tasks: Graviton (ARM64) by default, as in Membrane's own Kubernetes infrastructure;
   * X86_64 adds `CUSTOM_CODE_MEMORY_LIMIT` to the api-image services.
   *
   * @default ecs.CpuArchitecture.ARM64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * How a new version (a new `version`, or any change to a task definition) rolls out and how a bad one rolls back:
   * blue/green for the API, UI and Console with a bake time, rolling updates for the others, deployment alarms on every
   * service.
   *
   * @default - blue/green with a 10-minute bake time, deployment alarms on (see MembraneDeploymentOptions)
   */
  readonly deployment?: MembraneDeploymentOptions;

  /**
   * Allow `aws ecs execute-command` into the tasks.
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Protect a busy queued tasks worker from scale-in and deployments with ECS task scale-in protection (a small
   * sidecar that reads `queued_tasks_worker_busy`), so a scale-in never stops a running job.
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

  /**
   * Autoscaling on Membrane's metrics (`MembraneAutoscaling.enabled({...})`, a MembraneScaling with these
   * options), or none (`MembraneAutoscaling.none()`: every service runs its desired count).
   *
   * @default MembraneAutoscaling.enabled() (the targets and bounds of Membrane's "Autoscaling Configuration"
   * and "Self-hosting" pages)
   */
  readonly autoscaling?: MembraneAutoscaling;

  /**
   * Topic for the alarms: 5xx, no healthy task and tasks not running (always), cache memory (caches created here),
   * Membrane's queues and job spaces (with autoscaling).
   *
   * @default - alarms without actions
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Cost-allocation tags for everything this construct creates (and that AWS can tag), e.g.
   * `{ 'cost-center': 'integrations', environment: 'production' }`. Activate them as cost-allocation tags in the
   * Billing console to see Membrane's share of the bill. ECS tasks inherit them from their service.
   *
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };
}
