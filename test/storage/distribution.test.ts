import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { build } from './support';
import { MembraneStorage } from '../../lib';
import { describeCdkTest, templateOf } from '../harness';
import { testApp, testStack } from '../rule-packs';

// MembraneStorage CloudFront: the static files' distribution, its origin access and its custom domain.

describeCdkTest('MembraneStorage CloudFront', () => {
  const { template, stack } = build();

  test('the Origin Access Control name carries the region: the name is unique per account, across regions', () => {
    const names = ['eu-central-1', 'us-east-1'].map(region => {
      const regional = new Stack(testApp(), 'Membrane', { env: { account: '123456789012', region } });
      new MembraneStorage(regional, 'Storage');
      const oac = Object.values(templateOf(regional).findResources('AWS::CloudFront::OriginAccessControl'));
      expect(oac).toHaveLength(1);
      return oac[0].Properties.OriginAccessControlConfig.Name as string;
    });
    expect(names[0]).toMatch(/^Membrane-Storage-.*-eu-central-1$/);
    expect(names[1]).toBe(names[0].replace('eu-central-1', 'us-east-1'));
    expect(names[0].length).toBeLessThanOrEqual(64);
  });

  test('uses an Origin Access Control that always signs with sigv4', () => {
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' },
    });
  });

  test('distribution redirects to HTTPS, allows GET/HEAD only, uses PriceClass_100 and logs', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        PriceClass: 'PriceClass_100',
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'redirect-to-https',
          AllowedMethods: ['GET', 'HEAD'],
          CachedMethods: ['GET', 'HEAD'],
        }),
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [Match.anyValue(), 'Id'] } })],
        Logging: Match.objectLike({ Prefix: 'cloudfront/static/' }),
      }),
    });
  });

  test('static bucket policy lets only this distribution read objects', () => {
    const distributionId = stack.resolve((stack.node.findChild('Storage') as MembraneStorage).distribution.distributionId);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Action: 's3:GetObject',
          Resource: Match.anyValue(),
          Condition: {
            StringEquals: {
              'AWS:SourceArn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/',
                  distributionId]],
              },
            },
          },
        }]),
      },
    });
  });

  test('no statement grants a principal other than CloudFront or the log delivery services', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    for (const policy of Object.values(policies)) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        if (statement.Effect === 'Allow') {
          expect(['cloudfront.amazonaws.com', 'logging.s3.amazonaws.com']).toContain(statement.Principal.Service);
        }
      }
    }
  });
});

describeCdkTest('MembraneStorage custom domain and its hosted zone', () => {
  const domain = (stack: Stack, domainName: string, zoneName: string) => ({
    domainName,
    certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
    zone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName }),
  });

  test('rejects a static domain outside its hosted zone (the alias records could not be created there)', () => {
    const stack = testStack();
    expect(() => new MembraneStorage(stack, 'Storage', { domain: domain(stack, 'static.example.org', 'example.com') }))
      .toThrow(/invalid 'domain.domainName': 'static.example.org' is not in the hosted zone 'example.com'/);
  });

  test('rejects a name that only ends like the zone', () => {
    const stack = testStack();
    expect(() => new MembraneStorage(stack, 'Storage', { domain: domain(stack, 'static.notexample.com', 'example.com.') }))
      .toThrow(/invalid 'domain.domainName': 'static.notexample.com' is not in the hosted zone 'example.com'/);
  });

  test('a domain name known only at deploy time is taken as it is, as the full name of the records', () => {
    const stack = testStack();
    const name = new CfnParameter(stack, 'StaticDomain', { type: 'String' }).valueAsString;
    new MembraneStorage(stack, 'Storage', { domain: domain(stack, name, 'example.com') });
    templateOf(stack).hasResourceProperties('AWS::Route53::RecordSet', {
      Name: { 'Fn::Join': ['', [{ Ref: 'StaticDomain' }, '.']] }, Type: 'A',
    });
  });
});
