import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  IMembraneService, MembraneAuth, MembraneCache, MembraneEcsServices, MembraneEcsServicesProps, MembraneNetwork, MembraneStorage,
  MembraneVersion,
} from '../lib';
import { templateOf } from './harness';
import { testStack } from './rule-packs';

/** The inputs a platform team brings: secrets they created, a hosted zone. */
export interface ServicesFixture {
  readonly stack: Stack;
  readonly network: MembraneNetwork;
  readonly storage: MembraneStorage;
  readonly cache: MembraneCache;
  readonly zone: route53.IHostedZone;
  readonly registryCredentials: secretsmanager.ISecret;
  readonly mongo: secretsmanager.ISecret;
  readonly selfHostingToken: secretsmanager.ISecret;
  readonly auth0ClientSecret: secretsmanager.ISecret;
}

export function servicesFixture(stack: Stack = testStack()): ServicesFixture {
  const network = new MembraneNetwork(stack, 'Network');
  const storage = new MembraneStorage(stack, 'Storage');
  const cache = new MembraneCache(stack, 'Cache', { vpc: network.vpc });
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123', zoneName: 'example.com' });
  const imported = (id: string, name: string) => secretsmanager.Secret.fromSecretNameV2(stack, id, name);
  return {
    stack,
    network,
    storage,
    cache,
    zone,
    registryCredentials: imported('Registry', 'membrane/registry'),
    mongo: imported('Mongo', 'membrane/mongo-uri'),
    selfHostingToken: imported('Token', 'membrane/self-hosting-token'),
    auth0ClientSecret: imported('Auth0', 'membrane/auth0'),
  };
}

/** Props for a production-like MembraneEcsServices: Auth0, host routing in example.com. */
export function servicesProps(f: ServicesFixture, overrides: Partial<MembraneEcsServicesProps> = {}): MembraneEcsServicesProps {
  return {
    version: MembraneVersion.of('2026-01-14'),
    registryCredentials: f.registryCredentials,
    storage: f.storage,
    cache: f.cache,
    mongoUri: f.mongo,
    selfHostingToken: f.selfHostingToken,
    auth: MembraneAuth.auth0({
      domain: 'login.example.com',
      clientId: 'client-123',
      clientSecret: f.auth0ClientSecret,
    }),
    domain: {
      zone: f.zone,
      apiDomainName: 'api.example.com',
      uiDomainName: 'ui.example.com',
      consoleDomainName: 'console.example.com',
    },
    loadBalancerLogsBucket: f.storage.accessLogsBucket,
    ...overrides,
  };
}

export function buildServices(overrides: Partial<MembraneEcsServicesProps> = {}, stack?: Stack) {
  const f = servicesFixture(stack);
  const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, overrides));
  return { ...f, services };
}

/** The required props of `Membrane` in `stack`: secrets by name, Auth0, host names in example.com. */
export function membraneInputs(stack: Stack) {
  const secret = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name.replace(/\W/g, ''), name);
  return {
    version: MembraneVersion.of('2026-01-14'),
    registryCredentials: secret('membrane/registry'),
    mongoUri: secret('membrane/mongo-uri'),
    selfHostingToken: secret('membrane/token'),
    auth: MembraneAuth.auth0({ domain: 'login.example.com', clientId: 'client-1', clientSecret: secret('membrane/auth0') }),
    domain: { zone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' }) },
  };
}

/** What a platform team that already has buckets and a replication group brings. */
export function existingStorageAndCache(stack: Stack) {
  const vpc = new MembraneNetwork(stack, 'Network').vpc;
  const bucket = (name: string) => s3.Bucket.fromBucketName(stack, name, `acme-membrane-${name}`);
  const storage = MembraneStorage.fromBuckets(stack, 'Storage', {
    tmpBucket: bucket('tmp'),
    connectorsBucket: bucket('connectors'),
    staticBucket: bucket('static'),
    staticUrl: 'https://static.acme.example/',
  });
  const cache = MembraneCache.fromAttributes(stack, 'Cache', {
    vpc,
    replicationGroupId: 'acme-membrane',
    endpointAddress: 'master.acme-membrane.abc123.euc1.cache.amazonaws.com',
    port: 6379,
    securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'CacheSg', 'sg-0123456789abcdef0'),
    connectionSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'CacheUri', 'acme/membrane/redis-uri'),
  });
  return { vpc, storage, cache };
}

type Env = Record<string, unknown>;

/** A service's Membrane container as synthesized, with environment and secrets as name -> value maps. */
export function containerOf(stack: Stack, svc: IMembraneService) {
  const template = templateOf(stack);
  const id = stack.getLogicalId(svc.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition);
  const def = template.toJSON().Resources[id].Properties.ContainerDefinitions[0];
  const environment: Env = Object.fromEntries((def.Environment ?? []).map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
  const secrets: Env = Object.fromEntries((def.Secrets ?? []).map((e: { Name: string; ValueFrom: unknown }) => [e.Name, e.ValueFrom]));
  return { def, environment, secrets, taskDefinition: template.toJSON().Resources[id].Properties };
}
