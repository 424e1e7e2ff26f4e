import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MembraneStorage, MembraneStorageReplication } from '../../lib';
import { annotationsOf, describeCdkTest, nagChecked, templateOf } from '../harness';
import { expectNoNagFindings, nagFindings, ownAcknowledgements, testStack } from '../nag';

function build(props: ConstructorParameters<typeof MembraneStorage>[2] = {}) {
  const stack = testStack();
  const storage = new MembraneStorage(stack, 'Storage', props);
  return { stack, storage, template: templateOf(stack) };
}

describeCdkTest('MembraneStorage buckets', () => {
  const { template } = build();

  test('creates the three Membrane buckets plus one access-log bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 4);
  });

  test('every bucket blocks public access, is encrypted and is retained', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    for (const bucket of Object.values(buckets)) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.UpdateReplacePolicy).toBe('Retain');
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
    }
  });

  test('every bucket policy denies requests without TLS 1.2', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(4);
    for (const policy of Object.values(policies)) {
      const statements = policy.Properties.PolicyDocument.Statement;
      expect(statements).toEqual(expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]));
    }
  });

  test('tmp bucket expires objects after 7 days and aborts incomplete uploads, and is not versioned', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [{ Id: 'cleanup', Status: 'Enabled', ExpirationInDays: 7, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
      },
      VersioningConfiguration: Match.absent(),
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 's3/tmp/' },
    });
  });

  test('connectors bucket is versioned and logged', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [{
          Id: 'expire-noncurrent-versions',
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 90 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }],
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 's3/connectors/' },
    });
  });

  test('static bucket is versioned, logged and allows CORS GET from anywhere with max age 3000', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 's3/static/' },
      CorsConfiguration: {
        CorsRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], MaxAge: 3000 }],
      },
    });
  });

  test('access-log bucket accepts CloudFront ACL logging and expires logs', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-logs', ExpirationInDays: 365 })] },
    });
  });

  test('bucket names are generated unless a prefix is given', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    for (const bucket of Object.values(buckets)) expect(bucket.Properties.BucketName).toBeUndefined();
  });
});

describeCdkTest('MembraneStorage CloudFront', () => {
  const { template, stack } = build();

  test('the Origin Access Control name carries the region: the name is unique per account, across regions', () => {
    const names = ['eu-central-1', 'us-east-1'].map(region => {
      const regional = new Stack(new App(), 'Membrane', { env: { account: '123456789012', region } });
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

describeCdkTest('MembraneStorage environment contract', () => {
  test('exposes exactly the "Self-hosting" storage variables, no access keys, no secrets', () => {
    const { storage, stack } = build();
    const env = stack.resolve(storage.environmentContract.environment);
    expect(Object.keys(env).sort()).toEqual([
      'AWS_REGION', 'BASE_STATIC_URI', 'CONNECTORS_S3_BUCKET', 'CONNECTORS_STORAGE_BUCKET', 'STATIC_S3_BUCKET', 'STATIC_STORAGE_BUCKET',
      'STORAGE_PROVIDER', 'TMP_S3_BUCKET', 'TMP_STORAGE_BUCKET',
    ]);
    expect(env.STORAGE_PROVIDER).toBe('s3');
    expect(env.AWS_REGION).toBe('eu-central-1');
    expect(env.TMP_STORAGE_BUCKET).toEqual({ Ref: stack.getLogicalId(storage.tmpBucket.node.defaultChild as any) });
    expect(env.CONNECTORS_STORAGE_BUCKET).toEqual({ Ref: stack.getLogicalId(storage.connectorsBucket.node.defaultChild as any) });
    expect(env.STATIC_STORAGE_BUCKET).toEqual({ Ref: stack.getLogicalId(storage.staticBucket.node.defaultChild as any) });
    expect(env.BASE_STATIC_URI).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.any(String), 'DomainName'] }]] });
    expect(storage.environmentContract.secrets).toEqual({});
  });

  test('the names Membrane\'s own deployments read name the same buckets, unless turned off', () => {
    const { storage, stack } = build();
    const env = stack.resolve(storage.environmentContract.environment);
    expect(env.TMP_S3_BUCKET).toEqual(env.TMP_STORAGE_BUCKET);
    expect(env.CONNECTORS_S3_BUCKET).toEqual(env.CONNECTORS_STORAGE_BUCKET);
    expect(env.STATIC_S3_BUCKET).toEqual(env.STATIC_STORAGE_BUCKET);
    const off = build({ legacyEnvironmentNames: false });
    expect(Object.keys(off.storage.environmentContract.environment).filter(name => name.endsWith('_S3_BUCKET'))).toEqual([]);
  });
});

