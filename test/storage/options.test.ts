import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { build } from './support';
import { MembraneStorage } from '../../lib';
import { describeCdkTest, templateOf } from '../harness';
import { expectNoNagFindings, testStack } from '../rule-packs';

// MembraneStorage options: custom domain, WAF, price class, names, expiry, removal policy, an existing log bucket.

describeCdkTest('MembraneStorage options', () => {
  test('custom domain: alias, TLSv1.2_2021 with SNI, A and AAAA alias records', () => {
    const stack = testStack();
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    const storage = new MembraneStorage(stack, 'Storage', { domain: { domainName: 'static.example.com', certificate, zone: zone } });
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['static.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'static.example.com.', Type: 'A', HostedZoneId: 'Z123' });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'static.example.com.', Type: 'AAAA', HostedZoneId: 'Z123' });
    expect(storage.environmentContract.environment.BASE_STATIC_URI).toBe('https://static.example.com');
    expectNoNagFindings(stack);
  });

  test('WAF web ACL, price class and geo restriction are passed through', () => {
    const { template } = build({
      webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/membrane/abc',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      geoRestriction: cloudfront.GeoRestriction.allowlist('DE', 'US'),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/membrane/abc',
        PriceClass: 'PriceClass_All',
        Restrictions: { GeoRestriction: { Locations: ['DE', 'US'], RestrictionType: 'whitelist' } },
      }),
    });
  });

  test('bucket name prefix gives the AWS guide names', () => {
    const { template } = build({ bucketNamePrefix: 'prod-integration-app' });
    for (const name of ['prod-integration-app-tmp', 'prod-integration-app-connectors', 'prod-integration-app-static',
      'prod-integration-app-access-logs']) {
      template.hasResourceProperties('AWS::S3::Bucket', { BucketName: name });
    }
  });

  test('tmp expiry, noncurrent version expiry and log expiry are configurable', () => {
    const { template } = build({
      tmpObjectExpiration: Duration.days(3),
      noncurrentVersionExpiration: Duration.days(30),
      accessLogsExpiration: Duration.days(730),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({
          Id: 'cleanup',
          ExpirationInDays: 3,
        })],
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket',
      { LifecycleConfiguration: { Rules: [Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })] } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [Match.objectLike({
          Id: 'expire-logs',
          ExpirationInDays: 730,
        })],
      },
    });
  });

  test('removal policy can be set to destroy (dev environments)', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) expect(bucket.DeletionPolicy).toBe('Delete');
  });

  test('an existing access-log bucket is used instead of creating one', () => {
    const stack = testStack();
    const logs = new s3.Bucket(stack, 'OrgLogs');
    new MembraneStorage(stack, 'Storage', { accessLogsBucket: logs });
    const template = templateOf(stack);
    template.resourceCountIs('AWS::S3::Bucket', 4);
    template.hasResourceProperties('AWS::S3::Bucket',
      {
        LoggingConfiguration: {
          DestinationBucketName: { Ref: stack.getLogicalId(logs.node.defaultChild as s3.CfnBucket) },
          LogFilePrefix: 's3/tmp/',
        },
      });
  });
});
