import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { build, vpcIn } from './support';
import { MembraneCache, MembraneCacheEngine, MembraneCacheProps } from '../../lib';
import { describeCdkTest } from '../harness';
import { testStack } from '../rule-packs';

// MembraneCache rejects bad input.

describeCdkTest('MembraneCache rejects bad input', () => {
  test.each<[string, Partial<MembraneCacheProps>, RegExp]>([
    ['Multi-AZ without replicas', { replicasPerShard: 0 }, /invalid 'multiAz': Multi-AZ with automatic failover needs a replica/],
    ['cluster mode with 0 shards', { clusterMode: { shards: 0 } }, /invalid 'clusterMode.shards': 0 is not a whole number from 1 to 500/],
    ['fractional shards', { clusterMode: { shards: 1.5 } }, /invalid 'clusterMode.shards'/],
    ['too many replicas', { replicasPerShard: 6 }, /invalid 'replicasPerShard': 6 is not a whole number from 0 to 5/],
    ['negative replicas', { replicasPerShard: -1, multiAz: false }, /invalid 'replicasPerShard'/],
    ['privileged port', { port: 80 }, /invalid 'port'/],
    ['snapshot retention over 35 days', { snapshotRetentionDays: 36 }, /invalid 'snapshotRetentionDays'/],
    ['engine version without minor', { engine: MembraneCacheEngine.REDIS, engineVersion: '7' }, /invalid 'engineVersion': ElastiCache does not offer redis '7'. Use one of 6.2, 7.0, 7.1/],
    ['a Redis version ElastiCache does not offer', { engine: MembraneCacheEngine.REDIS, engineVersion: '7.4' }, /invalid 'engineVersion': ElastiCache does not offer redis '7.4'/],
    ['a Valkey version with the Redis engine', { engine: MembraneCacheEngine.REDIS, engineVersion: '8.0' }, /invalid 'engineVersion': ElastiCache does not offer redis '8.0'/],
    ['a Redis version with the Valkey engine', { engine: MembraneCacheEngine.VALKEY, engineVersion: '7.1' },
      /invalid 'engineVersion': ElastiCache does not offer valkey '7.1'. Use one of 7.2, 8.0, 8.1/],
    ['a node type without the cache. prefix', { cacheNodeType: 'm5.large' }, /invalid 'cacheNodeType': 'm5.large' is not a cache node type/],
    ['a previous-generation node type', { cacheNodeType: 'cache.t2.micro' }, /invalid 'cacheNodeType': 'cache.t2.micro'/],
    // ElastiCache creates r6gd only with DataTieringEnabled; without it CreateReplicationGroup fails at deployment.
    ['a data-tiering node type', { cacheNodeType: 'cache.r6gd.xlarge' },
      /invalid 'cacheNodeType': 'cache.r6gd.xlarge' is a data-tiering node type.*DataTieringEnabled.*Use a node type of the same memory without SSD, e.g. 'cache.r7g.xlarge'/],
    ['a size the family does not come in', { cacheNodeType: 'cache.t4g.large' },
      /invalid 'cacheNodeType': ElastiCache has no 'cache.t4g.large': t4g comes in micro, small, medium/],
    ['a Valkey-only family with Redis OSS', { engine: MembraneCacheEngine.REDIS, cacheNodeType: 'cache.m8g.large' },
      /invalid 'cacheNodeType': ElastiCache offers m8g nodes for valkey only, not for redis. Use engine MembraneCacheEngine.VALKEY/],
    ['memcached, which a replication group cannot run', { engine: 'memcached' as MembraneCacheEngine },
      /invalid 'engine': 'memcached' is not an engine of an ElastiCache replication group \(redis, valkey\). Use MembraneCacheEngine.VALKEY/],
    ['an engine name with a typo (JavaScript)', { engine: 'valky' as MembraneCacheEngine }, /invalid 'engine': 'valky'/],
    ['an engine in capitals', { engine: 'Redis' as MembraneCacheEngine }, /invalid 'engine': 'Redis'/],
    ['sub-second connect timeout', { connectTimeout: Duration.millis(100) }, /invalid 'connectTimeout'/],
    ['a connect timeout in fractions of a millisecond', { connectTimeout: Duration.millis(1500.5) },
      /invalid 'connectTimeout': .* is not a whole number of milliseconds/],
    ['a key of another region', { encryptionKey: kms.Key.fromKeyArn(new Stack(), 'ForeignKey', 'arn:aws:kms:ap-south-1:123456789012:key/abc') }, /invalid 'encryptionKey': the key is in ap-south-1/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('an engine token without a version', () => {
    const stack = testStack();
    const engine = new CfnParameter(stack, 'Engine').valueAsString as MembraneCacheEngine;
    expect(() => new MembraneCache(stack, 'Cache', { vpc: vpcIn(stack), engine }))
      .toThrow(/invalid 'engineVersion': engine is a token, so the default version of the engine cannot be chosen. Give engineVersion too/);
  });
});
