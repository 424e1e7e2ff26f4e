import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Membrane, MembraneBackup, MembraneBackupProps, MembraneBucketBackup, MembraneEcsServicesProps, MembraneStorage } from '../../lib';
import { buildServices, membraneInputs } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { testStack } from '../rule-packs';

const COPY_VAULT = 'arn:aws:backup:eu-west-1:123456789012:backup-vault:membrane-dr';

function build(props: Partial<MembraneBackupProps> = {}, stack: Stack = testStack()) {
  const storage = new MembraneStorage(stack, 'Storage');
  const backup = new MembraneBackup(stack, 'Backup', { buckets: [storage.connectorsBucket, storage.staticBucket], ...props });
  return { stack, storage, backup, template: templateOf(stack) };
}

const ref = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as s3.CfnBucket);

describeCdkTest('MembraneBackup ("Frequently Asked Questions": back up the connectors and static buckets)', () => {
  const { stack, storage, template } = build({ copyToVaultArn: COPY_VAULT });

  test('a vault of its own with its own rotating key, both retained', () => {
    const vault = Object.values(template.findResources('AWS::Backup::BackupVault'))[0];
    expect(vault.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(vault.UpdateReplacePolicy).toBe('Retain');
    expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BackupKey/), 'Arn'] });
    const key = template.toJSON().Resources[vault.Properties.EncryptionKeyArn['Fn::GetAtt'][0]];
    expect(key).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  test('the retained vault\'s name is unique per construct and per creation of the stack (a retry or a re-creation finds no vault of '
    + 'that name)', () => {
    const stackUuid = { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] };
    const lastGroupOfStackUuid = { 'Fn::Select': [4, { 'Fn::Split': ['-', stackUuid] }] };
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: { 'Fn::Join': ['', [Match.stringLikeRegexp('^Test-Backup-[0-9A-F]{8}-$'), lastGroupOfStackUuid]] },
    });
  });

  test('the plan is named after the deployment (every plan was \'Plan\'; plan names are unique per account and region)', () => {
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanName: Match.stringLikeRegexp('^Test-Backup-[0-9A-F]{8}$') },
    });
  });

  test('continuous backup (point-in-time restore, 35 days) at 05:00 UTC, a daily recovery point at 17:00 UTC kept 90 days and copied to the '
    + 'second region: the 8-hour start windows never overlap, so AWS Backup never keeps one backup for both rules', () => {
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'Continuous',
            EnableContinuousBackup: true,
            ScheduleExpression: 'cron(0 5 * * ? *)',
            StartWindowMinutes: 480,
            Lifecycle: { DeleteAfterDays: 35 },
          }),
          Match.objectLike({
            RuleName: 'Daily',
            ScheduleExpression: 'cron(0 17 * * ? *)',
            StartWindowMinutes: 480,
            Lifecycle: { DeleteAfterDays: 90 },
            CopyActions: [{ DestinationBackupVaultArn: COPY_VAULT, Lifecycle: { DeleteAfterDays: 90 } }],
          }),
        ],
      },
    });
  });

  test('selects the connectors and static buckets, not the tmp bucket', () => {
    const selection = Object.values(template.findResources('AWS::Backup::BackupSelection'))[0].Properties.BackupSelection;
    expect(selection.Resources).toEqual([
      { 'Fn::GetAtt': [ref(stack, storage.connectorsBucket), 'Arn'] },
      { 'Fn::GetAtt': [ref(stack, storage.staticBucket), 'Arn'] },
    ]);
  });

  test('the role has the S3 backup and restore policies (the general backup policy does not cover S3)', () => {
    const selection = Object.values(template.findResources('AWS::Backup::BackupSelection'))[0].Properties.BackupSelection;
    const role = template.toJSON().Resources[selection.IamRoleArn['Fn::GetAtt'][0]];
    const policies = role.Properties.ManagedPolicyArns.map((arn: { 'Fn::Join': [string, unknown[]] }) => arn['Fn::Join'][1][2]);
    expect(policies).toEqual([
      ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
      ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
      ':iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup',
      ':iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore',
    ]);
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'backup.amazonaws.com' });
  });

  test('the backed-up buckets are versioned (AWS Backup for S3 needs it) and expire old versions', () => {
    for (const bucket of [storage.connectorsBucket, storage.staticBucket]) {
      const props = template.toJSON().Resources[ref(stack, bucket)].Properties;
      expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      const expiry = expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 } });
      expect(props.LifecycleConfiguration.Rules).toEqual(expect.arrayContaining([expiry]));
    }
  });

  test('retention and key are configurable; a bucket with a customer-managed key is readable by the backup role', () => {
    const stack2 = testStack();
    const key = new kms.Key(stack2, 'BucketKey', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack2, 'Encrypted', { encryptionKey: key, versioned: true, enforceSSL: true });
    const retention = { continuousRetention: Duration.days(7), dailyRetention: Duration.days(90) };
    const t = build({ ...retention, encryptionKey: key, buckets: [bucket] }, stack2).template;
    t.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 7 } }), Match.objectLike({ Lifecycle: { DeleteAfterDays: 90 } })],
      },
    });
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: Match.arrayWith(['kms:Decrypt']), Resource: { 'Fn::GetAtt': ['BucketKey7092080A', 'Arn'] },
        })]),
      },
    });
  });
});

