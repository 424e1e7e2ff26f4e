import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantStorageReadWrite, storageContract } from './grants';
import { MembraneStorageBuckets, MembraneStorageProps } from './props';
import { IMembraneStorage, MembraneEnvironmentContract } from '../common/environment';
import { claimHost } from '../common/host-claims';
import { createLogBucket, SECURE_BUCKET_DEFAULTS } from '../common/log-bucket';
import { acknowledge } from '../common/nag';
import { propError, requireWholeDays } from '../common/validation';

/** Longest suffix appended to `bucketNamePrefix`. */
const LONGEST_BUCKET_SUFFIX = '-access-logs';

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

    const prefix = props.bucketNamePrefix;
    if (prefix !== undefined && !Token.isUnresolved(prefix)) {
      const maxLength = 63 - LONGEST_BUCKET_SUFFIX.length;
      if (/^(xn--|sthree-|amzn-s3-demo-)/.test(prefix)) {
        throw propError(this, 'bucketNamePrefix', `'${prefix}' starts with a prefix S3 reserves`,
          'S3 refuses bucket names starting with xn--, sthree- or amzn-s3-demo-; choose another prefix.');
      }
      if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix) || prefix.length > maxLength) {
        throw propError(this, 'bucketNamePrefix', `'${prefix}' cannot start valid S3 bucket names`,
          `Use lowercase letters, digits and hyphens, starting with a letter or digit, at most ${maxLength} characters.`);
      }
    }
    requireWholeDays(this, 'tmpObjectExpiration', props.tmpObjectExpiration, 1);
    requireWholeDays(this, 'noncurrentVersionExpiration', props.noncurrentVersionExpiration, 1);
    requireWholeDays(this, 'accessLogsExpiration', props.accessLogsExpiration, 1);
    if (props.domain && !Token.isUnresolved(props.domain.domainName) && !/^([a-z0-9-]+\.)+[a-z0-9-]+$/i.test(props.domain.domainName)) {
      throw propError(this, 'domain.domainName', `'${props.domain.domainName}' is not a domain name`,
        'Give a fully qualified host name without scheme or path, e.g. static.example.com.');
    }
    // A CloudFront alias is global: the name is claimed in the app whether or not its records are created here.
    if (props.domain) claimHost(this, 'domain.domainName', props.domain.domainName);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const bucketName = (suffix: string) => (prefix === undefined ? undefined : `${prefix}-${suffix}`);

    this.accessLogsBucket = props.accessLogsBucket ?? createLogBucket(this, 'AccessLogsBucket', {
      bucketName: bucketName('access-logs'),
      expiration: props.accessLogsExpiration ?? Duration.days(365),
      removalPolicy,
      receivesServerAccessLogs: true,
    });

    const noncurrentVersionExpiration = props.noncurrentVersionExpiration ?? Duration.days(90);
    const newBucket = (bucketId: string, suffix: string, extra: s3.BucketProps) => {
      const bucket = new s3.Bucket(this, bucketId, {
        ...SECURE_BUCKET_DEFAULTS,
        ...(props.encryptionKey ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true } : {}),
        removalPolicy,
        // A destroyed bucket must be empty first (versions included); CDK's provider empties it on stack deletion.
        autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
        bucketName: bucketName(suffix),
        serverAccessLogsBucket: this.accessLogsBucket,
        serverAccessLogsPrefix: `s3/${suffix}/`,
        ...extra,
      });
      if (!extra.replicationRules) {
        acknowledge(bucket, {
          id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
          reason: 'Replication needs a destination bucket in a second region that the platform team owns: pass replication to turn it on '
            + '(the connectors and static buckets are backed up with AWS Backup by Membrane by default).',
        });
      }
      if (!props.encryptionKey) {
        acknowledge(bucket, {
          id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
          reason: 'Objects are encrypted with SSE-S3 (AES-256) unless encryptionKey is given (Membrane passes its own): a customer-managed key '
            + 'adds KMS cost per request and is for teams whose controls require one.',
        });
      }
      return bucket;
    };
    const versionedRules: s3.LifecycleRule[] = [{
      id: 'expire-noncurrent-versions',
      noncurrentVersionExpiration,
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    }];

    // "Self-hosting on AWS": lifecycle rule "cleanup" expires every tmp object after 7 days.
    const tmpBucket = newBucket('TmpBucket', 'tmp', {
      lifecycleRules: [{
        id: 'cleanup',
        expiration: props.tmpObjectExpiration ?? Duration.days(7),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
    });
    acknowledge(tmpBucket, {
      id: 'NIST.800.53.R5-S3BucketVersioningEnabled',
      reason: 'The tmp bucket holds scratch files that expire after a few days by design ("Self-hosting on AWS"); versions would keep expired data '
        + 'and defeat the expiry.',
    });
    this.tmpBucket = tmpBucket;

    const replicate = (destination: s3.IBucket | undefined): Partial<s3.BucketProps> => (destination ? {
      // Delete markers stay here: an object deleted by mistake (or by an attacker) survives in the replica.
      replicationRules: [{ destination, deleteMarkerReplication: false, priority: 0 }],
    } : {});

    // "Frequently Asked Questions": back up the connectors and static buckets; versioning is the first line of that.
    this.connectorsBucket = newBucket('ConnectorsBucket', 'connectors', {
      versioned: true, lifecycleRules: versionedRules, ...replicate(props.replication?.connectorsDestination),
    });

    // "Self-hosting on AWS": CORS GET from any origin, max age 3000 s.
    this.staticBucket = newBucket('StaticBucket', 'static', {
      versioned: true,
      lifecycleRules: versionedRules,
      ...replicate(props.replication?.staticDestination),
      cors: [{
        allowedMethods: [s3.HttpMethods.GET],
        allowedOrigins: ['*'],
        allowedHeaders: ['*'],
        maxAge: 3000,
      }],
    });

    this.distribution = this.createDistribution(props);

    if (props.domain?.zone) {
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      const recordName = props.domain.domainName;
      new route53.ARecord(this, 'StaticAliasRecord', { zone: props.domain.zone, recordName, target });
      new route53.AaaaRecord(this, 'StaticAliasRecordIpv6', { zone: props.domain.zone, recordName, target });
    }

    this.staticUrl = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;
    this.environmentContract = storageContract(this, props.legacyEnvironmentNames ?? false);
  }

  /**
   * Lets `grantee` (a task role) read, write, list and delete objects in the three Membrane buckets,
   * and nothing else. Membrane uses the role's credentials: no access keys are needed.
   */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return grantStorageReadWrite(this, grantee);
  }

  /**
   * CloudFront's Origin Access Control names are unique per account, across regions. The generated name holds
   * the stack name and construct path but not the region, so the same stack in two regions collided: the name
   * here carries the region too.
   */
  private originAccessControl(): cloudfront.IOriginAccessControl {
    const stack = Stack.of(this);
    const name = Names.uniqueResourceName(this, { maxLength: 40, separator: '-' });
    return new cloudfront.S3OriginAccessControl(this, 'StaticOriginAccessControl', {
      originAccessControlName: `${name}-${stack.region}`,
      description: 'Membrane static files: CloudFront reads the static bucket',
    });
  }

  private createDistribution(props: MembraneStorageProps): cloudfront.Distribution {
    const distribution = new cloudfront.Distribution(this, 'StaticDistribution', {
      comment: 'Membrane static files',
      // "Self-hosting on AWS": default_root_object, GET/HEAD, redirect-to-https, no query strings or cookies, PriceClass_100.
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.staticBucket, {
          originAccessLevels: [cloudfront.AccessLevel.READ],
          originAccessControl: this.originAccessControl(),
        }),
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        // The bucket's CORS rule allows GET from any origin; CloudFront adds the same header to cached responses.
        responseHeadersPolicy: cloudfront.ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS,
        compress: true,
      },
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      domainNames: props.domain ? [props.domain.domainName] : undefined,
      certificate: props.domain?.certificate,
      // Only with a custom certificate: CloudFront's default certificate has a fixed policy, and newer aws-cdk-lib
      // versions warn when these are set without one.
      minimumProtocolVersion: props.domain ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      sslSupportMethod: props.domain ? cloudfront.SSLMethod.SNI : undefined,
      webAclId: props.webAclArn,
      geoRestriction: props.geoRestriction,
      enableLogging: true,
      logBucket: this.accessLogsBucket,
      logFilePrefix: 'cloudfront/static/',
    });

    if (!props.geoRestriction) {
      acknowledge(distribution, {
        id: 'AwsSolutions-CFR1',
        reason: 'Static files (icons, connector assets) are loaded by end users of the integrating product wherever they are; pass geoRestriction to '
          + 'restrict.',
      });
    }
    if (!props.webAclArn) {
      acknowledge(distribution, {
        id: 'AwsSolutions-CFR2',
        reason: 'The distribution serves read-only, public static files (GET/HEAD only) from a private bucket through OAC; pass webAclArn to attach '
          + 'a WAF web ACL.',
      });
    }
    if (!props.domain) {
      acknowledge(distribution, {
        id: 'AwsSolutions-CFR4',
        reason: 'Without a custom domain CloudFront serves the default *.cloudfront.net certificate, whose minimum protocol cannot be set; pass '
          + 'domain to get TLSv1.2_2021.',
      });
    }
    return distribution;
  }
}

/** Buckets created elsewhere. */
class BroughtStorage extends Construct implements IMembraneStorage {
  public readonly tmpBucket: s3.IBucket;
  public readonly connectorsBucket: s3.IBucket;
  public readonly staticBucket: s3.IBucket;
  public readonly staticUrl: string;
  public readonly environmentContract: MembraneEnvironmentContract;

  constructor(scope: Construct, id: string, buckets: MembraneStorageBuckets) {
    super(scope, id);
    if (!Token.isUnresolved(buckets.staticUrl) && !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(buckets.staticUrl)) {
      throw propError(this, 'staticUrl', `'${buckets.staticUrl}' is not an https URL`, 'Give the URL the static files are served from, e.g. '
        + 'https://static.example.com.');
    }
    this.tmpBucket = buckets.tmpBucket;
    this.connectorsBucket = buckets.connectorsBucket;
    this.staticBucket = buckets.staticBucket;
    this.staticUrl = buckets.staticUrl.replace(/\/$/, '');
    this.environmentContract = storageContract(this, buckets.legacyEnvironmentNames ?? false);
  }

  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return grantStorageReadWrite(this, grantee);
  }
}
