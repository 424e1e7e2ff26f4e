import { Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MAX_CONTINUOUS_DAYS } from './defaults';
import { MembraneBackupProps } from './props';
import { known, propError, requireUsableKey, requireWholeDays } from '../common/validation';
import { isVersioned } from '../common/versioning';

/** Checks the props of a `MembraneBackup`; `continuous` and `daily` are the retentions with their defaults. */
export function validateBackupProps(scope: IConstruct, props: MembraneBackupProps, continuous: Duration, daily: Duration): void {
  if (!props.buckets || props.buckets.length === 0) {
    throw propError(scope, 'buckets', 'no bucket is given',
      'Give the connectors and static buckets, e.g. [storage.connectorsBucket, storage.staticBucket].');
  }
  for (const bucket of props.buckets) {
    if (isVersioned(bucket) === false) {
      throw propError(scope, 'buckets', `${bucket.node.path} is not versioned, and AWS Backup backs up versioned buckets only`,
        'Give the connectors and static buckets (versioned); the tmp bucket is not backed up: its objects expire after days by design.');
    }
  }
  requireWholeDays(scope, 'continuousRetention', continuous, 1);
  requireUsableKey(scope, 'encryptionKey', props.encryptionKey);
  requireWholeDays(scope, 'dailyRetention', daily, 1);
  requireWholeDays(scope, 'copyRetention', props.copyRetention, 1);
  if (!continuous.isUnresolved() && continuous.toDays() > MAX_CONTINUOUS_DAYS) {
    throw propError(scope, 'continuousRetention', `${continuous.toHumanString()} is longer than AWS Backup keeps continuous backups of S3`,
      `Give at most ${MAX_CONTINUOUS_DAYS} days; keep older states with dailyRetention.`);
  }
  checkCopy(scope, props);
}

function checkCopy(scope: IConstruct, props: MembraneBackupProps): void {
  const copyArn = props.copyToVaultArn;
  if (copyArn === undefined && props.copyRetention !== undefined) {
    throw propError(scope, 'copyRetention', 'it is set but copyToVaultArn is not', 'Give copyToVaultArn, or remove copyRetention.');
  }
  if (!known(copyArn)) return;
  const arn = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/.exec(copyArn);
  if (!arn) {
    throw propError(scope, 'copyToVaultArn', `'${copyArn}' is not a backup vault ARN`,
      'Give arn:aws:backup:<region>:<account>:backup-vault:<name> of a vault in another region.');
  }
  const region = Stack.of(scope).region;
  if (!Token.isUnresolved(region) && arn[1] === region) {
    throw propError(scope, 'copyToVaultArn', `the vault is in ${region}, the stack's own region`,
      'A copy protects against the loss of a region only in another one: give a vault in a second region.');
  }
}