describeCdkTest('MembraneStorage grantReadWrite', () => {
  test('grants object and bucket actions on the three buckets only', () => {
    const stack = testStack();
    const storage = new MembraneStorage(stack, 'Storage');
    const role = new iam.Role(stack, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    storage.grantReadWrite(role);
    const template = templateOf(stack);
    const ids = [storage.tmpBucket, storage.connectorsBucket, storage.staticBucket].map(b => stack.getLogicalId(b.node.defaultChild as any));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as any) }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: ids.map(id => ({ 'Fn::GetAtt': [id, 'Arn'] })) },
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
            Resource: ids.map(id => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] })),
          },
        ],
      },
    });
  });
});

describeCdkTest('MembraneStorage compliance', () => {
  test('passes AwsSolutions and NIST 800-53 R5 with only its reasoned acknowledgements', () => {
    const { stack } = build();
    expectNoNagFindings(stack);
  });

  test('acknowledgements sit on the individual buckets and distribution, each with a reason', () => {
    const { stack } = build();
    const acks = ownAcknowledgements(stack);
    expect(acks.map(a => a.split(':')[0].trim())).toEqual([
      'AwsSolutions-CFR1 at Test/Storage/StaticDistribution',
      'AwsSolutions-CFR2 at Test/Storage/StaticDistribution',
      'AwsSolutions-CFR4 at Test/Storage/StaticDistribution',
      'NIST.800.53.R5-S3BucketReplicationEnabled at Test/Storage/AccessLogsBucket',
      'NIST.800.53.R5-S3BucketReplicationEnabled at Test/Storage/ConnectorsBucket',
      'NIST.800.53.R5-S3BucketReplicationEnabled at Test/Storage/StaticBucket',
      'NIST.800.53.R5-S3BucketReplicationEnabled at Test/Storage/TmpBucket',
      'NIST.800.53.R5-S3BucketVersioningEnabled at Test/Storage/TmpBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at Test/Storage/AccessLogsBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at Test/Storage/ConnectorsBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at Test/Storage/StaticBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at Test/Storage/TmpBucket',
    ]);
  });

  test('without acknowledgements the packs would fire (the harness can fail)', () => {
    const stack = testStack();
    new s3.Bucket(stack, 'Plain');
    expect(nagFindings(stack)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 at /)]));
  });
});

describeCdkTest('MembraneStorage rejects bad input', () => {
  test.each([
    ['tmpObjectExpiration', { tmpObjectExpiration: Duration.days(0) },
      /invalid 'tmpObjectExpiration': 0 days is not a whole number of days of at least 1/],
    ['tmpObjectExpiration in hours', { tmpObjectExpiration: Duration.hours(36) }, /invalid 'tmpObjectExpiration'/],
    ['a key of another region', { encryptionKey: kms.Key.fromKeyArn(new Stack(), 'ForeignKey', 'arn:aws:kms:ap-south-1:123456789012:key/abc') },
      /invalid 'encryptionKey': the key is in ap-south-1/],
    ['noncurrentVersionExpiration', { noncurrentVersionExpiration: Duration.days(0) }, /invalid 'noncurrentVersionExpiration'/],
    ['accessLogsExpiration', { accessLogsExpiration: Duration.minutes(5) }, /invalid 'accessLogsExpiration'/],
    ['uppercase prefix', { bucketNamePrefix: 'Prod' }, /invalid 'bucketNamePrefix': 'Prod' cannot start valid S3 bucket names/],
    ['long prefix', { bucketNamePrefix: 'a'.repeat(52) }, /at most 51 characters/],
    ['a prefix S3 reserves', { bucketNamePrefix: 'xn--membrane' }, /invalid 'bucketNamePrefix': 'xn--membrane' starts with a prefix S3 reserves/],
    ['another reserved prefix', { bucketNamePrefix: 'sthree-membrane' }, /invalid 'bucketNamePrefix'/],
    ['domain with scheme', { domain: { domainName: 'https://static.example.com', certificate: undefined as any } }, /invalid 'domain.domainName'/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props as any)).toThrow(message);
  });

  test('certificate outside us-east-1', () => {
    const stack = testStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-central-1:123456789012:certificate/abc');
    expect(() => new MembraneStorage(stack, 'Storage', { domain: { domainName: 'static.example.com', certificate } })).toThrow(/us-east-1/);
  });

  test('no warnings on the default configuration', () => {
    const { stack } = build();
    annotationsOf(stack).hasNoWarning('*', Match.anyValue());
  });
});

