import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { retainedExceptOnCreate } from '../common/resources';

/** "Self-hosting on AWS": lifecycle rule "cleanup" expires every tmp object after 7 days. */
export const DEFAULT_TMP_OBJECT_EXPIRATION = Duration.days(7);

/**
 * How long the versioned connectors and static buckets keep non-current versions ("Frequently Asked Questions" asks for
 * versioning as a backup; the 90 days are a choice of this library).
 */
export const DEFAULT_NONCURRENT_VERSION_EXPIRATION = Duration.days(90);

/** How long the log bucket this library creates keeps the access logs (a choice of this library). */
export const DEFAULT_ACCESS_LOGS_EXPIRATION = Duration.days(365);

/** Incomplete multipart uploads are aborted after a day, in every bucket (a choice of this library). */
export const ABORT_INCOMPLETE_UPLOADS_AFTER = Duration.days(1);

/** Buckets are kept when they leave the stack ("Self-hosting": all buckets should be backed up). */
export const DEFAULT_REMOVAL_POLICY = RemovalPolicy.RETAIN;

/** "Self-hosting on AWS": the distribution's price class is PriceClass_100. */
export const DEFAULT_PRICE_CLASS = cloudfront.PriceClass.PRICE_CLASS_100;

/** "Self-hosting on AWS": the static bucket's CORS rule, GET from any origin, max age 3000 s. */
export const STATIC_CORS: s3.CorsRule = {
  allowedMethods: [s3.HttpMethods.GET],
  allowedOrigins: ['*'],
  allowedHeaders: ['*'],
  maxAge: 3000,
};

/**
 * Also give the bucket names under `TMP_S3_BUCKET`, `CONNECTORS_S3_BUCKET` and `STATIC_S3_BUCKET`, beside the
 * `*_STORAGE_BUCKET` names of "Self-hosting".
 */
export const DEFAULT_LEGACY_ENVIRONMENT_NAMES = true;

/**
 * The removal policy of the buckets. Buckets named by `bucketNamePrefix` are kept on delete, except when their own
 * creation fails: a retry of a failed first deployment would otherwise find the empty buckets it made, and fail on
 * their names with "already exists".
 */
export function bucketRemovalPolicy(bucketNamePrefix: string | undefined, removalPolicy: RemovalPolicy | undefined): RemovalPolicy {
  const policy = removalPolicy ?? DEFAULT_REMOVAL_POLICY;
  return bucketNamePrefix !== undefined ? retainedExceptOnCreate(policy) : policy;
}
