import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { MembraneBackupProps } from './props';
import { acknowledge, acknowledgeFinding } from '../common/nag';
import { creationUniqueShortSuffix } from '../common/resources';
import { known, propError, requireUsableKey, requireWholeDays } from '../common/validation';
import { isVersioned } from '../common/versioning';

/** AWS Backup keeps continuous backups of S3 for at most 35 days. */
const MAX_CONTINUOUS_DAYS = 35;
/** Point-in-time restore over the longest window AWS Backup offers for S3. */
const DEFAULT_CONTINUOUS_RETENTION = Duration.days(35);
/** Daily recovery points reach further back than point-in-time restore. */
const DEFAULT_DAILY_RETENTION = Duration.days(90);
/**
 * When each rule starts, twelve hours apart, and how long AWS Backup may take to start its job. When the windows of two
 * rules of a plan overlap, AWS Backup takes one backup, for the rule with the longer retention ("Backup plan options and
 * configuration"; "Understanding backup plan summary": a copy action of the rule that did not run does not run either).
 * A continuous rule has a schedule too (AWS Backup's default is `cron(0 5 ? * * *)`, the daily rule's time before): it
 * is stated here so that the daily recovery point, and its copy to another region, always run.
 */
const CONTINUOUS_SCHEDULE = events.Schedule.cron({ hour: '5', minute: '0' });
const DAILY_SCHEDULE = events.Schedule.cron({ hour: '17', minute: '0' });
const START_WINDOW = Duration.hours(8);

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
    if (!props.buckets || props.buckets.length === 0) {
      throw propError(this, 'buckets', 'no bucket is given',
        'Give the connectors and static buckets, e.g. [storage.connectorsBucket, storage.staticBucket].');
    }
    for (const bucket of props.buckets) {
      if (isVersioned(bucket) === false) {
        throw propError(this, 'buckets', `${bucket.node.path} is not versioned, and AWS Backup backs up versioned buckets only`,
          'Give the connectors and static buckets (versioned); the tmp bucket is not backed up: its objects expire after days by design.');
      }
    }
    const continuous = props.continuousRetention ?? DEFAULT_CONTINUOUS_RETENTION;
    const daily = props.dailyRetention ?? DEFAULT_DAILY_RETENTION;
    requireWholeDays(this, 'continuousRetention', continuous, 1);
    requireUsableKey(this, 'encryptionKey', props.encryptionKey);
    requireWholeDays(this, 'dailyRetention', daily, 1);
    requireWholeDays(this, 'copyRetention', props.copyRetention, 1);
    if (!continuous.isUnresolved() && continuous.toDays() > MAX_CONTINUOUS_DAYS) {
      throw propError(this, 'continuousRetention', `${continuous.toHumanString()} is longer than AWS Backup keeps continuous backups of S3`,
        `Give at most ${MAX_CONTINUOUS_DAYS} days; keep older states with dailyRetention.`);
    }
    const copyArn = props.copyToVaultArn;
    if (copyArn === undefined && props.copyRetention !== undefined) {
      throw propError(this, 'copyRetention', 'it is set but copyToVaultArn is not', 'Give copyToVaultArn, or remove copyRetention.');
    }
    if (known(copyArn)) {
      const arn = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/.exec(copyArn);
      if (!arn) {
        throw propError(this, 'copyToVaultArn', `'${copyArn}' is not a backup vault ARN`,
          'Give arn:aws:backup:<region>:<account>:backup-vault:<name> of a vault in another region.');
      }
      const region = Stack.of(this).region;
      if (!Token.isUnresolved(region) && arn[1] === region) {
        throw propError(this, 'copyToVaultArn', `the vault is in ${region}, the stack's own region`,
          'A copy protects against the loss of a region only in another one: give a vault in a second region.');
      }
    }

    this.encryptionKey = props.encryptionKey ?? new kms.Key(this, 'Key', {
      description: 'Membrane backup vault',
      enableKeyRotation: true,
      // Kept with the recovery points it encrypts; a failed first create has none, so the key goes with the rollback.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    // Unique per construct (the path) and per creation of the stack (the last group of its UUID): a vault retained from a
    // rolled-back first create or a deleted stack keeps its name, which a fixed name would collide with.
    const deploymentName = Names.uniqueResourceName(this, { maxLength: 37, separator: '-' });
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: `${deploymentName}-${creationUniqueShortSuffix(this)}`,
      encryptionKey: this.encryptionKey,
      // CloudFormation cannot delete a vault that holds recovery points, and they are the point of it; a vault that a
      // failed creation made is empty, and is deleted with it.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    const copyActions: backup.BackupPlanCopyActionProps[] | undefined = copyArn === undefined ? undefined : [{
      destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, 'CopyVault', copyArn),
      deleteAfter: props.copyRetention ?? daily,
    }];
    this.plan = new backup.BackupPlan(this, 'Plan', {
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
      (this.plan.node.defaultChild as backup.CfnBackupPlan).addPropertyOverride('BackupPlan.BackupPlanRule.0.Lifecycle.DeleteAfterDays',
        continuous.toDays());
    }

    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'AWS Backup: back up and restore the Membrane buckets',
      managedPolicies: MANAGED_POLICIES.map(([name]) => iam.ManagedPolicy.fromAwsManagedPolicyName(name)),
    });
    for (const [name, reason] of MANAGED_POLICIES) {
      acknowledgeFinding(role, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${name}]`, reason);
    }
    // Buckets encrypted with a customer-managed key are read and restored through it.
    for (const bucket of props.buckets) bucket.encryptionKey?.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    if (role.node.tryFindChild('DefaultPolicy')) {
      acknowledge(role, {
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason: 'The policy holds only the key grant AWS Backup needs to read and restore the SSE-KMS buckets of this plan; as a managed '
          + 'policy it could be attached to other principals.',
      });
    }

    this.selection = this.plan.addSelection('Buckets', {
      role,
      disableDefaultBackupPolicy: true,
      resources: props.buckets.map(bucket => backup.BackupResource.fromArn(bucket.bucketArn)),
    });
  }
}
