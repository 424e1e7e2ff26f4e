import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MembraneStorage, MembraneStorageReplication } from '../../lib';
import { describeCdkTest, nagChecked, templateOf } from '../harness';
import { testStack } from '../rule-packs';

// MembraneStorage replication to a second region: SSE-S3 and SSE-KMS buckets, and the configurations it refuses.

describeCdkTest('MembraneStorage replication to a second region ("Frequently Asked Questions": cross-region replication in production)', () => {
  const stack = testStack();
  const destination = (name: string) => s3.Bucket.fromBucketAttributes(stack, name, {
    bucketArn: `arn:aws:s3:::${name.toLowerCase()}-dr`, region: 'eu-west-1',
  });
  const storage = new MembraneStorage(stack, 'Storage', {
    replication: { connectorsDestination: destination('Connectors'), staticDestination: destination('Static') },
  });
  const template = templateOf(nagChecked(stack));
  const bucket = (b: s3.IBucket) => template.toJSON().Resources[stack.getLogicalId(b.node.defaultChild as s3.CfnBucket)].Properties;

  test('the connectors and static buckets replicate every object, but not deletions', () => {
    for (const [b, name] of [[storage.connectorsBucket, 'connectors'], [storage.staticBucket, 'static']] as const) {
      const config = bucket(b).ReplicationConfiguration;
      expect(config.Rules).toEqual([expect.objectContaining({
        Status: 'Enabled',
        Priority: 0,
        Destination: expect.objectContaining({ Bucket: `arn:aws:s3:::${name}-dr` }),
        DeleteMarkerReplication: { Status: 'Disabled' },
      })]);
      expect(config.Role).toBeDefined();
    }
    expect(bucket(storage.tmpBucket).ReplicationConfiguration).toBeUndefined();
  });

  test('each bucket replicates with a role of its own and a generated name (aws-cdk-lib named both \'CDKReplicationRole\': the second '
    + 'failed)', () => {
    const roles = Object.entries(template.findResources('AWS::IAM::Role'))
      .filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('s3.amazonaws.com'));
    expect(roles).toHaveLength(2);
    for (const [, role] of roles) expect(role.Properties.RoleName).toBeUndefined();
    expect([storage.connectorsBucket, storage.staticBucket].map(b => bucket(b).ReplicationConfiguration.Role['Fn::GetAtt'][0]).sort())
      .toEqual(roles.map(([id]) => id).sort());
  });

  test('the replication role may read the sources and replicate into the destinations only', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement as Array<{ Action: string[]; Resource: unknown }>)
      .filter(s => [s.Action].flat().includes('s3:ReplicateObject'));
    expect(policies.map(s => s.Resource)).toEqual(expect.arrayContaining([
      'arn:aws:s3:::connectors-dr/*', 'arn:aws:s3:::static-dr/*',
    ]));
  });
});

/** A bucket in eu-west-1 to replicate into, imported by ARN. */
const dr = (stack: Stack, name: string) => s3.Bucket.fromBucketAttributes(stack, name, {
  bucketArn: `arn:aws:s3:::${name.toLowerCase()}-dr`, region: 'eu-west-1',
});

