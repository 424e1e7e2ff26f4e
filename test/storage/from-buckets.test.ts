import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MembraneStorage } from '../../lib';
import { existingStorageAndCache } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { testStack } from '../rule-packs';

// MembraneStorage.fromBuckets: buckets a platform team already has.

describeCdkTest('MembraneStorage.fromBuckets', () => {
  const stack = testStack();
  const { storage } = existingStorageAndCache(stack);

  test('derives the storage environment from the buckets, without a trailing slash on the URL', () => {
    expect(storage.staticUrl).toBe('https://static.acme.example');
    expect(stack.resolve(storage.environmentContract.environment)).toEqual({
      STORAGE_PROVIDER: 's3',
      AWS_REGION: 'eu-central-1',
      TMP_STORAGE_BUCKET: 'acme-membrane-tmp',
      CONNECTORS_STORAGE_BUCKET: 'acme-membrane-connectors',
      STATIC_STORAGE_BUCKET: 'acme-membrane-static',
      BASE_STATIC_URI: 'https://static.acme.example',
      // The names Membrane's own deployments read, for the same buckets.
      TMP_S3_BUCKET: 'acme-membrane-tmp',
      CONNECTORS_S3_BUCKET: 'acme-membrane-connectors',
      STATIC_S3_BUCKET: 'acme-membrane-static',
    });
    expect(storage.environmentContract.secrets).toEqual({});
  });

  test('grants the same object and bucket actions as a created storage', () => {
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    storage.grantReadWrite(role);
    templateOf(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['s3:ListBucket', 's3:GetBucketLocation'] }),
          Match.objectLike({
            Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          }),
        ]),
      },
    });
  });

  test('rejects a static URL that is not https', () => {
    const s = testStack();
    const b = s3.Bucket.fromBucketName(s, 'B', 'bucket');
    expect(() => MembraneStorage.fromBuckets(s, 'Storage', { tmpBucket: b, connectorsBucket: b, staticBucket: b, staticUrl: 'static.acme.example' }))
      .toThrow(/invalid 'staticUrl': 'static.acme.example' is not an https URL/);
  });
});
