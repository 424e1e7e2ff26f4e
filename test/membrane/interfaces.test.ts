import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  Membrane, MembraneAuth, MembraneCache, MembraneCacheRole, MembraneNetwork, MembraneScaling, MembraneStorage,
} from '../../lib';
import { buildServices, membraneInputs } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { expectNoNagFindings, testStack } from '../nag';

/** What a platform team that already has buckets and a replication group brings. */
function existing(stack: Stack) {
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

describeCdkTest('MembraneStorage.fromBuckets', () => {
  const stack = testStack();
  const { storage } = existing(stack);

  test('derives the storage environment from the buckets, without a trailing slash on the URL', () => {
    expect(storage.staticUrl).toBe('https://static.acme.example');
    expect(stack.resolve(storage.environmentContract.environment)).toEqual({
      STORAGE_PROVIDER: 's3',
      AWS_REGION: 'eu-central-1',
      TMP_STORAGE_BUCKET: 'acme-membrane-tmp',
      CONNECTORS_STORAGE_BUCKET: 'acme-membrane-connectors',
      STATIC_STORAGE_BUCKET: 'acme-membrane-static',
      BASE_STATIC_URI: 'https://static.acme.example',
      // The names Membrane's own deployments read, for the same buckets.
      TMP_S3_BUCKET: 'acme-membrane-tmp',
      CONNECTORS_S3_BUCKET: 'acme-membrane-connectors',
      STATIC_S3_BUCKET: 'acme-membrane-static',
    });
    expect(storage.environmentContract.secrets).toEqual({});
  });

  test('grants the same object and bucket actions as a created storage', () => {
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    storage.grantReadWrite(role);
    templateOf(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['s3:ListBucket', 's3:GetBucketLocation'] }),
          Match.objectLike({
            Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          }),
        ]),
      },
    });
  });

  test('rejects a static URL that is not https', () => {
    const s = testStack();
    const b = s3.Bucket.fromBucketName(s, 'B', 'bucket');
    expect(() => MembraneStorage.fromBuckets(s, 'Storage', { tmpBucket: b, connectorsBucket: b, staticBucket: b, staticUrl: 'static.acme.example' }))
      .toThrow(/invalid 'staticUrl': 'static.acme.example' is not an https URL/);
  });
});

describeCdkTest('MembraneCache.fromAttributes', () => {
  test('main role: REDIS_URI from the connection secret, the TLS flag and the default timeout', () => {
    const stack = testStack();
    const { cache } = existing(stack);
    expect(Object.keys(cache.environmentContract.secrets)).toEqual(['REDIS_URI']);
    expect(cache.environmentContract.environment).toEqual({ REDIS_DISABLE_TLS_VERIFICATION: 'true', REDIS_CONNECT_TIMEOUT_MS: '60000' });
    expect([cache.replicationGroupId, cache.port]).toEqual(['acme-membrane', 6379]);
  });

  test('worker role in cluster mode: WORKER_REDIS_CLUSTER_URI_1', () => {
    const stack = testStack();
    const { vpc } = existing(stack);
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
    const { vpc } = existing(stack);
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
    const { cache } = existing(stack);
    const cpu = cache.metricEngineCpuUtilization() as cloudwatch.MathExpression;
    expect(cpu.expression).toBe('SEARCH(\'{AWS/ElastiCache,CacheClusterId} MetricName="EngineCPUUtilization" "acme-membrane"\', \'Average\', 60)');
    expect((cache.metricCurrConnections() as cloudwatch.MathExpression).expression).toContain("'Maximum'");
    expect(cache.metricDatabaseMemoryUsagePercentage().toMetricConfig().mathExpression?.period).toBe(60);
  });
});

describeCdkTest('Membrane on brought storage and cache', () => {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
  const { vpc, storage, cache } = existing(stack);
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

describeCdkTest('IMembraneService.autoScaleTaskCount', () => {
  test('hands the count over once: DesiredCount leaves the template; a second MembraneScaling is refused', () => {
    const { stack, services } = buildServices();
    const scaling = services.ui.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 3 });
    expect(stack.resolve(scaling.scalableTargetId).Ref).toMatch(/^MembraneUiServiceTaskCountTarget/);
    const id = stack.getLogicalId(services.ui.service.node.defaultChild as ecs.CfnService);
    expect(templateOf(stack).toJSON().Resources[id].Properties.DesiredCount).toBeUndefined();
    expect(() => services.ui.autoScaleTaskCount({ maxCapacity: 3 })).toThrow(/already autoscaled/);

    new MembraneScaling(stack, 'Scaling', { services });
    expect(() => new MembraneScaling(stack, 'ScalingAgain',
      { services })).toThrow(/invalid 'services': Test\/Membrane already has a MembraneScaling/);
  });
});

describeCdkTest('MembraneAuth.bind', () => {
  test('Auth0: engine contract with the client secret as an ECS secret, public values for the Console, SMTP forbidden', () => {
    const stack = testStack();
    const config = MembraneAuth.auth0({
      domain: 'login.example.com', clientId: 'c1', clientSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'A', 'membrane/auth0'),
    }).bind(stack);
    expect(config.engine.environment).toEqual({ AUTH0_DOMAIN: 'login.example.com', AUTH0_CLIENT_ID: 'c1' });
    expect(Object.keys(config.engine.secrets)).toEqual(['AUTH0_CLIENT_SECRET']);
    expect(config.consoleEnvironment).toEqual({ NEXT_PUBLIC_AUTH0_DOMAIN: 'login.example.com', NEXT_PUBLIC_AUTH0_CLIENT_ID: 'c1' });
    expect(config.forbiddenVariables).toContain('SMTP_PASSWORD');
  });

  test('username/password without user: SMTP_USER and SMTP_PASSWORD from the username and password keys of one secret', () => {
    const stack = testStack();
    const smtp = secretsmanager.Secret.fromSecretNameV2(stack, 'Ses', 'membrane/smtp');
    const config = MembraneAuth.usernamePassword({ host: 'email-smtp.eu-central-1.amazonaws.com', password: smtp, emailFrom: 'a@b.c' })
      .bind(stack);
    expect(config.engine.environment).toEqual({ SMTP_HOST: 'email-smtp.eu-central-1.amazonaws.com', SMTP_PORT: '587', EMAIL_FROM: 'a@b.c' });
    const valueFrom = (name: string) => stack.resolve(config.engine.secrets[name].arn);
    expect(JSON.stringify(valueFrom('SMTP_USER'))).toContain(':secret:membrane/smtp:username::');
    expect(JSON.stringify(valueFrom('SMTP_PASSWORD'))).toContain(':secret:membrane/smtp:password::');
  });

  test('username/password: SMTP settings, the password as an ECS secret, nothing for the Console', () => {
    const stack = testStack();
    const config = MembraneAuth.usernamePassword({
      host: 'smtp.example.com', user: 'u', password: secretsmanager.Secret.fromSecretNameV2(stack, 'P', 'membrane/smtp'), emailFrom: 'a@b.c',
    }).bind(stack);
    expect(config.engine.environment).toEqual({ SMTP_HOST: 'smtp.example.com', SMTP_PORT: '587', SMTP_USER: 'u', EMAIL_FROM: 'a@b.c' });
    expect(Object.keys(config.engine.secrets)).toEqual(['SMTP_PASSWORD']);
    expect(config.consoleEnvironment).toEqual({});
    expect(config.forbiddenVariables).toContain('AUTH0_CLIENT_SECRET');
  });
});
