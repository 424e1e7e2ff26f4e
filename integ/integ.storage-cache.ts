/**
 * Integration test: the data layer (storage + main and worker caches) in one stack.
 * Verified offline against the committed snapshot by `npx projen integ`; deployable with integ-runner.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { MembraneCache, MembraneCacheRole, MembraneStorage } from '../lib';

const app = new App();
const stack = new Stack(app, 'MembraneDataLayerInteg');

const vpc = new ec2.Vpc(stack, 'Vpc', {
  maxAzs: 2,
  natGateways: 1,
  subnetConfiguration: [
    { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
    { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  ],
});

// A test deployment must clean up after itself: empty buckets and secrets are destroyed.
new MembraneStorage(stack, 'Storage', { removalPolicy: RemovalPolicy.DESTROY });
new MembraneCache(stack, 'Cache', { vpc, removalPolicy: RemovalPolicy.DESTROY, secretRemovalPolicy: RemovalPolicy.DESTROY });
new MembraneCache(stack, 'WorkerCache', {
  vpc,
  role: MembraneCacheRole.WORKER,
  clusterMode: { shards: 2 },
  removalPolicy: RemovalPolicy.DESTROY,
  secretRemovalPolicy: RemovalPolicy.DESTROY,
});

new IntegTest(app, 'MembraneDataLayer', { testCases: [stack] });
