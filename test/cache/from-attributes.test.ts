import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { MembraneCache, MembraneCacheRole } from '../../lib';
import { existingStorageAndCache } from '../fixtures';
import { describeCdkTest } from '../harness';
import { testStack } from '../rule-packs';

// MembraneCache.fromAttributes: a replication group a platform team already has.

describeCdkTest('MembraneCache.fromAttributes', () => {
  test('main role: REDIS_URI from the connection secret, the TLS flag and the default timeout', () => {
    const stack = testStack();
    const { cache } = existingStorageAndCache(stack);
    expect(Object.keys(cache.environmentContract.secrets)).toEqual(['REDIS_URI']);
    expect(cache.environmentContract.environment).toEqual({ REDIS_DISABLE_TLS_VERIFICATION: 'true', REDIS_CONNECT_TIMEOUT_MS: '60000' });
    expect([cache.replicationGroupId, cache.port]).toEqual(['acme-membrane', 6379]);
  });

  test('worker role in cluster mode: WORKER_REDIS_CLUSTER_URI_1', () => {
    const stack = testStack();
    const { vpc } = existingStorageAndCache(stack);
    const cache = MembraneCache.fromAttributes(stack, 'Worker', {
      vpc,
      replicationGroupId: 'acme-worker',
      endpointAddress: 'clustercfg.acme-worker.abc123.euc1.cache.amazonaws.com',
      port: 6379,
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'WorkerSg', 'sg-0fedcba9876543210'),
      connectionSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'WorkerUri', 'acme/membrane/worker-redis-uri'),
      role: MembraneCacheRole.WORKER,
      clusterMode: true,
      connectTimeout: Duration.seconds(20),
    });
    expect(Object.keys(cache.environmentContract.secrets)).toEqual(['WORKER_REDIS_CLUSTER_URI_1']);
    expect(cache.environmentContract.environment.REDIS_CONNECT_TIMEOUT_MS).toBe('20000');
  });

  test('rejects a port outside 1-65535', () => {
    const stack = testStack();
    const { vpc } = existingStorageAndCache(stack);
    expect(() => MembraneCache.fromAttributes(stack, 'Bad', {
      vpc,
      replicationGroupId: 'x',
      endpointAddress: 'x',
      port: 0,
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'BadSg', 'sg-0123456789abcdef1'),
      connectionSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'BadUri', 'x'),
    })).toThrow(/invalid 'port': 0 is not a whole number from 1 to 65535/);
  });

  test('metric helpers search every node of the replication group', () => {
    const stack = testStack();
    const { cache } = existingStorageAndCache(stack);
    const cpu = cache.metricEngineCpuUtilization() as cloudwatch.MathExpression;
    expect(cpu.expression).toBe('SEARCH(\'{AWS/ElastiCache,CacheClusterId} MetricName="EngineCPUUtilization" "acme-membrane"\', \'Average\', 60)');
    expect((cache.metricCurrConnections() as cloudwatch.MathExpression).expression).toContain("'Maximum'");
    expect(cache.metricDatabaseMemoryUsagePercentage().toMetricConfig().mathExpression?.period).toBe(60);
  });
});