describeCdkTest('MembraneStorage replication to a second region ("Frequently Asked Questions": cross-region replication in production)', () => {
  const stack = testStack();
  const destination = (name: string) => s3.Bucket.fromBucketAttributes(stack, name, {
    bucketArn: `arn:aws:s3:::${name.toLowerCase()}-dr`, region: 'eu-west-1',
  });
  const storage = new MembraneStorage(stack, 'Storage', {
    replication: { connectorsDestination: destination('Connectors'), staticDestination: destination('Static') },
  });
  const template = templateOf(nagChecked(stack));
  const bucket = (b: s3.IBucket) => template.toJSON().Resources[stack.getLogicalId(b.node.defaultChild as s3.CfnBucket)].Properties;

  test('the connectors and static buckets replicate every object, but not deletions', () => {
    for (const [b, name] of [[storage.connectorsBucket, 'connectors'], [storage.staticBucket, 'static']] as const) {
      const config = bucket(b).ReplicationConfiguration;
      expect(config.Rules).toEqual([expect.objectContaining({
        Status: 'Enabled',
        Priority: 0,
        Destination: expect.objectContaining({ Bucket: `arn:aws:s3:::${name}-dr` }),
        DeleteMarkerReplication: { Status: 'Disabled' },
      })]);
      expect(config.Role).toBeDefined();
    }
    expect(bucket(storage.tmpBucket).ReplicationConfiguration).toBeUndefined();
  });

  test('each bucket replicates with a role of its own and a generated name (aws-cdk-lib named both \'CDKReplicationRole\': the second '
    + 'failed)', () => {
    const roles = Object.entries(template.findResources('AWS::IAM::Role'))
      .filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('s3.amazonaws.com'));
    expect(roles).toHaveLength(2);
    for (const [, role] of roles) expect(role.Properties.RoleName).toBeUndefined();
    expect([storage.connectorsBucket, storage.staticBucket].map(b => bucket(b).ReplicationConfiguration.Role['Fn::GetAtt'][0]).sort())
      .toEqual(roles.map(([id]) => id).sort());
  });

  test('the replication role may read the sources and replicate into the destinations only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement as Array<{ Action: string[]; Resource: unknown }>)
      .filter(s => [s.Action].flat().includes('s3:ReplicateObject'));
    expect(policies.map(s => s.Resource)).toEqual(expect.arrayContaining([
      'arn:aws:s3:::connectors-dr/*', 'arn:aws:s3:::static-dr/*',
    ]));
  });
});

