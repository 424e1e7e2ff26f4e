import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeFinding } from '../../common/nag';

/**
 * The AWS managed policies of the backup role, each with why it is needed. The general backup policy does not
 * cover S3: AWS Backup needs its S3-specific policies to read versions, turn on the bucket's EventBridge
 * notifications for continuous backup, and restore.
 */
const MANAGED_POLICIES: ReadonlyArray<readonly [string, string]> = [
  ['service-role/AWSBackupServiceRolePolicyForBackup', 'AWS Backup\'s own service-role policy: AWS maintains it as the service adds resource types.'],
  ['service-role/AWSBackupServiceRolePolicyForRestores', 'AWS Backup\'s own restore policy: a restore creates or writes the target bucket.'],
  ['AWSBackupServiceRolePolicyForS3Backup',
    'AWS Backup for S3 needs this AWS-maintained policy (object versions, bucket notifications for continuous backup).'],
  ['AWSBackupServiceRolePolicyForS3Restore', 'Restoring S3 recovery points needs this AWS-maintained policy.'],
];

/** The role (`Role` in `scope`) AWS Backup backs up and restores `buckets` with, and the acknowledgements of its policies. */
export function createBackupRole(scope: Construct, buckets: s3.IBucket[]): iam.Role {
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
    description: 'AWS Backup: back up and restore the Membrane buckets',
    managedPolicies: MANAGED_POLICIES.map(([name]) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
  });
  for (const [name, reason] of MANAGED_POLICIES) {
    acknowledgeFinding(role, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`, reason);
  }
  // Buckets encrypted with a customer-managed key are read and restored through it.
  for (const bucket of buckets) bucket.encryptionKey?.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
  if (role.node.tryFindChild('DefaultPolicy')) {
    acknowledge(role, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: 'The policy holds only the key grant AWS Backup needs to read and restore the SSE-KMS buckets of this plan; as a managed '
        + 'policy it could be attached to other principals.',
    });
  }
  return role;
}
