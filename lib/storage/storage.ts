import { Aws, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantStorageReadWrite, storageContract } from './grants';
import { MembraneStorageBuckets, MembraneStorageProps } from './props';
import { validateStorageProps } from './validation';
import { IMembraneStorage, MembraneEnvironmentContract } from '../common/environment';
import { claimHost } from '../common/host-claims';
import { createLogBucket, SECURE_BUCKET_DEFAULTS } from '../common/log-bucket';
import { acknowledge, acknowledgeFinding, nagReference } from '../common/nag';
import { creationUniqueSuffix } from '../common/resources';
import { propError } from '../common/validation';

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
    const prefix = props.bucketNamePrefix;

    // Buckets named by bucketNamePrefix are kept on delete, except when their own creation fails: a retry of a failed
    // first deployment would otherwise find the empty buckets it made, and fail on their names with "already exists".
    const removalPolicy = prefix !== undefined && (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN
      ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : props.removalPolicy ?? RemovalPolicy.RETAIN;
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
      const replication = extra.replicationRules?.[0];
      if (replication && extra.replicationRole) {
        bucket.grantReplicationPermission(extra.replicationRole, {
          sourceDecryptionKey: props.encryptionKey, destinations: [{ bucket: replication.destination, encryptionKey: replication.kmsKey }],
        });
        acknowledgeReplicationRole(extra.replicationRole, bucket, replication);
      }
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

    const replicaKey = props.replication?.destinationEncryptionKeyArn === undefined ? undefined
      : kms.Key.fromKeyArn(this, 'ReplicaKey', props.replication.destinationEncryptionKeyArn);
    const replicate = (name: string, destination: s3.IBucket | undefined): Partial<s3.BucketProps> => (destination ? {
      // A role of our own: aws-cdk-lib names the role it makes 'CDKReplicationRole' (unless the app sets the feature flag
      // @aws-cdk/aws-s3:setUniqueReplicationRoleName), so the connectors' and the static bucket's roles collided.
      replicationRole: new iam.Role(this, `${name}ReplicationRole`, {
        assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
        description: `S3 replication of the Membrane ${name.toLowerCase()} bucket`,
      }),
      replicationRules: [{
        destination,
        // Delete markers stay here: an object deleted by mistake (or by an attacker) survives in the replica.
        deleteMarkerReplication: false,
        priority: 0,
        // S3 replicates SSE-KMS objects only when the rule opts in and names the key of the replicas; the role may then
        // decrypt with the source key and encrypt with the replica key ("Replicating encrypted objects").
        ...(props.encryptionKey ? { sseKmsEncryptedObjects: true, kmsKey: replicaKey ?? destination.encryptionKey } : {}),
      }],
    } : {});

    // "Frequently Asked Questions": back up the connectors and static buckets; versioning is the first line of that.
    this.connectorsBucket = newBucket('ConnectorsBucket', 'connectors', {
      versioned: true, lifecycleRules: versionedRules, ...replicate('Connectors', props.replication?.connectorsDestination),
    });

    // "Self-hosting on AWS": CORS GET from any origin, max age 3000 s.
    this.staticBucket = newBucket('StaticBucket', 'static', {
      versioned: true,
      lifecycleRules: versionedRules,
      ...replicate('Static', props.replication?.staticDestination),
      cors: [{
        allowedMethods: [s3.HttpMethods.GET],
        allowedOrigins: ['*'],
        allowedHeaders: ['*'],
        maxAge: 3000,
      }],
    });

    this.distribution = this.createDistribution(props, removalPolicy);

    if (props.domain?.zone) {
      const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
      // A name known only at deploy time is the full name: route53 would append the zone to it, as to a relative one.
      const recordName = Token.isUnresolved(props.domain.domainName) ? `${props.domain.domainName}.` : props.domain.domainName;
      new route53.ARecord(this, 'StaticAliasRecord', { zone: props.domain.zone, recordName, target });
      new route53.AaaaRecord(this, 'StaticAliasRecordIpv6', { zone: props.domain.zone, recordName, target });
    }

    this.staticUrl = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;
    this.environmentContract = storageContract(this, props.legacyEnvironmentNames ?? true);
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

  /**
   * Lets this distribution alone read the static bucket through `key`. The key policy names the distribution, which
   * names the bucket (its origin), whose default encryption would name the key: a circular dependency, which
   * aws-cdk-lib avoids by admitting every distribution of the account (warning `wildcardKeyPolicyForOac`). Here the
   * bucket names the key through an alias ARN built from the alias's name, which references no resource, so the key
   * policy can name this distribution. The alias's name is unique per creation of the stack, and it is kept as long as
   * the bucket: a retained bucket still encrypts new objects.
   */
  private scopeStaticKey(distribution: cloudfront.Distribution, key: kms.IKey, removalPolicy: RemovalPolicy): void {
    const cloudFront = new iam.ServicePrincipal('cloudfront.amazonaws.com');
    const distributionArn = `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${distribution.distributionId}`;
    const conditions = { StringEquals: { 'AWS:SourceArn': distributionArn } };
    this.staticBucket.addToResourcePolicy(new iam.PolicyStatement({
      principals: [cloudFront], actions: ['s3:GetObject'], resources: [this.staticBucket.arnForObjects('*')], conditions,
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({ principals: [cloudFront], actions: ['kms:Decrypt'], resources: ['*'], conditions }));

    const aliasName = `alias/${Names.uniqueResourceName(this, { maxLength: 60, separator: '-' })}-static-${creationUniqueSuffix(this)}`;
    new kms.Alias(this, 'StaticKeyAlias', {
      aliasName,
      targetKey: key,
      removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    (this.staticBucket.node.defaultChild as s3.CfnBucket).bucketEncryption = {
      serverSideEncryptionConfiguration: [{
        bucketKeyEnabled: true,
        serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: Stack.of(this).formatArn({ service: 'kms', resource: aliasName }) },
      }],
    };
  }

  private createDistribution(props: MembraneStorageProps, removalPolicy: RemovalPolicy): cloudfront.Distribution {
    const originAccessControl = this.originAccessControl();
    // A key of this stack gets a key-policy statement for this distribution alone (see scopeStaticKey); aws-cdk-lib's
    // origin would admit every distribution of the account. Other keys (imported, or of another stack) keep its origin.
    const key = props.encryptionKey instanceof kms.Key && Stack.of(props.encryptionKey) === Stack.of(this) ? props.encryptionKey : undefined;
    const origin = key
      ? origins.S3BucketOrigin.withBucketDefaults(this.staticBucket, { originAccessControlId: originAccessControl.originAccessControlId })
      : origins.S3BucketOrigin.withOriginAccessControl(this.staticBucket, { originAccessLevels: [cloudfront.AccessLevel.READ], originAccessControl });
    const distribution = new cloudfront.Distribution(this, 'StaticDistribution', {
      comment: 'Membrane static files',
      // "Self-hosting on AWS": default_root_object, GET/HEAD, redirect-to-https, no query strings or cookies, PriceClass_100.
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin,
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

    if (key) this.scopeStaticKey(distribution, key, removalPolicy);

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

/**
 * The findings on the replication role of `bucket` (aws-cdk-lib's grant, following "Replicating objects overview" and
 * "Replicating encrypted objects"), each with why it stands.
 */
function acknowledgeReplicationRole(role: iam.IRole, bucket: s3.Bucket, rule: s3.ReplicationRule): void {
  for (const objects of [bucket.arnForObjects('*'), rule.destination.arnForObjects('*')]) {
    acknowledgeFinding(role, `AwsSolutions-IAM5[Resource::${nagReference(bucket, objects)}]`,
      'S3 replicates every object version: the role reads the versions of every object of the source bucket and writes every object of the '
      + 'destination, and of these two buckets only.');
  }
  if (rule.kmsKey) {
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      acknowledgeFinding(role, `AwsSolutions-IAM5[Action::${action}]`, 'aws-cdk-lib grants encryption with the replica key as kms:Encrypt, '
        + 'kms:ReEncrypt* and kms:GenerateDataKey* on that one key only: S3 encrypts each replica with a data key of it.');
    }
  }
  acknowledge(role, {
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: 'The policy holds only what S3 replication of this bucket needs (the source and destination buckets and their keys); as a managed '
      + 'policy it could be attached to other principals.',
  });
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
    this.environmentContract = storageContract(this, buckets.legacyEnvironmentNames ?? true);
  }

  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return grantStorageReadWrite(this, grantee);
  }
}
