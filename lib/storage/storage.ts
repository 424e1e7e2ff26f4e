import { Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ABORT_INCOMPLETE_UPLOADS_AFTER, bucketRemovalPolicy, DEFAULT_ACCESS_LOGS_EXPIRATION, DEFAULT_LEGACY_ENVIRONMENT_NAMES,
  DEFAULT_NONCURRENT_VERSION_EXPIRATION, DEFAULT_TMP_OBJECT_EXPIRATION, STATIC_CORS,
} from './defaults';
import { IMembraneStorage } from './interfaces';
import { BroughtStorage } from './private/brought-storage';
import { BucketContext, bucketName, newBucket, replicationTo } from './private/buckets';
import { createDistribution } from './private/distribution';
import { grantStorageReadWrite, storageContract } from './private/grants';
import { MembraneStorageBuckets, MembraneStorageProps } from './props';
import { validateStorageProps } from './validation';
import { MembraneEnvironmentContract } from '../common/environment';
import { claimHost } from '../common/host-claims';
import { createLogBucket } from '../common/log-bucket';
import { acknowledge } from '../common/nag';

/**
 * The storage Membrane needs on AWS: tmp, connectors and static S3 buckets, with the static bucket
 * served by CloudFront through Origin Access Control.
 *
 * Source: "Self-hosting on AWS" for buckets, lifecycle, CORS, OAC and bucket policy;
 * "Self-hosting" for the environment variables; "Frequently Asked Questions" for backups (versioning) and the CDN.
 */
export class MembraneStorage extends Construct implements IMembraneStorage {
  /**
   * Existing buckets, for `Membrane` or `MembraneEcsServices`: the Membrane environment and the task-role
   * grant are derived from them as for buckets created here.
   */
  public static fromBuckets(scope: Construct, id: string, buckets: MembraneStorageBuckets): IMembraneStorage {
    return new BroughtStorage(scope, id, buckets);
  }

  /** Temporary files; objects expire after `tmpObjectExpiration`. */
  public readonly tmpBucket: s3.IBucket;
  /** Connector archives (versioned). */
  public readonly connectorsBucket: s3.IBucket;
  /** Static files served through CloudFront (versioned). */
  public readonly staticBucket: s3.IBucket;
  /** Where S3 server access logs and CloudFront logs go. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The CloudFront distribution in front of the static bucket. */
  public readonly distribution: cloudfront.Distribution;
  /** Base URL of the static files (`BASE_STATIC_URI`), e.g. `https://static.example.com`. */
  public readonly staticUrl: string;
  /** The storage part of the Membrane environment (no secrets: tasks use their IAM role). */
  public readonly environmentContract: MembraneEnvironmentContract;

  constructor(scope: Construct, id: string, props: MembraneStorageProps = {}) {
    super(scope, id);
    validateStorageProps(this, props);
    // A CloudFront alias is global: the name is claimed in the app whether or not its records are created here.
    if (props.domain) claimHost(this, 'domain.domainName', props.domain.domainName);
    const removalPolicy = bucketRemovalPolicy(props.bucketNamePrefix, props.removalPolicy);

    this.accessLogsBucket = props.accessLogsBucket ?? createLogBucket(this, 'AccessLogsBucket', {
      bucketName: bucketName(props, 'access-logs'),
      expiration: props.accessLogsExpiration ?? DEFAULT_ACCESS_LOGS_EXPIRATION,
      removalPolicy,
      receivesServerAccessLogs: true,
    });
    const context: BucketContext = { props, removalPolicy, accessLogsBucket: this.accessLogsBucket };
    this.tmpBucket = this.buildTmpBucket(context);
    const replicaKey = props.replication?.destinationEncryptionKeyArn === undefined ? undefined
      : kms.Key.fromKeyArn(this, 'ReplicaKey', props.replication.destinationEncryptionKeyArn);
    this.connectorsBucket = this.buildConnectorsBucket(context, replicaKey);
    const staticBucket = this.buildStaticBucket(context, replicaKey);
    this.staticBucket = staticBucket;

    this.distribution = createDistribution(this, { props, staticBucket, accessLogsBucket: this.accessLogsBucket, removalPolicy });
    this.buildAliasRecords(props);
    this.staticUrl = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;
    this.environmentContract = storageContract(this, props.legacyEnvironmentNames ?? DEFAULT_LEGACY_ENVIRONMENT_NAMES);
  }

  /**
   * Lets `grantee` (a task role) read, write, list and delete objects in the three Membrane buckets,
   * and nothing else. Membrane uses the role's credentials: no access keys are needed.
   */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return grantStorageReadWrite(this, grantee);
  }

  /** The tmp bucket: "Self-hosting on AWS", lifecycle rule "cleanup" expires every object after 7 days; no versions. */
  private buildTmpBucket(context: BucketContext): s3.Bucket {
    const tmpBucket = newBucket(this, context, 'TmpBucket', 'tmp', {
      lifecycleRules: [{
        id: 'cleanup',
        expiration: context.props.tmpObjectExpiration ?? DEFAULT_TMP_OBJECT_EXPIRATION,
        abortIncompleteMultipartUploadAfter: ABORT_INCOMPLETE_UPLOADS_AFTER,
      }],
    });
    acknowledge(tmpBucket, {
      id: 'NIST.800.53.R5-S3BucketVersioningEnabled',
      reason: 'The tmp bucket holds scratch files that expire after a few days by design ("Self-hosting on AWS"); versions would keep expired data '
        + 'and defeat the expiry.',
    });
    return tmpBucket;
  }

  /** "Frequently Asked Questions": back up the connectors and static buckets; versioning is the first line of that. */
  private buildConnectorsBucket(context: BucketContext, replicaKey: kms.IKey | undefined): s3.Bucket {
    const props = context.props;
    return newBucket(this, context, 'ConnectorsBucket', 'connectors', {
      versioned: true,
      lifecycleRules: versionedRules(props),
      ...replicationTo(this, props, replicaKey, 'Connectors', props.replication?.connectorsDestination),
    });
  }

  /** The static bucket, versioned like the connectors bucket; "Self-hosting on AWS": CORS GET from any origin, max age 3000 s. */
  private buildStaticBucket(context: BucketContext, replicaKey: kms.IKey | undefined): s3.Bucket {
    const props = context.props;
    return newBucket(this, context, 'StaticBucket', 'static', {
      versioned: true,
      lifecycleRules: versionedRules(props),
      ...replicationTo(this, props, replicaKey, 'Static', props.replication?.staticDestination),
      cors: [STATIC_CORS],
    });
  }

  /** A and AAAA alias records of the static domain, when its hosted zone is given. */
  private buildAliasRecords(props: MembraneStorageProps): void {
    if (!props.domain?.zone) return;
    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    // A name known only at deploy time is the full name: route53 would append the zone to it, as to a relative one.
    const recordName = Token.isUnresolved(props.domain.domainName) ? `${props.domain.domainName}.` : props.domain.domainName;
    new route53.ARecord(this, 'StaticAliasRecord', { zone: props.domain.zone, recordName, target });
    new route53.AaaaRecord(this, 'StaticAliasRecordIpv6', { zone: props.domain.zone, recordName, target });
  }
}

/** The lifecycle of the versioned buckets: non-current versions expire, incomplete uploads are aborted. */
function versionedRules(props: MembraneStorageProps): s3.LifecycleRule[] {
  return [{
    id: 'expire-noncurrent-versions',
    noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? DEFAULT_NONCURRENT_VERSION_EXPIRATION,
    abortIncompleteMultipartUploadAfter: ABORT_INCOMPLETE_UPLOADS_AFTER,
  }];
}