describeCdkTest('MembraneBackup with a retention known only at deploy time', () => {
  test('the continuous rule keeps the parameter (aws-cdk-lib would range-check a token)', () => {
    const stack = testStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber;
    build({ continuousRetention: Duration.days(days) }, stack).template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [Match.objectLike({ RuleName: 'Continuous', Lifecycle: { DeleteAfterDays: { Ref: 'Days' } } }), Match.anyValue()],
      },
    });
  });
});

describeCdkTest('MembraneBackup rejects bad input', () => {
  test.each<[string, Partial<MembraneBackupProps>, RegExp]>([
    ['no bucket', { buckets: [] }, /invalid 'buckets': no bucket is given/],
    ['a vault key of another region', { encryptionKey: kms.Key.fromKeyArn(new Stack(), 'ForeignKey', 'arn:aws:kms:ap-south-1:123456789012:key/abc') }, /invalid 'encryptionKey': the key is in ap-south-1/],
    ['continuous backups beyond 35 days', { continuousRetention: Duration.days(36) }, /invalid 'continuousRetention': 36 days is longer than AWS Backup keeps/],
    ['a retention in hours', { dailyRetention: Duration.hours(36) }, /invalid 'dailyRetention'/],
    ['a copy retention without a copy', { copyRetention: Duration.days(90) }, /invalid 'copyRetention': it is set but copyToVaultArn is not/],
    ['a copy vault that is no vault ARN', { copyToVaultArn: 'membrane-dr' }, /invalid 'copyToVaultArn': 'membrane-dr' is not a backup vault ARN/],
    ['a copy vault in the same region', { copyToVaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr' },
      /invalid 'copyToVaultArn': the vault is in eu-central-1, the stack's own region/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('the tmp bucket (unversioned: its objects expire by design, and AWS Backup backs up versioned buckets only)', () => {
    const stack = testStack();
    const storage = new MembraneStorage(stack, 'Storage');
    expect(() => new MembraneBackup(stack, 'Backup', { buckets: [storage.connectorsBucket, storage.tmpBucket] }))
      .toThrow(/invalid 'buckets': Test\/Storage\/TmpBucket is not versioned, and AWS Backup backs up versioned buckets only/);
  });

  test('a bucket whose versioning does not show (imported by name) is taken as it is', () => {
    const stack = testStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Brought', 'membrane-connectors');
    new MembraneBackup(stack, 'Backup', { buckets: [bucket] });
    templateOf(stack).resourceCountIs('AWS::Backup::BackupSelection', 1);
  });
});

describeCdkTest('Membrane backups and secret retention', () => {
  const membrane = (overrides: Partial<ConstructorParameters<typeof Membrane>[2]> = {}) => {
    const stack = testStack();
    const m = new Membrane(stack, 'Membrane', { ...membraneInputs(stack), ...overrides });
    return { stack, membrane: m, template: templateOf(stack) };
  };

  test('the default selection is the connectors and static buckets Membrane creates, not the tmp bucket', () => {
    const { stack, membrane: m, template } = membrane();
    const storage = m.storage as MembraneStorage;
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        Resources: [{ 'Fn::GetAtt': [ref(stack, storage.connectorsBucket), 'Arn'] }, { 'Fn::GetAtt': [ref(stack, storage.staticBucket), 'Arn'] }],
      },
    });
  });

  test('production backs up the buckets it creates by default; a copy region comes through its options', () => {
    const { membrane: m, template } = membrane({ backup: MembraneBucketBackup.awsBackup({ copyToVaultArn: COPY_VAULT }) });
    expect(m.backup).toBeDefined();
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: Match.arrayWith([Match.objectLike({ CopyActions: [Match.objectLike({ DestinationBackupVaultArn: COPY_VAULT })] })]),
      },
    });
  });

  test('MembraneBucketBackup.none() makes none', () => {
    membrane({ backup: MembraneBucketBackup.none() }).template.resourceCountIs('AWS::Backup::BackupPlan', 0);
  });

  test('SECRET and ENCRYPTION_SECRET are retained whatever retainData says, and replicated where asked', () => {
    const { template } = membrane({ retainData: false, secretReplicaRegions: ['eu-west-1'] });
    const generated = Object.entries(template.findResources('AWS::SecretsManager::Secret')).filter(([id]) => /Jwt|Encryption/.test(id));
    expect(generated).toHaveLength(2);
    for (const [, secret] of generated) {
      // Kept on update and delete; a rolled-back first create removes them (RetainExceptOnCreate).
      expect(secret.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(secret.UpdateReplacePolicy).toBe('Retain');
      expect(secret.Properties.ReplicaRegions).toEqual([{ Region: 'eu-west-1' }]);
    }
  });

  test.each<[string, object, RegExp]>([
    ['backup options with backup off', { backup: false, backupOptions: { dailyRetention: Duration.days(7) } },
      /invalid 'backupOptions': it was replaced after 0\.1\.0.*MembraneBucketBackup\.awsBackup\(\{ \.\.\.backupOptions \}\)/],
    ['the boolean of earlier releases', { backup: true }, /invalid 'backup': the boolean true is not a MembraneBucketBackup\. Use MembraneBucketBackup\.awsBackup/],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => membrane(overrides as Partial<ConstructorParameters<typeof Membrane>[2]>)).toThrow(message);
  });

  test('rejects backup with brought storage: this construct does not know those buckets', () => {
    const stack = testStack();
    const storage = new MembraneStorage(stack, 'Brought');
    expect(() => new Membrane(stack, 'Membrane', { ...membraneInputs(stack), storage, backup: MembraneBucketBackup.awsBackup() }))
      .toThrow(/invalid 'backup': the storage is brought/);
  });
});

