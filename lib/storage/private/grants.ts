import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { storageEnvironment } from './environment';
import { MembraneEnvironmentContract } from '../../common/environment';
import { acknowledgeFinding, nagReference } from '../../common/nag';

/** S3 actions Membrane performs on objects (get/head/copy, put/multipart, delete). */
const OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];
/** S3 actions Membrane performs on the buckets themselves (list, head-bucket health check). */
const BUCKET_ACTIONS = ['s3:ListBucket', 's3:GetBucketLocation'];
const OBJECT_WILDCARD_REASON = 'Membrane creates and reads objects under keys it generates at run time, so access is granted to all objects of its '
  + 'own bucket, and only that bucket.';

/** The three buckets of a Membrane storage, created or brought, and the URL of its static files. */
export interface StorageBuckets {
  readonly tmpBucket: s3.IBucket;
  readonly connectorsBucket: s3.IBucket;
  readonly staticBucket: s3.IBucket;
  readonly staticUrl: string;
}

/**
 * Lets `grantee` (a task role) read, write, list and delete objects in the three Membrane buckets, and nothing
 * else. Membrane uses the role's credentials: no access keys are needed.
 */
export function grantStorageReadWrite(storage: StorageBuckets & IConstruct, grantee: iam.IGrantable): iam.Grant {
  const buckets = [storage.tmpBucket, storage.connectorsBucket, storage.staticBucket];
  const findings = buckets.map(b => `AwsSolutions-IAM5[Resource::${nagReference(storage, b.arnForObjects('*'))}]`);
  if (grantee instanceof Construct) {
    // The object-level wildcard is the point of this grant; acknowledge it where it lands.
    for (const id of findings) acknowledgeFinding(grantee, id, OBJECT_WILDCARD_REASON);
  }
  // SSE-KMS buckets: getting an object needs kms:Decrypt, putting one kms:GenerateDataKey (one grant per distinct key).
  const keys = [...new Set(buckets.map(b => b.encryptionKey).filter((k): k is kms.IKey => k !== undefined))];
  return keys.reduce((grant, key) => grant.combine(key.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey')),
    iam.Grant.addToPrincipal({ grantee, actions: BUCKET_ACTIONS, resourceArns: buckets.map(b => b.bucketArn) })
      .combine(iam.Grant.addToPrincipal({ grantee, actions: OBJECT_ACTIONS, resourceArns: buckets.map(b => b.arnForObjects('*')) })));
}

/** The environment contract of a storage (no secrets: tasks use their IAM role). */
export function storageContract(storage: StorageBuckets & IConstruct, legacyNames: boolean): MembraneEnvironmentContract {
  return {
    environment: storageEnvironment({
      region: Stack.of(storage).region,
      tmpBucket: storage.tmpBucket.bucketName,
      connectorsBucket: storage.connectorsBucket.bucketName,
      staticBucket: storage.staticBucket.bucketName,
      staticUrl: storage.staticUrl,
      legacyNames,
    }),
    secrets: {},
  };
}
