import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/** Settings every bucket of this library gets: private, SSE-S3, TLS 1.2+ only. */
export const SECURE_BUCKET_DEFAULTS = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  encryption: s3.BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
} as const;

/** Options for `createLogBucket`. */
export interface LogBucketOptions {
  readonly bucketName?: string;
  readonly expiration: Duration;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Whether other buckets send their server access logs here. cdk-nag accepts such a bucket without
   * access logging of its own; a bucket that only receives flow or ALB logs needs the acknowledgement.
   */
  readonly receivesServerAccessLogs: boolean;
}

/**
 * A bucket for access logs (S3 server access logs, CloudFront standard logs, ALB access logs, VPC flow logs):
 * private, versioned, SSE-S3 (the only encryption these log deliveries support), ACLs enabled for
 * CloudFront's log delivery, logs expired after `expiration`.
 */
export function createLogBucket(scope: Construct, id: string, options: LogBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    ...SECURE_BUCKET_DEFAULTS,
    bucketName: options.bucketName,
    removalPolicy: options.removalPolicy,
    autoDeleteObjects: options.removalPolicy === RemovalPolicy.DESTROY,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
    lifecycleRules: [{ id: 'expire-logs', expiration: options.expiration, noncurrentVersionExpiration: Duration.days(1) }],
  });
  acknowledge(bucket, {
    id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
    reason: 'Access logs stay in the deployment region with the rest of Membrane ("Frequently Asked Questions": single-region); replicate them with '
      + 'your organisation-wide log archive if required.',
  }, {
    id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
    reason: 'S3 server access logging, CloudFront standard logging and ALB access logging can only deliver to SSE-S3 encrypted buckets, not SSE-KMS.',
  });
  if (!options.receivesServerAccessLogs) {
    const reason = 'This bucket is itself a log destination; S3 discourages logging a bucket into itself and another log bucket would need its own, '
      + 'without end.';
    acknowledge(bucket,
      { id: 'AwsSolutions-S1', reason },
      { id: 'NIST.800.53.R5-S3BucketLoggingEnabled', reason },
    );
  }
  return bucket;
}