describeCdkTest('MembraneStorage with a customer-managed key', () => {
  const stack = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const storage = new MembraneStorage(stack, 'Storage', { encryptionKey: key });
  const role = new iam.Role(stack, 'TaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  storage.grantReadWrite(role);
  const template = templateOf(nagChecked(stack));
  const encryption = (b: s3.IBucket) => template.toJSON().Resources[stack.getLogicalId(b.node.defaultChild as s3.CfnBucket)]
    .Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];

  const stackUuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };

  test('the three Membrane buckets use SSE-KMS with S3 Bucket Keys; the access-log bucket stays SSE-S3 (log delivery needs it)', () => {
    for (const bucket of [storage.tmpBucket, storage.connectorsBucket]) {
      expect(encryption(bucket)).toEqual({
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] } },
      });
    }
    expect(encryption(storage.staticBucket)).toEqual({
      BucketKeyEnabled: true,
      ServerSideEncryptionByDefault: {
        SSEAlgorithm: 'aws:kms',
        KMSMasterKeyID: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-central-1:123456789012:alias/Test-Storage-063FECAF-static-', stackUuid]],
        },
      },
    });
    expect(encryption(storage.accessLogsBucket).ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
  });

  test('the static bucket names the key through an alias of its own (no reference to the key, so the key policy can name the distribution): '
    + 'unique per creation of the stack, kept with the bucket', () => {
    const aliases = template.findResources('AWS::KMS::Alias');
    expect(Object.values(aliases)).toEqual([{
      Type: 'AWS::KMS::Alias',
      Properties: {
        AliasName: { 'Fn::Join': ['', ['alias/Test-Storage-063FECAF-static-', stackUuid]] },
        TargetKeyId: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] },
      },
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
    }]);
  });

  test('CloudFront may decrypt for this distribution only: the key policy names its ARN, and aws-cdk-lib\'s wildcard warning does not fire', () => {
    const distribution = stack.getLogicalId(storage.distribution.node.defaultChild as cloudfront.CfnDistribution);
    const sourceArn = {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/', { Ref: distribution }]],
    };
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Resource: '*',
            Condition: { StringEquals: { 'AWS:SourceArn': sourceArn } },
          }]),
        },
      },
    });
    const statements = template.toJSON().Resources.Key961B73FD.Properties.KeyPolicy.Statement;
    expect(JSON.stringify(statements)).not.toContain('ArnLike');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: stack.getLogicalId(storage.staticBucket.node.defaultChild as s3.CfnBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' }, Condition: { StringEquals: { 'AWS:SourceArn': sourceArn } },
        })]),
      },
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })],
      }),
    });
    annotationsOf(stack).hasNoWarning('*', Match.stringLikeRegexp('wildcardKeyPolicyForOac'));
    expect(annotationsOf(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('a key of another stack keeps aws-cdk-lib\'s statement for the account\'s distributions (naming this one would tie the stacks in a '
    + 'cycle)', () => {
    const app = new App();
    const keys = new Stack(app, 'Keys', { env: { account: '123456789012', region: 'eu-central-1' } });
    const shared = new kms.Key(keys, 'Key', { enableKeyRotation: true });
    const stack2 = new Stack(app, 'Storage', { env: { account: '123456789012', region: 'eu-central-1' } });
    new MembraneStorage(stack2, 'Storage', { encryptionKey: shared });
    templateOf(stack2).resourceCountIs('AWS::KMS::Alias', 0);
    const keyPolicy = JSON.stringify(templateOf(keys).toJSON().Resources);
    expect(keyPolicy).toContain('"ArnLike":{"AWS:SourceArn"');
  });

  test('the task role gets kms:Decrypt and kms:GenerateDataKey on the key, no wildcard actions', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': ['Key961B73FD', 'Arn'] } },
        ]),
      },
    });
  });
});

/** A bucket in eu-west-1 to replicate into, imported by ARN. */
const dr = (stack: Stack, name: string) => s3.Bucket.fromBucketAttributes(stack, name, {
  bucketArn: `arn:aws:s3:::${name.toLowerCase()}-dr`, region: 'eu-west-1',
});

describeCdkTest('MembraneStorage replication of SSE-KMS buckets ("Replicating encrypted objects")', () => {
  const stack = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const destinationKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
  const storage = new MembraneStorage(stack, 'Storage', {
    encryptionKey: key,
    replication: {
      connectorsDestination: dr(stack, 'Connectors'), staticDestination: dr(stack, 'Static'), destinationEncryptionKeyArn: destinationKeyArn,
    },
  });
  const template = templateOf(nagChecked(stack));
  const replication = (b: s3.IBucket) => template.toJSON().Resources[stack.getLogicalId(b.node.defaultChild as s3.CfnBucket)]
    .Properties.ReplicationConfiguration;

  test('each rule opts in to SSE-KMS objects and names the replica key', () => {
    for (const bucket of [storage.connectorsBucket, storage.staticBucket]) {
      expect(replication(bucket).Rules).toEqual([expect.objectContaining({
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        Destination: expect.objectContaining({ EncryptionConfiguration: { ReplicaKmsKeyID: destinationKeyArn } }),
      })]);
    }
  });

  test('the replication role may decrypt with the source key and encrypt with the replica key', () => {
    const roleId = replication(storage.connectorsBucket).Role['Fn::GetAtt'][0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter(p => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(p => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const actionsOn = (resource: unknown) => statements
      .filter(st => JSON.stringify(st.Resource) === JSON.stringify(resource)).flatMap(st => [st.Action].flat());
    expect(actionsOn({ 'Fn::GetAtt': ['Key961B73FD', 'Arn'] })).toContain('kms:Decrypt');
    expect(actionsOn(destinationKeyArn)).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:GenerateDataKey*']));
  });

  test('the destination bucket\'s own key is the replica key when no ARN is given', () => {
    const stack2 = testStack();
    const key2 = new kms.Key(stack2, 'Key', { enableKeyRotation: true });
    const drKey = kms.Key.fromKeyArn(stack2, 'DrKey', destinationKeyArn);
    const withKey = (name: string) => s3.Bucket.fromBucketAttributes(stack2, name, {
      bucketArn: `arn:aws:s3:::${name.toLowerCase()}-dr`, region: 'eu-west-1', encryptionKey: drKey,
    });
    new MembraneStorage(stack2, 'Storage', {
      encryptionKey: key2, replication: { connectorsDestination: withKey('Connectors'), staticDestination: withKey('Static') },
    });
    templateOf(stack2).hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [Match.objectLike({ Destination: Match.objectLike({ EncryptionConfiguration: { ReplicaKmsKeyID: destinationKeyArn } }) })],
      },
    });
  });

  test('a replica key known only at deploy time is taken as it is', () => {
    const stack2 = testStack();
    const key2 = new kms.Key(stack2, 'Key', { enableKeyRotation: true });
    const arn = new CfnParameter(stack2, 'ReplicaKeyArn', { type: 'String' }).valueAsString;
    new MembraneStorage(stack2, 'Storage', {
      encryptionKey: key2,
      replication: { connectorsDestination: dr(stack2, 'Connectors'), staticDestination: dr(stack2, 'Static'), destinationEncryptionKeyArn: arn },
    });
    templateOf(stack2).hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [Match.objectLike({ Destination: Match.objectLike({ EncryptionConfiguration: { ReplicaKmsKeyID: { Ref: 'ReplicaKeyArn' } } }) })],
      },
    });
  });
});

