import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  Membrane, MembraneAuth, MembraneBackup, MembraneCache, MembraneExposure, MembraneMongo, MembraneNetwork, MembraneScaling, MembraneStorage,
  MembraneFirewall, MembraneVersion,
} from '../../lib';
import { buildServices, membraneInputs } from '../fixtures';
import { testStack } from '../rule-packs';

/**
 * A prop given as a token (a CloudFormation parameter here; an attribute or a Lazy alike) is never rejected and
 * never compared: aws-cdk-lib encodes a number token as a huge negative number, which a naive range check
 * refuses with a message like `-1.888e+289`. No warning fires on a token either.
 */
const num = (stack: Stack, id: string) => new CfnParameter(stack, `P${id}`, { type: 'Number' }).valueAsNumber;
const str = (stack: Stack, id: string) => new CfnParameter(stack, `P${id}`, { type: 'String' }).valueAsString;

/**
 * Synthesizes with no warning, except those named: a token that hides what a warning is about (e.g. how many cache
 * nodes to alarm on) may say so.
 */
function synthesizesQuietly(stack: Stack, ...expected: string[]): void {
  Template.fromStack(stack);
  const annotations = Annotations.fromStack(stack);
  const unexpected = annotations.findWarning('*', Match.stringLikeRegexp('.*'))
    .map(w => String(w.entry.data))
    .filter(text => !expected.some(id => text.includes(`[ack: ${id}]`)));
  expect(unexpected).toEqual([]);
  for (const id of expected) annotations.hasWarning('*', Match.stringLikeRegexp(`\\[ack: ${id}\\]`));
}

