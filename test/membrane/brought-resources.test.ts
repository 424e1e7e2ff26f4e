import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { env } from './support';
import { Membrane, MembraneProps } from '../../lib';
import { existingStorageAndCache, membraneInputs } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { expectNoNagFindings, testApp } from '../rule-packs';

// Membrane on storage and a cache a platform team already has (MembraneStorage.fromBuckets, MembraneCache.fromAttributes).

describeCdkTest('Membrane on brought storage and cache', () => {
  const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
  const { vpc, storage, cache } = existingStorageAndCache(stack);
  const membrane = new Membrane(stack, 'Membrane', {
    ...membraneInputs(stack),
    vpc,
    storage,
    cache,
  });

  test('staticUrl comes from the brought storage, and the cache is on the dashboard', () => {
    expect(membrane.staticUrl).toBe('https://static.acme.example');
    const body = JSON.stringify(stack.resolve((membrane.scaling!.dashboard.node.defaultChild as cloudwatch.CfnDashboard).dashboardBody));
    expect(body).toContain('acme-membrane');
  });

  test('the tasks may reach the brought cache on its port', () => {
    templateOf(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0', FromPort: 6379, ToPort: 6379, IpProtocol: 'tcp',
    });
  });

  test('no unacknowledged finding: the bucket grants are acknowledged for the brought bucket ARNs', () => {
    expectNoNagFindings(stack);
  });
});

describeCdkTest('Membrane on the SECRET and ENCRYPTION_SECRET of an earlier deployment', () => {
  // A stack deleted and created again, or a second region after the loss of the first: the retained (or promoted)
  // secrets must be used, not new ones, or the credentials in the database cannot be read.
  const retained = (stack: Stack, name: string) => secretsmanager.Secret.fromSecretCompleteArn(stack, name,
    `arn:aws:secretsmanager:eu-central-1:123456789012:secret:membrane/${name}-AbCdEf`);

  test('the services read the brought secrets and none is generated', () => {
    const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    const membrane = new Membrane(stack, 'Membrane', {
      ...membraneInputs(stack), jwtSecret: retained(stack, 'jwt'), encryptionSecret: retained(stack, 'encryption'),
    });
    const generated = Object.keys(templateOf(stack).findResources('AWS::SecretsManager::Secret')).filter(id => /Jwt|Encryption/.test(id));
    expect(generated).toEqual([]);
    expect(env(stack, membrane.services.api)).toMatchObject({
      SECRET: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:membrane/jwt-AbCdEf',
      ENCRYPTION_SECRET: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:membrane/encryption-AbCdEf',
    });
  });

  test.each<[string, (stack: Stack) => Partial<MembraneProps>, RegExp]>([
    ['replicas of secrets that are all brought', stack => ({
      jwtSecret: retained(stack, 'jwt'), encryptionSecret: retained(stack, 'encryption'), secretReplicaRegions: ['eu-west-1'],
    }), /invalid 'secretReplicaRegions': both jwtSecret and encryptionSecret are brought/],
    ['an encryption secret that is no secret', () => ({ encryptionSecret: 'membrane/encryption' as unknown as secretsmanager.ISecret }),
      /invalid 'encryptionSecret'/],
  ])('refuses %s', (_name, overrides, message) => {
    const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    expect(() => new Membrane(stack, 'Membrane', { ...membraneInputs(stack), ...overrides(stack) })).toThrow(message);
  });
});