describeCdkTest('MembraneStorage refuses replication that copies nothing or fails', () => {
  const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
  type Options = { encryptionKey?: boolean; bucketNamePrefix?: string };
  const attempt = (replication: (stack: Stack) => Partial<MembraneStorageReplication>, props: Options = {}) => {
    const stack = testStack();
    return () => new MembraneStorage(stack, 'Storage', {
      encryptionKey: props.encryptionKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined,
      bucketNamePrefix: props.bucketNamePrefix,
      replication: { connectorsDestination: dr(stack, 'Connectors'), staticDestination: dr(stack, 'Static'), ...replication(stack) },
    });
  };

  test('SSE-KMS buckets without a replica key', () => {
    expect(attempt(() => ({}), { encryptionKey: true })).toThrow(/invalid 'replication.destinationEncryptionKeyArn': it is missing, and the buckets are encrypted/);
  });

  test('a replica key for SSE-S3 buckets', () => {
    expect(attempt(() => ({ destinationEncryptionKeyArn: KEY_ARN }))).toThrow(/invalid 'replication.destinationEncryptionKeyArn': it is set, but the buckets are not/);
  });

  test('a replica key that is an alias', () => {
    expect(attempt(() => ({ destinationEncryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/dr' }), { encryptionKey: true }))
      .toThrow(/invalid 'replication.destinationEncryptionKeyArn': 'arn:aws:kms:eu-west-1:123456789012:alias\/dr' is not a KMS key ARN/);
  });

  test('a replica key in another region than the destination buckets', () => {
    expect(attempt(() => ({ destinationEncryptionKeyArn: KEY_ARN.replace('eu-west-1', 'eu-central-1') }), { encryptionKey: true }))
      .toThrow(/invalid 'replication.destinationEncryptionKeyArn': the key is in eu-central-1, but replication.connectorsDestination is in eu-west-1/);
  });

  test('an unversioned destination bucket', () => {
    const unversioned = (stack: Stack) => new s3.Bucket(new Stack(stack.node.root as App, 'Dr', { env: { region: 'eu-west-1' } }), 'Static');
    expect(attempt(stack => ({ staticDestination: unversioned(stack) })))
      .toThrow(/invalid 'replication.staticDestination': Dr\/Static is not versioned, and S3 replicates only into versioned buckets/);
  });

  test('the source bucket itself as destination', () => {
    expect(attempt(stack => ({ connectorsDestination: s3.Bucket.fromBucketName(stack, 'Self', 'prod-connectors') }), { bucketNamePrefix: 'prod' }))
      .toThrow(/invalid 'replication.connectorsDestination': 'prod-connectors' is the connectors bucket itself/);
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

describeCdkTest('MembraneStorage buckets with fixed names', () => {
  test('are kept on delete except when their own creation fails (a retried first deployment does not fail on the names)', () => {
    const { template } = build({ bucketNamePrefix: 'prod-integration-app' });
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(4);
    for (const bucket of buckets) expect([bucket.DeletionPolicy, bucket.UpdateReplacePolicy]).toEqual(['RetainExceptOnCreate', 'Retain']);
  });

  test('with removalPolicy DESTROY they are destroyed as asked', () => {
    const { template } = build({ bucketNamePrefix: 'dev-integration-app', removalPolicy: RemovalPolicy.DESTROY });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) expect(bucket.DeletionPolicy).toBe('Delete');
  });
});
