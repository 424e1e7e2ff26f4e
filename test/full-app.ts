import { App, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  Membrane, MembraneAuth, MembraneBucketBackup, MembraneCacheEngine, MembraneExposure, MembraneMongo, MembraneProps, MembraneVersion,
} from '../lib';
import { testApp } from './rule-packs';

/** What the first stack of the full app varies, to see what a change of one setting replaces. */
export interface FullAppVariant {
  /** Exposure of the first stack. @default 'internetFacing' */
  readonly exposure?: 'internetFacing' | 'internal';
  /** Cache engine of the first stack. @default MembraneCacheEngine.VALKEY */
  readonly engine?: MembraneCacheEngine;
}

const REGION = 'eu-central-1';
const DR_REGION = 'eu-west-1';
const ACCOUNT = '111111111111';
const ATLAS_ORG = '0123456789abcdef01234567';
const ZONE = { zoneName: 'example.com', hostedZoneId: 'Z0000000000EXAMPLE' };

/** The first stack's name; its stack alone is what `fullAppVariant` builds. */
export const FULL_STACK = 'MembraneFull';

/**
 * A Membrane in `stack` as a platform team deploys several of them in one account, region and hosted zone: its
 * own host names (`<host>-<suffix>`), the secrets it was given (the MongoDB URI unless `props.mongo`), and whatever
 * `props` adds.
 */
function membrane(stack: Stack, suffix: string, props: Partial<MembraneProps>): Membrane {
  const secret = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, `${name.replace(/\W/g, '')}Secret`, `membrane-${suffix}/${name}`);
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', ZONE);
  return new Membrane(stack, 'Membrane', {
    version: MembraneVersion.of('2026-01-14'),
    registryCredentials: secret('registry'),
    // MongoDB Atlas in the same deployment, or a connection string the team stored.
    mongoUri: props.mongo ? undefined : secret('mongo-uri'),
    selfHostingToken: secret('self-hosting-token'),
    auth: MembraneAuth.auth0({ domain: 'login.example.com', clientId: `client-${suffix}`, clientSecret: secret('auth0') }),
    domain: {
      zone,
      apiHost: `api-${suffix}`,
      uiHost: `ui-${suffix}`,
      consoleHost: `console-${suffix}`,
      staticHost: `static-${suffix}`,
    },
    ...props,
  });
}

/**
 * The first stack: every data feature at once. A customer-managed key for everything, the connectors and static
 * buckets replicated to another region's buckets (encrypted with that region's key), backups copied to another
 * region's vault, MongoDB Atlas in the same deployment, the static certificate in a us-east-1 companion stack.
 */
function fullStack(app: App, variant: FullAppVariant): Stack {
  const stack = new Stack(app, FULL_STACK, { env: { region: REGION } });
  const key = new kms.Key(stack, 'Key', { description: 'Membrane data', enableKeyRotation: true });
  const drKey = kms.Key.fromKeyArn(stack, 'DrKey', `arn:aws:kms:${DR_REGION}:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`);
  const destination = (name: string) => s3.Bucket.fromBucketAttributes(stack, `${name}Destination`, {
    bucketArn: `arn:aws:s3:::membrane-full-${name.toLowerCase()}-dr`, region: DR_REGION, encryptionKey: drKey,
  });
  membrane(stack, 'full', {
    mongo: MembraneMongo.atlas({ orgId: ATLAS_ORG }),
    encryptionKey: key,
    exposure: variant.exposure === 'internal' ? MembraneExposure.internal() : MembraneExposure.internetFacing(),
    cacheOptions: variant.engine ? { engine: variant.engine } : undefined,
    storageOptions: { replication: { connectorsDestination: destination('Connectors'), staticDestination: destination('Static') } },
    backup: MembraneBucketBackup.awsBackup({ copyToVaultArn: `arn:aws:backup:${DR_REGION}:${ACCOUNT}:backup-vault:membrane-dr` }),
  });
  return stack;
}

/**
 * Every exposure mode and the other optional features in one app, one account, one region and one hosted zone, as
 * a platform team runs several environments side by side: `MembraneFull` (internet-facing, see `fullStack`),
 * `MembraneInternal` (internal, a dedicated worker cache, secret replicas, MongoDB Atlas in the same organization)
 * and `MembraneEdge` (internal with a public edge for webhooks and OAuth callbacks). The app sets no feature flags
 * (like `testStack()`): a consumer whose cdk.json predates aws-cdk-lib's recommended flags gets these templates.
 */
export function fullApp(): App {
  const app = testApp();
  fullStack(app, {});

  const internal = new Stack(app, 'MembraneInternal', { env: { region: REGION } });
  membrane(internal, 'internal', {
    mongo: MembraneMongo.atlas({ orgId: ATLAS_ORG }),
    exposure: MembraneExposure.internal(),
    workerCacheOptions: {},
    secretReplicaRegions: [DR_REGION],
  });

  const edge = new Stack(app, 'MembraneEdge', { env: { region: REGION } });
  membrane(edge, 'edge', {
    exposure: MembraneExposure.internalWithPublicEdge({
      webhooksDomainName: 'webhooks-edge.example.com',
      webhookPaths: ['/webhooks/*'],
      oauthCallbackDomainName: 'oauth-edge.example.com',
      oauthCallbackPaths: ['/oauth-callback', '/oauth-callback/*'],
    }),
  });
  return app;
}

/** The first stack of `fullApp` (and its companion stack) alone, with one setting changed. */
export function fullAppVariant(variant: FullAppVariant): App {
  const app = testApp();
  fullStack(app, variant);
  return app;
}
