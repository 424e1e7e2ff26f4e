import { CfnElement } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { build } from './support';
import { MembraneStorage } from '../../lib';
import { describeCdkTest, templateOf } from '../harness';
import { testStack } from '../rule-packs';

// MembraneStorage's contract with the services: the storage environment variables and the grants to the task role.

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
    expect(env.TMP_STORAGE_BUCKET).toEqual({ Ref: stack.getLogicalId(storage.tmpBucket.node.defaultChild as CfnElement) });
    expect(env.CONNECTORS_STORAGE_BUCKET).toEqual({ Ref: stack.getLogicalId(storage.connectorsBucket.node.defaultChild as CfnElement) });
    expect(env.STATIC_STORAGE_BUCKET).toEqual({ Ref: stack.getLogicalId(storage.staticBucket.node.defaultChild as CfnElement) });
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
    const ids = [storage.tmpBucket, storage.connectorsBucket, storage.staticBucket].map(b => stack.getLogicalId(b.node.defaultChild as CfnElement));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as CfnElement) }],
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
