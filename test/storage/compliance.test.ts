import * as s3 from 'aws-cdk-lib/aws-s3';
import { build } from './support';
import { describeCdkTest } from '../harness';
import { expectNoNagFindings, nagFindings, ownAcknowledgements, testStack } from '../rule-packs';

// MembraneStorage compliance: the rule packs and the acknowledgements that make them pass.

describeCdkTest('MembraneStorage compliance', () => {
  test('passes AwsSolutions and NIST 800-53 R5 with only its reasoned acknowledgements', () => {
    const { stack } = build();
    expectNoNagFindings(stack);
  });

  test('acknowledgements sit on the individual buckets and distribution, each with a reason', () => {
    const { stack } = build();
    const acks = ownAcknowledgements(stack);
    expect(acks.map(a => a.split(':')[0].trim())).toEqual([
      'AwsSolutions-CFR1 at Test/Storage/StaticDistribution',
      'AwsSolutions-CFR2 at Test/Storage/StaticDistribution',
      'AwsSolutions-CFR4 at Test/Storage/StaticDistribution',
      'NIST.800.53.R5-S3BucketReplicationEnabled at Test/Storage/AccessLogsBucket',
      'NIST.800.53.R5-S3BucketReplicationEnabled at Test/Storage/ConnectorsBucket',
      'NIST.800.53.R5-S3BucketReplicationEnabled at Test/Storage/StaticBucket',
      'NIST.800.53.R5-S3BucketReplicationEnabled at Test/Storage/TmpBucket',
      'NIST.800.53.R5-S3BucketVersioningEnabled at Test/Storage/TmpBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at Test/Storage/AccessLogsBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at Test/Storage/ConnectorsBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at Test/Storage/StaticBucket',
      'NIST.800.53.R5-S3DefaultEncryptionKMS at Test/Storage/TmpBucket',
    ]);
  });

  test('without acknowledgements the packs would fire (the harness can fail)', () => {
    const stack = testStack();
    new s3.Bucket(stack, 'Plain');
    expect(nagFindings(stack)).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 at /)]));
  });
});
