import { Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import { build } from './support';
import { MembraneStorage, MembraneStorageProps } from '../../lib';
import { annotationsOf, describeCdkTest } from '../harness';
import { testStack } from '../rule-packs';

// MembraneStorage rejects bad input.

describeCdkTest('MembraneStorage rejects bad input', () => {
  test.each([
    ['tmpObjectExpiration', { tmpObjectExpiration: Duration.days(0) },
      /invalid 'tmpObjectExpiration': 0 days is not a whole number of days of at least 1/],
    ['tmpObjectExpiration in hours', { tmpObjectExpiration: Duration.hours(36) }, /invalid 'tmpObjectExpiration'/],
    ['a key of another region', { encryptionKey: kms.Key.fromKeyArn(new Stack(), 'ForeignKey', 'arn:aws:kms:ap-south-1:123456789012:key/abc') },
      /invalid 'encryptionKey': the key is in ap-south-1/],
    ['noncurrentVersionExpiration', { noncurrentVersionExpiration: Duration.days(0) }, /invalid 'noncurrentVersionExpiration'/],
    ['accessLogsExpiration', { accessLogsExpiration: Duration.minutes(5) }, /invalid 'accessLogsExpiration'/],
    ['uppercase prefix', { bucketNamePrefix: 'Prod' }, /invalid 'bucketNamePrefix': 'Prod' cannot start valid S3 bucket names/],
    ['long prefix', { bucketNamePrefix: 'a'.repeat(52) }, /at most 51 characters/],
    ['a prefix S3 reserves', { bucketNamePrefix: 'xn--membrane' }, /invalid 'bucketNamePrefix': 'xn--membrane' starts with a prefix S3 reserves/],
    ['another reserved prefix', { bucketNamePrefix: 'sthree-membrane' }, /invalid 'bucketNamePrefix'/],
    // No certificate, which the type forbids: the domain name is rejected before the certificate is read.
    ['domain with scheme', { domain: { domainName: 'https://static.example.com', certificate: undefined } } as unknown as MembraneStorageProps,
      /invalid 'domain.domainName'/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('certificate outside us-east-1', () => {
    const stack = testStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-central-1:123456789012:certificate/abc');
    expect(() => new MembraneStorage(stack, 'Storage', { domain: { domainName: 'static.example.com', certificate } })).toThrow(/us-east-1/);
  });

  test('no warnings on the default configuration', () => {
    const { stack } = build();
    annotationsOf(stack).hasNoWarning('*', Match.anyValue());
  });
});
