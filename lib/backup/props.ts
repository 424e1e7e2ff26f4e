import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** How Membrane's buckets are backed up with AWS Backup. */
export interface MembraneBackupOptions {
  /**
   * How long continuous backups allow point-in-time restore: whole days from 1 to 35 (AWS Backup's limit for S3).
   *
   * @default Duration.days(35)
   */
  readonly continuousRetention?: Duration;

  /**
   * How long the daily recovery points are kept: whole days. They are taken at 17:00 UTC, twelve hours after the
   * continuous rule's daily run at 05:00 UTC, so that AWS Backup never merges the two rules into one backup.
   *
   * @default Duration.days(90)
   */
  readonly dailyRetention?: Duration;

  /**
   * ARN of a backup vault in another region that receives a copy of every daily recovery point (disaster
   * recovery). The vault must exist and let this account copy into it.
   *
   * @default - no copy
   */
  readonly copyToVaultArn?: string;

  /**
   * How long the copies in `copyToVaultArn` are kept: whole days.
   *
   * @default - the dailyRetention
   */
  readonly copyRetention?: Duration;

  /**
   * Customer-managed key of the backup vault.
   *
   * @default - a new key with rotation on, retained
   */
  readonly encryptionKey?: kms.IKey;
}

/** Properties for `MembraneBackup`. */
export interface MembraneBackupProps extends MembraneBackupOptions {
  /**
   * The buckets to back up: Membrane's connectors and static buckets. They must be versioned (AWS Backup for S3
   * needs versioning; an unversioned bucket created in this app is refused). The tmp bucket does not belong here: its
   * objects expire after days by design.
   */
  readonly buckets: s3.IBucket[];
}
