import { CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ENGINES, NOT_ENGINES } from './support';
import {
  MembraneAuth, MembraneCache, MembraneCacheProps, MembraneCacheRole, MembraneCredentialsStorage, MembraneEcsServices,
  MembraneStartupCheck,
} from '../../lib';
import { buildServices, containerOf, servicesFixture, servicesProps } from '../fixtures';
import { annotationsOf, describeCdkTest, templateOf } from '../harness';

// MembraneEcsServices: settings, auth and secrets options, and the caches the services read.

describeCdkTest('MembraneEcsServices options', () => {
  test('username/password auth: SMTP variables and password secret, no Auth0 anywhere', () => {
    const f = servicesFixture();
    const smtpPassword = secretsmanager.Secret.fromSecretNameV2(f.stack, 'Smtp', 'membrane/smtp');
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      auth: MembraneAuth.usernamePassword({
        host: 'smtp.example.com', user: 'noreply@example.com', password: smtpPassword, emailFrom: 'noreply@example.com',
      }),
    }));
    const api = containerOf(f.stack, services.api);
    expect(api.environment).toMatchObject({
      SMTP_HOST: 'smtp.example.com',
      SMTP_PORT: '587',
      SMTP_USER: 'noreply@example.com',
      EMAIL_FROM: 'noreply@example.com',
    });
    expect(Object.keys(api.secrets)).toContain('SMTP_PASSWORD');
    const everything = JSON.stringify(services.allServices().map(s => containerOf(f.stack, s).environment));
    expect(everything).not.toContain('AUTH0');
  });

  test('settings map to their variables; limits switch API and Console together', () => {
    const b = buildServices({
      settings: {
        enableLimits: true,
        debug: true,
        maxNodeRunOutputSizeMb: 50,
        baseWebhooksUri: 'https://hooks.example.com',
        baseOauthCallbackUri: 'https://oauth.example.com',
        baseUriInternal: 'http://api.internal:5000',
        connectionCredentialsStorage: MembraneCredentialsStorage.EXTERNAL_API,
        connectionCredentialsEndpointUrl: 'https://creds.example.com',
        mongoMaxIdleTime: Duration.minutes(5),
        mongoMinPoolSize: 3,
        mongoMaxPoolSize: 50,
        mongoServerSelectionTimeout: Duration.seconds(30),
        startupCheckRetries: 7,
        startupCheckRetryDelay: Duration.seconds(1),
        startupCheckMaxRetryDelay: Duration.seconds(10),
        skipStartupChecks: [MembraneStartupCheck.MONGO, MembraneStartupCheck.REDIS],
        maxQueuedTasksMemoryMb: 2048,
        maxQueuedTasksProcessTime: Duration.seconds(5000),
      },
      services: { queuedTasksWorker: { memoryLimitMiB: 4096 } },
    });
    expect(containerOf(b.stack, b.services.api).environment).toMatchObject({
      ENABLE_LIMITS: 'true',
      DEBUG_ALL: '1',
      MAX_NODE_RUN_OUTPUT_SIZE_MB: '50',
      BASE_WEBHOOKS_URI: 'https://hooks.example.com',
      BASE_OAUTH_CALLBACK_URI: 'https://oauth.example.com',
      BASE_URI_INTERNAL: 'http://api.internal:5000',
      CONNECTION_CREDENTIALS_STORAGE_TYPE: 'external_api',
      CONNECTION_CREDENTIALS_EXTERNAL_API_ENDPOINT_URL: 'https://creds.example.com',
      MONGO_MAX_IDLE_TIME_MS: '300000',
      MONGO_MIN_POOL_SIZE: '3',
      MONGO_MAX_POOL_SIZE: '50',
      MONGO_SERVER_SELECTION_TIMEOUT_MS: '30000',
      HEALTH_CHECK_RETRIES: '7',
      HEALTH_CHECK_RETRY_DELAY_MS: '1000',
      HEALTH_CHECK_MAX_RETRY_DELAY_MS: '10000',
      SKIP_HEALTH_CHECKS: 'mongo,redis',
    });
    expect(containerOf(b.stack, b.services.queuedTasksWorker).environment).toMatchObject({
      MAX_QUEUED_TASKS_MEMORY_MB: '2048',
      MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS: '5000',
    });
    expect(containerOf(b.stack, b.services.console).environment).toMatchObject({ NEXT_PUBLIC_ENABLE_LIMITS: 'true', DEBUG_ALL: '1' });
    expect(containerOf(b.stack, b.services.ui).environment.DEBUG_ALL).toBe('1');
    expect(containerOf(b.stack, b.services.customCodeRunner).environment.DEBUG_ALL).toBe('1');
    annotationsOf(b.stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp('Start-up checks skipped'));
  });

  test('a dedicated worker cache adds WORKER_REDIS_URI and its port is opened to the api-image services', () => {
    const f = servicesFixture();
    const workerCache = new MembraneCache(f.stack, 'WorkerCache', { vpc: f.network.vpc, role: MembraneCacheRole.WORKER, port: 6390 });
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { workerCache }));
    expect(Object.keys(containerOf(f.stack, services.queuedTasksWorker).secrets)).toEqual(expect.arrayContaining(['REDIS_URI', 'WORKER_REDIS_URI']));
    templateOf(f.stack).resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { FromPort: 6390 }, 4);
  });

  test('given SECRET and ENCRYPTION_SECRET are used instead of generating them', () => {
    const f = servicesFixture();
    const jwt = secretsmanager.Secret.fromSecretNameV2(f.stack, 'Jwt', 'membrane/jwt');
    const enc = secretsmanager.Secret.fromSecretNameV2(f.stack, 'Enc', 'membrane/enc');
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      jwtSecret: jwt, encryptionSecret: enc,
    }));
    expect(services.generatedJwtSecret).toBeUndefined();
    expect(services.generatedEncryptionSecret).toBeUndefined();
    expect(JSON.stringify(containerOf(f.stack, services.api).secrets.SECRET)).toContain('membrane/jwt');
  });

  test('a customer-managed key encrypts generated secrets and log groups', () => {
    const f = servicesFixture();
    const key = new kms.Key(f.stack, 'Key', { enableKeyRotation: true });
    new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { encryptionKey: key }));
    const keyArn = { 'Fn::GetAtt': [f.stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    const template = templateOf(f.stack);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: keyArn }, 7);
    template.resourcePropertiesCountIs('AWS::SecretsManager::Secret', { KmsKeyId: keyArn }, 2);
  });

  test('extra environment and secrets per service', () => {
    const f = servicesFixture();
    const extra = secretsmanager.Secret.fromSecretNameV2(f.stack, 'Extra', 'membrane/extra');
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      services: { api: { environment: { FEATURE_FLAG: 'on' }, secrets: { PARTNER_API_KEY: ecs.Secret.fromSecretsManager(extra) } } },
    }));
    const api = containerOf(f.stack, services.api);
    expect(api.environment.FEATURE_FLAG).toBe('on');
    expect(Object.keys(api.secrets)).toContain('PARTNER_API_KEY');
  });
});