describe('token-valued props are accepted as they are', () => {
  test.each<[string, (stack: Stack) => void]>([
    ['services cpu and memory', s => buildServices({ services: { api: { cpu: num(s, 'Cpu'), memoryLimitMiB: num(s, 'Mem') } } }, s)],
    ['orchestrator desiredCount', s => buildServices({ services: { orchestrator: { desiredCount: num(s, 'Count') } } }, s)],
    ['Mongo pool sizes', s => buildServices({ settings: { mongoMinPoolSize: num(s, 'Min'), mongoMaxPoolSize: num(s, 'Max') } }, s)],
    ['start-up retries and queued task memory', s => buildServices({
      settings: { startupCheckRetries: num(s, 'Retries'), maxQueuedTasksMemoryMb: num(s, 'QueuedMb') },
    }, s)],
    ['registry host', s => buildServices({ registry: str(s, 'Registry') }, s)],
    ['image tag', s => buildServices({ version: MembraneVersion.of(str(s, 'Tag')) }, s)],
    ['API host name and UI base path', s => buildServices({
      domain: {
        certificate: acm.Certificate.fromCertificateArn(s, 'Cert', 'arn:aws:acm:eu-central-1:123456789012:certificate/abc'),
        apiDomainName: str(s, 'Host'),
        uiBasePath: str(s, 'UiPath'),
        consoleDomainName: 'console.example.com',
      },
    }, s)],
    ['SMTP port and sender', s => buildServices({
      auth: MembraneAuth.usernamePassword({
        host: 'smtp.example.com',
        port: num(s, 'Port'),
        user: 'u',
        emailFrom: str(s, 'From'),
        password: secretsmanager.Secret.fromSecretNameV2(s, 'Smtp', 'membrane/smtp'),
      }),
    }, s)],
    ['Auth0 domain', s => buildServices({
      auth: MembraneAuth.auth0({
        domain: str(s, 'Auth0Domain'), clientId: str(s, 'ClientId'), clientSecret: secretsmanager.Secret.fromSecretNameV2(s, 'A0', 'x/auth0'),
      }),
    }, s)],
    ['scaling bounds and target', s => new MembraneScaling(s, 'Scaling', {
      services: buildServices({}, s).services,
      api: { minCapacity: num(s, 'ApiMin'), maxCapacity: num(s, 'ApiMax'), target: num(s, 'ApiTarget') },
      queuedTasksWorker: { maxCapacity: num(s, 'QueuedMax') },
    })],
    ['buffer ratio and scrape interval', s => new MembraneScaling(s, 'Scaling', {
      services: buildServices({}, s).services,
      queuedTasksWorker: { strategy: 'workers-required' as never, bufferRatio: num(s, 'Buffer') },
      scrapeInterval: Duration.seconds(num(s, 'Scrape')),
    })],
    ['memory target, burst cooldown, runner maximum and queue-depth target', s => new MembraneScaling(s, 'Scaling', {
      services: buildServices({}, s).services,
      api: { memoryTarget: num(s, 'MemoryTarget') },
      instantTasksWorker: { strategy: 'queue-depth' as never, target: num(s, 'JobsPerTask') },
      customCodeRunner: { maxCapacity: num(s, 'RunnerMax'), target: num(s, 'JobSpaceUse') },
      burstCooldown: Duration.seconds(num(s, 'BurstCooldown')),
    })],
    ['task-protection image and queued process time', s => buildServices({
      taskProtectionImage: str(s, 'ProtectionImage'),
      settings: { maxQueuedTasksProcessTime: Duration.seconds(num(s, 'ProcessTime')) },
    }, s)],
    ['backup retentions and copy vault', s => {
      const storage = new MembraneStorage(s, 'Storage');
      new MembraneBackup(s, 'Backup', {
        buckets: [storage.connectorsBucket, storage.staticBucket],
        continuousRetention: Duration.days(num(s, 'Continuous')),
        dailyRetention: Duration.days(num(s, 'Daily')),
        copyToVaultArn: str(s, 'CopyVault'),
        copyRetention: Duration.days(num(s, 'CopyDays')),
      });
    }],
    ['Atlas organization, size and names', s => {
      const { mongoUri: _given, ...inputs } = membraneInputs(s);
      new Membrane(s, 'Membrane', {
        ...inputs,
        domain: {
          ...inputs.domain,
          staticCertificate: acm.Certificate.fromCertificateArn(s, 'Static', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
        },
        mongo: MembraneMongo.atlas({ orgId: str(s, 'Org'), instanceSize: str(s, 'Size'), clusterName: str(s, 'Cluster') }),
      });
    }],
    ['firewall rate limit', s => buildServices({ firewall: MembraneFirewall.managed({ rateLimit: num(s, 'RateLimit') }) }, s)],
    ['public edge host names, paths and rate limit; internal allow-list', s => buildServices({
      exposure: MembraneExposure.internalWithPublicEdge({
        webhooksDomainName: str(s, 'HooksHost'),
        webhookPaths: [str(s, 'HooksPath')],
        oauthCallbackDomainName: str(s, 'OauthHost'),
        oauthCallbackPaths: ['/oauth-callback'],
        allowFrom: [ec2.Peer.ipv4(str(s, 'VpnCidr'))],
        firewall: MembraneFirewall.managed({ rateLimit: num(s, 'EdgeRate') }),
      }),
    }, s)],
    ['secret replica regions', s => buildServices({
      secretReplicaRegions: [str(s, 'ReplicaRegion')],
    }, s)],
    ['cache replicas, shards, port and snapshots', s => new MembraneCache(s, 'Cache', {
      vpc: new MembraneNetwork(s, 'Network').vpc,
      replicasPerShard: num(s, 'Replicas'),
      clusterMode: { shards: num(s, 'Shards') },
      port: num(s, 'CachePort'),
      snapshotRetentionDays: num(s, 'Snapshots'),
    })],
    ['cache engine version and timeout', s => new MembraneCache(s, 'Cache', {
      vpc: new MembraneNetwork(s, 'Network').vpc, engineVersion: str(s, 'Engine'), connectTimeout: Duration.millis(num(s, 'Timeout')),
    })],
    ['network NAT gateways', s => new MembraneNetwork(s, 'Network', { natGateways: num(s, 'Nat') })],
    ['storage bucket prefix and expiry', s => new MembraneStorage(s, 'Storage', {
      bucketNamePrefix: str(s, 'Prefix'), tmpObjectExpiration: Duration.days(num(s, 'TmpDays')),
    })],
    ['brought storage URL', s => MembraneStorage.fromBuckets(s, 'Storage', {
      tmpBucket: {} as never, connectorsBucket: {} as never, staticBucket: {} as never, staticUrl: str(s, 'StaticUrl'),
    })],
    ['Membrane UI host relative to the zone', s => {
      const inputs = membraneInputs(s);
      new Membrane(s, 'Membrane', {
        ...inputs,
        domain: {
          ...inputs.domain,
          uiHost: str(s, 'UiHost'),
          staticCertificate: acm.Certificate.fromCertificateArn(s, 'Static', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
        },
      });
    }],
    ['start-up delays and Mongo timeouts, each given alone', s => buildServices({
      settings: {
        startupCheckRetryDelay: Duration.millis(num(s, 'FirstDelay')),
        mongoServerSelectionTimeout: Duration.millis(num(s, 'MongoSelection')),
        mongoMaxIdleTime: Duration.millis(num(s, 'MongoIdle')),
      },
    }, s)],
    ['an encryption key imported from an ARN parameter', s => buildServices({
      encryptionKey: kms.Key.fromKeyArn(s, 'ImportedKey', str(s, 'KeyArn')),
    }, s)],
    ['a health check command with a parameter in it', s => buildServices({
      services: { orchestrator: { healthCheckCommand: ['CMD-SHELL', str(s, 'Check')] } },
    }, s)],
    ['Membrane tag values', s => {
      const inputs = membraneInputs(s);
      new Membrane(s, 'Membrane', {
        ...inputs,
        tags: { team: str(s, 'Team') },
        domain: {
          ...inputs.domain,
          staticCertificate: acm.Certificate.fromCertificateArn(s, 'Static', 'arn:aws:acm:us-east-1:123456789012:certificate/abc'),
        },
      });
    }],
  ])('%s', (name, build) => {
    const stack = testStack();
    build(stack);
    // The nodes to alarm on are unknown with token replicas or shards: the cache says the alarm is the user's.
    synthesizesQuietly(stack, ...(name.startsWith('cache replicas') ? ['@org/membrane-cdk:noMemoryAlarm'] : []));
  });
});