describeCdkTest('Secret replicas on MembraneEcsServices', () => {
  test.each<[string, Partial<MembraneEcsServicesProps>, RegExp]>([
    ['a replica region that is no region', { secretReplicaRegions: ['Ireland'] }, /invalid 'secretReplicaRegions': 'Ireland' is not an AWS region/],
    ['the stack region as replica', { secretReplicaRegions: ['eu-central-1'] }, /invalid 'secretReplicaRegions': 'eu-central-1' is the stack's own region/],
    ['a replica region twice', { secretReplicaRegions: ['eu-west-1', 'eu-west-1'] }, /invalid 'secretReplicaRegions': 'eu-west-1' is given twice/],
    ['a replica region in the China partition', { secretReplicaRegions: ['cn-north-1'] },
      /invalid 'secretReplicaRegions': 'cn-north-1' is in the aws-cn partition, and the stack's region eu-central-1 in aws/],
    ['a replica region in AWS GovCloud', { secretReplicaRegions: ['eu-west-1', 'us-gov-west-1'] },
      /invalid 'secretReplicaRegions': 'us-gov-west-1' is in the aws-us-gov partition/],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => buildServices(overrides)).toThrow(message);
  });

  test('rejects a replica list known only at deploy time: CloudFormation takes one object per region', () => {
    const stack = testStack();
    const regions = new CfnParameter(stack, 'Regions', { type: 'CommaDelimitedList' }).valueAsList;
    expect(() => buildServices({ secretReplicaRegions: regions }, stack)).toThrow(/invalid 'secretReplicaRegions': the list is known only at deploy time/);
  });

  test('a replica region known only at deploy time is taken as it is', () => {
    const stack = testStack();
    const region = new CfnParameter(stack, 'ReplicaRegion', { type: 'String' }).valueAsString;
    buildServices({ secretReplicaRegions: [region] }, stack);
    const replicas = Object.values(templateOf(stack).findResources('AWS::SecretsManager::Secret'))
      .map(secret => secret.Properties.ReplicaRegions).filter(r => r !== undefined);
    expect(replicas).toEqual([[{ Region: { Ref: 'ReplicaRegion' } }], [{ Region: { Ref: 'ReplicaRegion' } }]]);
  });

  test('rejects replicas when both secrets are brought (nothing is generated to replicate)', () => {
    const stack = testStack();
    const brought = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name, `membrane/${name}`);
    expect(() => buildServices({ jwtSecret: brought('jwt'), encryptionSecret: brought('encryption'), secretReplicaRegions: ['eu-west-1'] }, stack))
      .toThrow(/invalid 'secretReplicaRegions': both jwtSecret and encryptionSecret are brought/);
  });

  test('the retention of the generated secrets is the services\' secretRemovalPolicy', () => {
    const { stack } = buildServices({ secretRemovalPolicy: RemovalPolicy.DESTROY });
    const secrets = Object.entries(templateOf(stack).findResources('AWS::SecretsManager::Secret')).filter(([id]) => /Jwt|Encryption/.test(id));
    expect(secrets.map(([, s]) => s.DeletionPolicy)).toEqual(['Delete', 'Delete']);
  });
});