describeCdkTest('MembraneStorage replication of SSE-KMS buckets ("Replicating encrypted objects")', () => {
  const stack = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const destinationKeyArn = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
  const storage = new MembraneStorage(stack, 'Storage', {
    encryptionKey: key,
    replication: {
      connectorsDestination: dr(stack, 'Connectors'), staticDestination: dr(stack, 'Static'), destinationEncryptionKeyArn: destinationKeyArn,
    },
  });
  const template = templateOf(nagChecked(stack));
  const replication = (b: s3.IBucket) => template.toJSON().Resources[stack.getLogicalId(b.node.defaultChild as s3.CfnBucket)]
    .Properties.ReplicationConfiguration;

  test('each rule opts in to SSE-KMS objects and names the replica key', () => {
    for (const bucket of [storage.connectorsBucket, storage.staticBucket]) {
      expect(replication(bucket).Rules).toEqual([expect.objectContaining({
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        Destination: expect.objectContaining({ EncryptionConfiguration: { ReplicaKmsKeyID: destinationKeyArn } }),
      })]);
    }
  });

  test('the replication role may decrypt with the source key and encrypt with the replica key', () => {
    const roleId = replication(storage.connectorsBucket).Role['Fn::GetAtt'][0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter(p => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(p => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const actionsOn = (resource: unknown) => statements
      .filter(st => JSON.stringify(st.Resource) === JSON.stringify(resource)).flatMap(st => [st.Action].flat());
    expect(actionsOn({ 'Fn::GetAtt': ['Key961B73FD', 'Arn'] })).toContain('kms:Decrypt');
    expect(actionsOn(destinationKeyArn)).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:GenerateDataKey*']));
  });

  test('the destination bucket\'s own key is the replica key when no ARN is given', () => {
    const stack2 = testStack();
    const key2 = new kms.Key(stack2, 'Key', { enableKeyRotation: true });
    const drKey = kms.Key.fromKeyArn(stack2, 'DrKey', destinationKeyArn);
    const withKey = (name: string) => s3.Bucket.fromBucketAttributes(stack2, name, {
      bucketArn: `arn:aws:s3:::${name.toLowerCase()}-dr`, region: 'eu-west-1', encryptionKey: drKey,
    });
    new MembraneStorage(stack2, 'Storage', {
      encryptionKey: key2, replication: { connectorsDestination: withKey('Connectors'), staticDestination: withKey('Static') },
    });
    templateOf(stack2).hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [Match.objectLike({ Destination: Match.objectLike({ EncryptionConfiguration: { ReplicaKmsKeyID: destinationKeyArn } }) })],
      },
    });
  });

  test('a replica key known only at deploy time is taken as it is', () => {
    const stack2 = testStack();
    const key2 = new kms.Key(stack2, 'Key', { enableKeyRotation: true });
    const arn = new CfnParameter(stack2, 'ReplicaKeyArn', { type: 'String' }).valueAsString;
    new MembraneStorage(stack2, 'Storage', {
      encryptionKey: key2,
      replication: { connectorsDestination: dr(stack2, 'Connectors'), staticDestination: dr(stack2, 'Static'), destinationEncryptionKeyArn: arn },
    });
    templateOf(stack2).hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Rules: [Match.objectLike({ Destination: Match.objectLike({ EncryptionConfiguration: { ReplicaKmsKeyID: { Ref: 'ReplicaKeyArn' } } }) })],
      },
    });
  });
});

describeCdkTest('MembraneStorage refuses replication that copies nothing or fails', () => {
  const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
  type Options = { encryptionKey?: boolean; bucketNamePrefix?: string };
  const attempt = (replication: (stack: Stack) => Partial<MembraneStorageReplication>, props: Options = {}) => {
    const stack = testStack();
    return () => new MembraneStorage(stack, 'Storage', {
      encryptionKey: props.encryptionKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined,
      bucketNamePrefix: props.bucketNamePrefix,
      replication: { connectorsDestination: dr(stack, 'Connectors'), staticDestination: dr(stack, 'Static'), ...replication(stack) },
    });
  };

  test('SSE-KMS buckets without a replica key', () => {
    expect(attempt(() => ({}), { encryptionKey: true })).toThrow(/invalid 'replication.destinationEncryptionKeyArn': it is missing, and the buckets are encrypted/);
  });

  test('a replica key for SSE-S3 buckets', () => {
    expect(attempt(() => ({ destinationEncryptionKeyArn: KEY_ARN }))).toThrow(/invalid 'replication.destinationEncryptionKeyArn': it is set, but the buckets are not/);
  });

  test('a replica key that is an alias', () => {
    expect(attempt(() => ({ destinationEncryptionKeyArn: 'arn:aws:kms:eu-west-1:123456789012:alias/dr' }), { encryptionKey: true }))
      .toThrow(/invalid 'replication.destinationEncryptionKeyArn': 'arn:aws:kms:eu-west-1:123456789012:alias\/dr' is not a KMS key ARN/);
  });

  test('a replica key in another region than the destination buckets', () => {
    expect(attempt(() => ({ destinationEncryptionKeyArn: KEY_ARN.replace('eu-west-1', 'eu-central-1') }), { encryptionKey: true }))
      .toThrow(/invalid 'replication.destinationEncryptionKeyArn': the key is in eu-central-1, but replication.connectorsDestination is in eu-west-1/);
  });

  test('an unversioned destination bucket', () => {
    const unversioned = (stack: Stack) => new s3.Bucket(new Stack(stack.node.root as App, 'Dr', { env: { region: 'eu-west-1' } }), 'Static');
    expect(attempt(stack => ({ staticDestination: unversioned(stack) })))
      .toThrow(/invalid 'replication.staticDestination': Dr\/Static is not versioned, and S3 replicates only into versioned buckets/);
  });

  test('the source bucket itself as destination', () => {
    expect(attempt(stack => ({ connectorsDestination: s3.Bucket.fromBucketName(stack, 'Self', 'prod-connectors') }), { bucketNamePrefix: 'prod' }))
      .toThrow(/invalid 'replication.connectorsDestination': 'prod-connectors' is the connectors bucket itself/);
  });
});
