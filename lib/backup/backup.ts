import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  CONTINUOUS_SCHEDULE, DAILY_SCHEDULE, DEFAULT_CONTINUOUS_RETENTION, DEFAULT_DAILY_RETENTION, START_WINDOW,
} from './defaults';
import { createBackupRole } from './private/role';
import { MembraneBackupProps } from './props';
import { validateBackupProps } from './validation';
import { creationUniqueShortSuffix } from '../common/resources';

/**
 * AWS Backup of what Membrane cannot recreate: the connectors and static buckets ("Frequently Asked Questions" and
 * "Self-hosting on AWS" ask for regular bucket backups). Continuous backup gives point-in-time restore for 35 days, a
 * daily recovery point (twelve hours after the continuous rule's run, so that AWS Backup never merges the two) is kept
 * 90 days, and each daily point can be copied to a vault in another region. The vault has its own KMS key and is
 * retained with its recovery points (a vault that holds recovery points cannot be deleted); its name is unique per
 * creation of the stack, so a retained vault never blocks the next creation.
 *
 * @example
 * declare const storage: MembraneStorage;
 * new MembraneBackup(this, 'Backup', {
 *   buckets: [storage.connectorsBucket, storage.staticBucket],
 *   copyToVaultArn: 'arn:aws:backup:eu-west-1:111111111111:backup-vault:membrane-dr',
 * });
 */
export class MembraneBackup extends Construct {
  /** The vault the recovery points are stored in. */
  public readonly vault: backup.BackupVault;
  /** The backup plan (named after this construct's path): continuous and daily rules. */
  public readonly plan: backup.BackupPlan;
  /** The selection of buckets, with the role AWS Backup uses for them. */
  public readonly selection: backup.BackupSelection;
  /** The vault's key. */
  public readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: MembraneBackupProps) {
    super(scope, id);
    const continuous = props.continuousRetention ?? DEFAULT_CONTINUOUS_RETENTION;
    const daily = props.dailyRetention ?? DEFAULT_DAILY_RETENTION;
    validateBackupProps(this, props, continuous, daily);

    this.encryptionKey = props.encryptionKey ?? this.buildKey();
    // Unique per construct (the path) and per creation of the stack (the last group of its UUID): a vault retained from a
    // rolled-back first create or a deleted stack keeps its name, which a fixed name would collide with.
    const deploymentName = Names.uniqueResourceName(this, { maxLength: 37, separator: '-' });
    this.vault = this.buildVault(deploymentName);
    this.plan = this.buildPlan(props, deploymentName, continuous, daily);
    this.selection = this.selectBuckets(props, createBackupRole(this, props.buckets));
  }

  /** The vault's own key, rotating. */
  private buildKey(): kms.IKey {
    return new kms.Key(this, 'Key', {
      description: 'Membrane backup vault',
      enableKeyRotation: true,
      // Kept with the recovery points it encrypts; a failed first create has none, so the key goes with the rollback.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
  }

  /** The vault, named uniquely per creation of the stack. */
  private buildVault(deploymentName: string): backup.BackupVault {
    return new backup.BackupVault(this, 'Vault', {
      backupVaultName: `${deploymentName}-${creationUniqueShortSuffix(this)}`,
      encryptionKey: this.encryptionKey,
      // CloudFormation cannot delete a vault that holds recovery points, and they are the point of it; a vault that a
      // failed creation made is empty, and is deleted with it.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
  }

  /** The plan: a continuous rule (point-in-time restore) and a daily rule, copied to another region when asked. */
  private buildPlan(props: MembraneBackupProps, deploymentName: string, continuous: Duration, daily: Duration): backup.BackupPlan {
    const copyArn = props.copyToVaultArn;
    const copyActions: backup.BackupPlanCopyActionProps[] | undefined = copyArn === undefined ? undefined : [{
      destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', copyArn),
      deleteAfter: props.copyRetention ?? daily,
    }];
    const plan = new backup.BackupPlan(this, 'Plan', {
      // Plan names are unique per account and region ("Backup plan options and configuration"); every plan was 'Plan'.
      backupPlanName: deploymentName,
      backupVault: this.vault,
      backupPlanRules: [
        // aws-cdk-lib range-checks this retention even when it is a token: a deploy-time value is set on the L1 below.
        new backup.BackupPlanRule({
          ruleName: 'Continuous',
          enableContinuousBackup: true,
          scheduleExpression: CONTINUOUS_SCHEDULE,
          startWindow: START_WINDOW,
          deleteAfter: continuous.isUnresolved() ? DEFAULT_CONTINUOUS_RETENTION : continuous,
        }),
        new backup.BackupPlanRule({
          ruleName: 'Daily', scheduleExpression: DAILY_SCHEDULE, startWindow: START_WINDOW, deleteAfter: daily, copyActions,
        }),
      ],
    });
    if (continuous.isUnresolved()) {
      (plan.node.defaultChild as backup.CfnBackupPlan).addPropertyOverride('BackupPlan.BackupPlanRule.0.Lifecycle.DeleteAfterDays',
        continuous.toDays());
    }
    return plan;
  }

  /** The selection of the buckets, backed up with `role`. */
  private selectBuckets(props: MembraneBackupProps, role: iam.IRole): backup.BackupSelection {
    return this.plan.addSelection('Buckets', {
      role,
      disableDefaultBackupPolicy: true,
      resources: props.buckets.map(bucket => backup.BackupResource.fromArn(bucket.bucketArn)),
    });
  }
}
