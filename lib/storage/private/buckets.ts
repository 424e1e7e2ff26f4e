import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SECURE_BUCKET_DEFAULTS } from '../../common/log-bucket';
import { acknowledge, acknowledgeFinding, nagReference } from '../../common/nag';
import { MembraneStorageProps } from '../props';

/** What every bucket of a `MembraneStorage` shares. */
export interface BucketContext {
  readonly props: MembraneStorageProps;
  /** The buckets' removal policy (see `bucketRemovalPolicy`). */
  readonly removalPolicy: RemovalPolicy;
  /** Receives the buckets' server access logs. */
  readonly accessLogsBucket: s3.IBucket;
}

/** The name of the bucket `<bucketNamePrefix>-<suffix>`, or undefined (generated) without a prefix. */
export function bucketName(props: MembraneStorageProps, suffix: string): string | undefined {
  return props.bucketNamePrefix === undefined ? undefined : `${props.bucketNamePrefix}-${suffix}`;
}

/**
 * A bucket of the storage, `bucketId` in `scope`: private, encrypted, access-logged under `s3/<suffix>/`, with the
 * replication grant of `extra`'s rule and the acknowledgements of what it leaves out.
 */
export function newBucket(scope: Construct, context: BucketContext, bucketId: string, suffix: string, extra: s3.BucketProps): s3.Bucket {
  const { props, removalPolicy } = context;
  const bucket = new s3.Bucket(scope, bucketId, {
    ...SECURE_BUCKET_DEFAULTS,
    ...(props.encryptionKey ? { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true } : {}),
    removalPolicy,
    // A destroyed bucket must be empty first (versions included); CDK's provider empties it on stack deletion.
    autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    bucketName: bucketName(props, suffix),
    serverAccessLogsBucket: context.accessLogsBucket,
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
}

/**
 * The replication settings of the `name` bucket (`Connectors` or `Static`) into `destination`: a role of its own
 * (`<name>ReplicationRole` in `scope`) and one rule. None without a destination.
 */
export function replicationTo(scope: Construct, props: MembraneStorageProps, replicaKey: kms.IKey | undefined, name: string,
  destination: s3.IBucket | undefined): Partial<s3.BucketProps> {
  if (!destination) return {};
  return {
    // A role of our own: aws-cdk-lib names the role it makes 'CDKReplicationRole' (unless the app sets the feature flag
    // @aws-cdk/aws-s3:setUniqueReplicationRoleName), so the connectors' and the static bucket's roles collided.
    replicationRole: new iam.Role(scope, `${name}ReplicationRole`, {
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
  };
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
