import { Aws, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../../common/nag';
import { creationUniqueSuffix, retainedExceptOnCreate } from '../../common/resources';
import { DEFAULT_PRICE_CLASS } from '../defaults';
import { MembraneStorageProps } from '../props';

/** What the static distribution serves and where it logs. */
export interface DistributionContext {
  readonly props: MembraneStorageProps;
  readonly staticBucket: s3.Bucket;
  readonly accessLogsBucket: s3.IBucket;
  /** The buckets' removal policy, which the static key's alias follows. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The CloudFront distribution of the static files (`StaticDistribution` in `scope`), reading the static bucket through
 * Origin Access Control, with the acknowledgements of what its props leave out.
 */
export function createDistribution(scope: Construct, context: DistributionContext): cloudfront.Distribution {
  const { props, staticBucket } = context;
  const originAccessControl = createOriginAccessControl(scope);
  // A key of this stack gets a key-policy statement for this distribution alone (see scopeStaticKey); aws-cdk-lib's
  // origin would admit every distribution of the account. Other keys (imported, or of another stack) keep its origin.
  const key = props.encryptionKey instanceof kms.Key && Stack.of(props.encryptionKey) === Stack.of(scope) ? props.encryptionKey : undefined;
  const origin = key
    ? origins.S3BucketOrigin.withBucketDefaults(staticBucket, { originAccessControlId: originAccessControl.originAccessControlId })
    : origins.S3BucketOrigin.withOriginAccessControl(staticBucket, { originAccessLevels: [cloudfront.AccessLevel.READ], originAccessControl });
  const distribution = new cloudfront.Distribution(scope, 'StaticDistribution', {
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
    priceClass: props.priceClass ?? DEFAULT_PRICE_CLASS,
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
    logBucket: context.accessLogsBucket,
    logFilePrefix: 'cloudfront/static/',
  });

  if (key) scopeStaticKey(scope, context, distribution, key);
  acknowledgeDistribution(distribution, props);
  return distribution;
}

/**
 * CloudFront's Origin Access Control names are unique per account, across regions. The generated name holds
 * the stack name and construct path but not the region, so the same stack in two regions collided: the name
 * here carries the region too.
 */
function createOriginAccessControl(scope: Construct): cloudfront.IOriginAccessControl {
  const stack = Stack.of(scope);
  const name = Names.uniqueResourceName(scope, { maxLength: 40, separator: '-' });
  return new cloudfront.S3OriginAccessControl(scope, 'StaticOriginAccessControl', {
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
function scopeStaticKey(scope: Construct, context: DistributionContext, distribution: cloudfront.Distribution, key: kms.IKey): void {
  const { staticBucket, removalPolicy } = context;
  const cloudFront = new iam.ServicePrincipal('cloudfront.amazonaws.com');
  const distributionArn = `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/${distribution.distributionId}`;
  const conditions = { StringEquals: { 'AWS:SourceArn': distributionArn } };
  staticBucket.addToResourcePolicy(new iam.PolicyStatement({
    principals: [cloudFront], actions: ['s3:GetObject'], resources: [staticBucket.arnForObjects('*')], conditions,
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({ principals: [cloudFront], actions: ['kms:Decrypt'], resources: ['*'], conditions }));

  const aliasName = `alias/${Names.uniqueResourceName(scope, { maxLength: 60, separator: '-' })}-static-${creationUniqueSuffix(scope)}`;
  new kms.Alias(scope, 'StaticKeyAlias', {
    aliasName,
    targetKey: key,
    removalPolicy: retainedExceptOnCreate(removalPolicy),
  });
  (staticBucket.node.defaultChild as s3.CfnBucket).bucketEncryption = {
    serverSideEncryptionConfiguration: [{
      bucketKeyEnabled: true,
      serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: Stack.of(scope).formatArn({ service: 'kms', resource: aliasName }) },
    }],
  };
}

/** The findings a distribution without geo restriction, web ACL or custom domain raises, each with why it stands. */
function acknowledgeDistribution(distribution: cloudfront.Distribution, props: MembraneStorageProps): void {
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
}
