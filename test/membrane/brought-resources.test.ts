import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Membrane } from '../../lib';
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
