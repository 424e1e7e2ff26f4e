import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MembraneStorage } from '../../lib';
import { annotationsOf, describeCdkTest, nagChecked, templateOf } from '../harness';
import { testApp, testStack } from '../rule-packs';

// MembraneStorage with a customer-managed KMS key.

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
    const app = testApp();
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