describeCdkTest('MembraneEcsServices cache endpoints roll the services that read them', () => {
  const endpoint = (stack: Stack, cache: MembraneCache) =>
    ({ 'Fn::GetAtt': [stack.getLogicalId(cache.replicationGroup), 'PrimaryEndPoint.Address'] });

  test('the task definitions that read REDIS_URI and WORKER_REDIS_URI reference the replication groups\' endpoints; the others do not', () => {
    const f = servicesFixture();
    const workerCache = new MembraneCache(f.stack, 'WorkerCache', { vpc: f.network.vpc, role: MembraneCacheRole.WORKER });
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { workerCache }));
    const template = templateOf(f.stack);
    for (const key of ENGINES) {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: Match.arrayWith([Match.objectLike({
          Name: services[key].serviceName,
          DockerLabels: Match.objectLike({
            'membrane-cdk.cache-endpoint': endpoint(f.stack, f.cache),
            'membrane-cdk.worker-cache-endpoint': endpoint(f.stack, workerCache),
          }),
        })]),
      });
    }
    for (const key of NOT_ENGINES) expect(containerOf(f.stack, services[key]).def.DockerLabels).toBeUndefined();
  });

  test('in cluster mode the configuration endpoint (REDIS_CLUSTER_URI_1)', () => {
    const f = servicesFixture();
    const cache = new MembraneCache(f.stack, 'ClusterCache', { vpc: f.network.vpc, clusterMode: { shards: 2 } });
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { cache }));
    expect(containerOf(f.stack, services.api).def.DockerLabels).toMatchObject({
      'membrane-cdk.cache-endpoint': { 'Fn::GetAtt': [f.stack.getLogicalId(cache.replicationGroup), 'ConfigurationEndPoint.Address'] },
    });
  });

  test('a secret this stack assembles from other resources: its sources are a label, so replacing one rolls the readers', () => {
    const f = servicesFixture();
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f));
    const authToken = f.stack.getLogicalId(f.cache.authTokenSecret.node.defaultChild as CfnElement);
    // REDIS_URI is rediss://:<AUTH token>@<endpoint>:<port>: a new token secret or a new endpoint is a new revision.
    expect(containerOf(f.stack, services.api).def.DockerLabels['membrane-cdk.secret-sources.REDIS_URI']).toEqual({
      'Fn::Join': [' ', [{ Ref: authToken }, endpoint(f.stack, f.cache)]],
    });
    // Secrets made elsewhere (the registry login, MONGO_URI given by the user) carry nothing to follow.
    expect(Object.keys(containerOf(f.stack, services.api).def.DockerLabels).filter(l => l.startsWith('membrane-cdk.secret-sources.')))
      .toEqual(['membrane-cdk.secret-sources.REDIS_URI']);
  });
});

describeCdkTest('MembraneEcsServices cache roles', () => {
  const worker = (f: ReturnType<typeof servicesFixture>, id: string, props: Partial<MembraneCacheProps> = {}) =>
    new MembraneCache(f.stack, id, { vpc: f.network.vpc, role: MembraneCacheRole.WORKER, ...props });

  test('a worker cache given as the main cache is refused: no service would get REDIS_URI', () => {
    const f = servicesFixture();
    expect(() => new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { cache: worker(f, 'W') })))
      .toThrow(/invalid 'cache': it is a worker cache \(it provides WORKER_REDIS_URI\)/);
  });

  test('a worker cache without the worker role is refused with the prop to fix', () => {
    const f = servicesFixture();
    const notWorker = new MembraneCache(f.stack, 'W', { vpc: f.network.vpc });
    expect(() => new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, { workerCache: notWorker })))
      .toThrow(/invalid 'workerCache.role': the worker cache provides REDIS_URI/);
  });

  test('caches with different connect timeouts: REDIS_CONNECT_TIMEOUT_MS is the longer one', () => {
    const f = servicesFixture();
    const services = new MembraneEcsServices(f.stack, 'Membrane', servicesProps(f, {
      workerCache: worker(f, 'W', { connectTimeout: Duration.seconds(90) }),
    }));
    const { environment, secrets } = containerOf(f.stack, services.queuedTasksWorker);
    expect(environment.REDIS_CONNECT_TIMEOUT_MS).toBe('90000');
    expect(Object.keys(secrets)).toEqual(expect.arrayContaining(['REDIS_URI', 'WORKER_REDIS_URI']));
  });
});
