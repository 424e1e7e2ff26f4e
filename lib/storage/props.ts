import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Custom domain for the static-files CloudFront distribution.
 */
export interface MembraneStaticDomain {
  /**
   * Fully qualified domain name that serves the static files, e.g. `static.example.com`.
   * It becomes `BASE_STATIC_URI` (`https://<domainName>`).
   */
  readonly domainName: string;

  /**
   * ACM certificate for `domainName`. CloudFront requires it to be in us-east-1.
   */
  readonly certificate: acm.ICertificate;

  /**
   * Hosted zone in which to create A and AAAA alias records for `domainName`.
   *
   * @default - no DNS records are created; point `domainName` at the distribution yourself
   */
  readonly zone?: route53.IHostedZone;
}

/**
 * Options of a `MembraneStorage`, everything but its custom domain (which `Membrane` derives from its own
 * `domain`).
 */
export interface MembraneStorageOptions {
  /**
   * Prefix of the bucket names. The buckets are named `<prefix>-tmp`, `<prefix>-connectors`,
   * `<prefix>-static` (and `<prefix>-access-logs` when this construct creates the log bucket),
   * so `prod-integration-app` gives the names of Membrane's AWS guide.
   *
   * Bucket names are global: leave this unset to let CloudFormation generate unique names. Named buckets that are
   * retained are kept on delete except when their own creation fails (`RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`), so a
   * retried first deployment does not fail on the names; a stack created again after deletion needs the retained
   * buckets deleted, or another prefix.
   *
   * @default - CloudFormation generates the names
   */
  readonly bucketNamePrefix?: string;

  /**
   * How long objects live in the tmp bucket before S3 deletes them (Membrane's AWS guide: 7 days).
   * Must be a whole number of days, at least 1.
   *
   * @default Duration.days(7)
   */
  readonly tmpObjectExpiration?: Duration;

  /**
   * How long S3 keeps non-current object versions in the versioned connectors and static buckets.
   * Must be a whole number of days, at least 1.
   *
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * What happens to the buckets when they leave the stack.
   * Buckets that still hold objects cannot be destroyed by CloudFormation.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Bucket that receives S3 server access logs and CloudFront access logs. CloudFront logging needs
   * ACLs enabled on it (object ownership `BucketOwnerPreferred`).
   *
   * @default - a dedicated, versioned, encrypted log bucket is created
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * How long the access logs in the log bucket this construct creates are kept.
   * Ignored when `accessLogsBucket` is given. Must be a whole number of days, at least 1.
   *
   * @default Duration.days(365)
   */
  readonly accessLogsExpiration?: Duration;

  /**
   * CloudFront price class of the static distribution.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * ARN of an AWS WAF web ACL (scope CLOUDFRONT, in us-east-1) to associate with the distribution.
   *
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * Geographic restriction of the static distribution.
   *
   * @default - no restriction
   */
  readonly geoRestriction?: cloudfront.GeoRestriction;

  /**
   * Also expose the bucket names under the names Membrane's own ECS deployments and older images read
   * (`TMP_S3_BUCKET`, `CONNECTORS_S3_BUCKET`, `STATIC_S3_BUCKET`), beside the documented `*_STORAGE_BUCKET` ones
   * ("Self-hosting"), so the api-image services find their buckets under either name.
   *
   * @default true
   */
  readonly legacyEnvironmentNames?: boolean;

  /**
   * Replicate the connectors and static buckets to buckets in a second region (disaster recovery; "Frequently
   * Asked Questions" recommends cross-region replication for production).
   *
   * @default - no replication
   */
  readonly replication?: MembraneStorageReplication;

  /**
   * Customer-managed KMS key for the tmp, connectors and static buckets (SSE-KMS with S3 Bucket Keys, which cut the
   * KMS requests by caching a bucket-level data key). A key of this stack gets a key-policy statement that lets this
   * distribution alone decrypt (`AWS:SourceArn`), and the static bucket names the key through an alias of its own (so
   * that the key policy can name the distribution without a circular dependency); an imported key, or one of another
   * stack, gets aws-cdk-lib's statement for every distribution of the account and its warning. The task role's grant
   * includes the key. The access-log bucket stays on SSE-S3: S3 server access logs can only be delivered to SSE-S3
   * buckets.
   *
   * @default - SSE-S3 (AES-256, S3's own keys)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Destinations of S3 replication. Each must be versioned (a destination bucket created in this app is checked), and
 * when the replicas are encrypted with a customer-managed key, its key policy must let this account encrypt.
 * Deletions are not replicated: objects deleted here stay in the replica.
 */
export interface MembraneStorageReplication {
  /** Receives the connectors bucket's objects, e.g. `s3.Bucket.fromBucketAttributes(this, 'Dr', { bucketArn, region })`. */
  readonly connectorsDestination: s3.IBucket;
  /** Receives the static bucket's objects. */
  readonly staticDestination: s3.IBucket;

  /**
   * ARN of the KMS key (in the destination buckets' region) that S3 encrypts the replicas with. Required when the
   * buckets are encrypted with `encryptionKey` (SSE-KMS): S3 replicates SSE-KMS objects only when the rule opts in and
   * names the replica key ("Replicating encrypted objects"), and the replication role then gets `kms:Decrypt` on
   * `encryptionKey` and `kms:Encrypt` / `kms:GenerateDataKey` on this key.
   *
   * @default - the destination bucket's `encryptionKey` (e.g. `s3.Bucket.fromBucketAttributes(..., { encryptionKey })`);
   * none when the buckets are SSE-S3
   */
  readonly destinationEncryptionKeyArn?: string;
}

/**
 * Properties for `MembraneStorage`.
 */
export interface MembraneStorageProps extends MembraneStorageOptions {
  /**
   * Custom domain for static files (certificate in us-east-1, TLSv1.2_2021).
   *
   * @default - the distribution's `*.cloudfront.net` domain serves the static files
   */
  readonly domain?: MembraneStaticDomain;
}

/**
 * Existing buckets, for `MembraneStorage.fromBuckets`.
 */
export interface MembraneStorageBuckets {
  /** Temporary files (`TMP_STORAGE_BUCKET`); give it a lifecycle rule that expires objects ("Self-hosting on AWS": 7 days). */
  readonly tmpBucket: s3.IBucket;

  /** Connector archives (`CONNECTORS_STORAGE_BUCKET`). */
  readonly connectorsBucket: s3.IBucket;

  /** Static files (`STATIC_STORAGE_BUCKET`). */
  readonly staticBucket: s3.IBucket;

  /** Public base URL the static files are served from (`BASE_STATIC_URI`), e.g. `https://static.example.com`. */
  readonly staticUrl: string;

  /**
   * Also expose the bucket names under the names Membrane's own ECS deployments and older images read
   * (`TMP_S3_BUCKET`, `CONNECTORS_S3_BUCKET`, `STATIC_S3_BUCKET`), beside the documented `*_STORAGE_BUCKET` ones
   * ("Self-hosting"), so the api-image services find their buckets under either name.
   *
   * @default true
   */
  readonly legacyEnvironmentNames?: boolean;
}
