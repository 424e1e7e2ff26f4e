import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ENGINES, NOT_ENGINES } from './support';
import { IMembraneService, MembraneEcsServicesProps } from '../../lib';
import { buildServices, containerOf } from '../fixtures';
import { annotationsOf, describeCdkTest, templateOf } from '../harness';
import { testStack } from '../rule-packs';

// MembraneEcsServices: the containers' environment, secrets and roles, the Node.js heap limit and the shared engine environment.

/** The Secrets Manager statements of a service's execution role policy. */
function executionRoleSecretStatements(stack: Stack, svc: IMembraneService): Array<{ Action: string[] | string; Resource: unknown }> {
  const role = svc.taskDefinition.executionRole!;
  const policy = Object.values(templateOf(stack).findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as ecs.CfnService) }] },
  }))[0];
  return policy.Properties.PolicyDocument.Statement.filter((s: { Action: string[] | string }) =>
    [s.Action].flat().some(a => a.startsWith('secretsmanager:')));
}

const ENGINE_COMMON = [
  'AUTH0_CLIENT_ID', 'AUTH0_DOMAIN', 'AWS_REGION', 'BASE_STATIC_URI', 'BASE_URI', 'BASE_URI_INTERNAL', 'CONNECTORS_S3_BUCKET',
  'CONNECTORS_STORAGE_BUCKET', 'CUSTOM_CODE_RUNNER_URI', 'HEALTH_CHECK_MAX_RETRY_DELAY_MS', 'HEALTH_CHECK_RETRIES', 'HEALTH_CHECK_RETRY_DELAY_MS',
  'HOST', 'MONGO_SERVER_SELECTION_TIMEOUT_MS', 'NODE_ENV', 'NODE_OPTIONS', 'PORT', 'REDIS_CONNECT_TIMEOUT_MS', 'REDIS_DISABLE_TLS_VERIFICATION',
  'STATIC_S3_BUCKET', 'STATIC_STORAGE_BUCKET', 'STORAGE_PROVIDER', 'TMP_S3_BUCKET', 'TMP_STORAGE_BUCKET',
];
const ENGINE_SECRETS = ['AUTH0_CLIENT_SECRET', 'ENCRYPTION_SECRET', 'MONGO_URI', 'REDIS_URI', 'SECRET', 'SELF_HOSTING_TOKEN'];

describeCdkTest('MembraneEcsServices environment ("Service Deployment", "Self-hosting on AWS", "Self-hosting")', () => {
  const { stack, services, storage } = buildServices();

  test('api: common variables, IS_API=1 and the 61 s header/keep-alive timeouts', () => {
    const { environment } = containerOf(stack, services.api);
    expect(Object.keys(environment).sort()).toEqual([...ENGINE_COMMON, 'HEADERS_TIMEOUT_MS', 'IS_API', 'KEEPALIVE_TIMEOUT_MS'].sort());
    expect(environment).toMatchObject({
      IS_API: '1',
      HEADERS_TIMEOUT_MS: '61000',
      KEEPALIVE_TIMEOUT_MS: '61000',
      NODE_ENV: 'production',
      PORT: '5000',
      BASE_URI: 'https://api.example.com',
      BASE_URI_INTERNAL: 'https://api.example.com',
      CUSTOM_CODE_RUNNER_URI: 'http://custom-code-runner:5000',
      STORAGE_PROVIDER: 's3',
      REDIS_DISABLE_TLS_VERIFICATION: 'true',
      REDIS_CONNECT_TIMEOUT_MS: '60000',
      MONGO_SERVER_SELECTION_TIMEOUT_MS: '60000',
      HEALTH_CHECK_RETRIES: '5',
      HEALTH_CHECK_RETRY_DELAY_MS: '2000',
      HEALTH_CHECK_MAX_RETRY_DELAY_MS: '30000',
      AUTH0_DOMAIN: 'login.example.com',
      AUTH0_CLIENT_ID: 'client-123',
    });
  });

  test('workers and orchestrator: the same common variables plus their mode switch', () => {
    expect(Object.keys(containerOf(stack, services.instantTasksWorker).environment).sort()).toEqual([...ENGINE_COMMON,
      'IS_INSTANT_TASKS_WORKER'].sort());
    expect(Object.keys(containerOf(stack, services.orchestrator).environment).sort()).toEqual([...ENGINE_COMMON, 'IS_ORCHESTRATOR'].sort());
    const queued = containerOf(stack, services.queuedTasksWorker).environment;
    expect(Object.keys(queued).sort()).toEqual([...ENGINE_COMMON, 'IS_QUEUED_TASKS_WORKER', 'MAX_QUEUED_TASKS_MEMORY_MB',
      'MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS'].sort());
    expect(queued).toMatchObject({ IS_QUEUED_TASKS_WORKER: '1', MAX_QUEUED_TASKS_MEMORY_MB: '1024', MAX_QUEUED_TASKS_PROCESS_TIME_SECONDS: '3000' });
    expect(containerOf(stack, services.instantTasksWorker).environment.IS_INSTANT_TASKS_WORKER).toBe('1');
    expect(containerOf(stack, services.orchestrator).environment.IS_ORCHESTRATOR).toBe('1');
  });

  test('the api-image services listen on every interface (HOST=0.0.0.0), as in Membrane\'s own ECS deployments; the others get no HOST', () => {
    for (const key of ENGINES) expect([key, containerOf(stack, services[key]).environment.HOST]).toEqual([key, '0.0.0.0']);
    for (const key of NOT_ENGINES) expect([key, containerOf(stack, services[key]).environment.HOST]).toEqual([key, undefined]);
  });

  test('the buckets are also under TMP_S3_BUCKET, CONNECTORS_S3_BUCKET and STATIC_S3_BUCKET, the names Membrane\'s own deployments read', () => {
    for (const key of ENGINES) {
      const { environment } = containerOf(stack, services[key]);
      expect(environment.TMP_S3_BUCKET).toEqual(environment.TMP_STORAGE_BUCKET);
      expect(environment.CONNECTORS_S3_BUCKET).toEqual(environment.CONNECTORS_STORAGE_BUCKET);
      expect(environment.STATIC_S3_BUCKET).toEqual(environment.STATIC_STORAGE_BUCKET);
      expect(environment.TMP_S3_BUCKET).toEqual({ Ref: stack.getLogicalId(storage.tmpBucket.node.defaultChild as ecs.CfnService) });
    }
  });

  test('Node.js heap limit: NODE_OPTIONS gives 75 % of the Membrane container\'s memory to the heap, so a large job fails inside Node.js', () => {
    // api 4096 MiB; workers and orchestrator 2048 MiB; the queued worker's container shares its task with the 128 MiB sidecar.
    const heap = Object.fromEntries(ENGINES.map(key => [key, containerOf(stack, services[key]).environment.NODE_OPTIONS]));
    expect(heap).toEqual({
      api: '--max-old-space-size=3072',
      instantTasksWorker: '--max-old-space-size=1536',
      queuedTasksWorker: '--max-old-space-size=1440',
      orchestrator: '--max-old-space-size=1536',
    });
    for (const key of NOT_ENGINES) expect(containerOf(stack, services[key]).environment.NODE_OPTIONS).toBeUndefined();
  });

  test('api-image services receive every credential as an ECS secret', () => {
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      expect(Object.keys(containerOf(stack, svc).secrets).sort()).toEqual(ENGINE_SECRETS);
    }
  });

  test('ui: NEXT_PUBLIC_ENGINE_URI and PORT only, no secrets', () => {
    const { environment, secrets } = containerOf(stack, services.ui);
    expect(environment).toEqual({ PORT: '5000', NEXT_PUBLIC_ENGINE_URI: 'https://api.example.com' });
    expect(secrets).toEqual({});
  });

  test('console: its URLs and the public Auth0 settings of the same application as the API, no secrets', () => {
    const { environment, secrets } = containerOf(stack, services.console);
    expect(environment).toEqual({
      PORT: '5000',
      NEXT_PUBLIC_BASE_URI: 'https://console.example.com',
      NEXT_PUBLIC_ENGINE_API_URI: 'https://api.example.com',
      NEXT_PUBLIC_ENGINE_UI_URI: 'https://ui.example.com',
      NEXT_PUBLIC_AUTH0_DOMAIN: 'login.example.com',
      NEXT_PUBLIC_AUTH0_CLIENT_ID: 'client-123',
    });
    expect(secrets).toEqual({});
  });

  test('custom code runner: PORT only', () => {
    expect(containerOf(stack, services.customCodeRunner).environment).toEqual({ PORT: '5000' });
    expect(containerOf(stack, services.customCodeRunner).secrets).toEqual({});
  });

  test('no plain environment variable anywhere carries a credential', () => {
    for (const svc of services.allServices()) {
      for (const name of Object.keys(containerOf(stack, svc).environment)) {
        expect(name).not.toMatch(/SECRET|PASSWORD|TOKEN|MONGO_URI|REDIS_URI|ACCESS_KEY/);
      }
    }
  });

  test('SECRET and ENCRYPTION_SECRET are generated (64 alphanumerics) and retained', () => {
    const template = templateOf(stack);
    for (const secret of [services.generatedJwtSecret!, services.generatedEncryptionSecret!]) {
      const resource = template.toJSON().Resources[stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret)];
      expect(resource.DeletionPolicy).toBe('RetainExceptOnCreate');
      expect(resource.Properties.GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true });
    }
    const { secrets } = containerOf(stack, services.api);
    expect(secrets.SECRET).toEqual({ Ref: stack.getLogicalId(services.generatedJwtSecret!.node.defaultChild as secretsmanager.CfnSecret) });
    const encryptionSecret = services.generatedEncryptionSecret!.node.defaultChild as secretsmanager.CfnSecret;
    expect(secrets.ENCRYPTION_SECRET).toEqual({ Ref: stack.getLogicalId(encryptionSecret) });
  });

  test('the api execution role reads exactly its secrets and the registry login, nothing else', () => {
    const secretStatements = executionRoleSecretStatements(stack, services.api);
    const resources = secretStatements.flatMap(s => [s.Resource].flat());
    const text = JSON.stringify(resources);
    for (const name of ['membrane/registry', 'membrane/mongo-uri', 'membrane/self-hosting-token',
      'membrane/auth0']) expect(text).toContain(name);
    expect(text).not.toContain('"*"');
    // registry, mongo, token, auth0, REDIS_URI, SECRET, ENCRYPTION_SECRET
    expect(new Set(resources.map((r: unknown) => JSON.stringify(r))).size).toBe(7);
    for (const s of secretStatements) expect([s.Action].flat().sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  });

  test('the ui execution role reads only the registry login', () => {
    const secretResources = executionRoleSecretStatements(stack, services.ui).flatMap(s => [s.Resource].flat());
    expect(JSON.stringify(secretResources)).toContain('membrane/registry');
    expect(secretResources).toHaveLength(1);
  });

  test('the engine task roles get the storage grant; ui, console and runner task roles get nothing', () => {
    const template = templateOf(stack);
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: stack.getLogicalId(svc.taskDefinition.taskRole.node.defaultChild as ecs.CfnService) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject', 's3:PutObject']) })]) },
      });
    }
    for (const svc of [services.ui, services.console, services.customCodeRunner]) {
      expect(svc.taskDefinition.taskRole.node.tryFindChild('DefaultPolicy')).toBeUndefined();
    }
  });
});

describeCdkTest('MembraneEcsServices Node.js heap limit', () => {
  test('follows the task memory and the sidecar: more memory, a larger heap; no sidecar, no deduction', () => {
    const { stack, services } = buildServices({
      services: { api: { cpu: 2048, memoryLimitMiB: 8192 }, queuedTasksWorker: { memoryLimitMiB: 4096 } },
      queuedTaskProtection: false,
    });
    expect(containerOf(stack, services.api).environment.NODE_OPTIONS).toBe('--max-old-space-size=6144');
    expect(containerOf(stack, services.queuedTasksWorker).environment.NODE_OPTIONS).toBe('--max-old-space-size=3072');
  });

  test('NODE_OPTIONS given for a service or in sharedEngineEnvironment wins; without a heap limit it warns', () => {
    const own = buildServices({ services: { api: { environment: { NODE_OPTIONS: '--max-old-space-size=2500' } } } });
    expect(containerOf(own.stack, own.services.api).environment.NODE_OPTIONS).toBe('--max-old-space-size=2500');
    expect(containerOf(own.stack, own.services.orchestrator).environment.NODE_OPTIONS).toBe('--max-old-space-size=1536');
    annotationsOf(own.stack).hasNoWarning('/Test/Membrane', Match.stringLikeRegexp('NODE_OPTIONS'));

    const shared = buildServices({ sharedEngineEnvironment: { environment: { NODE_OPTIONS: '--enable-source-maps' } } });
    for (const key of ENGINES) expect(containerOf(shared.stack, shared.services[key]).environment.NODE_OPTIONS).toBe('--enable-source-maps');
    annotationsOf(shared.stack).hasWarning('/Test/Membrane', Match.stringLikeRegexp(
      'sharedEngineEnvironment.environment.NODE_OPTIONS replaces the heap limit membrane-cdk sets and has no --max-old-space-size'));
  });

  test('a task memory known only at deploy time sets no heap limit (no arithmetic on a token)', () => {
    const stack = testStack();
    const memory = new CfnParameter(stack, 'Memory', { type: 'Number' }).valueAsNumber;
    const { services } = buildServices({ services: { orchestrator: { memoryLimitMiB: memory } } }, stack);
    expect(containerOf(stack, services.orchestrator).environment.NODE_OPTIONS).toBeUndefined();
    expect(containerOf(stack, services.api).environment.NODE_OPTIONS).toBe('--max-old-space-size=3072');
  });
});

describeCdkTest('MembraneEcsServices shared engine environment', () => {
  test('reaches the four api-image services and no other', () => {
    const { stack, services } = buildServices({ sharedEngineEnvironment: { environment: { AI_PROVIDER: 'openai' } } });
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      expect(containerOf(stack, svc).environment.AI_PROVIDER).toBe('openai');
    }
    for (const svc of [services.ui, services.console, services.customCodeRunner]) {
      expect(containerOf(stack, svc).environment.AI_PROVIDER).toBeUndefined();
    }
  });

  test.each<[string, Partial<MembraneEcsServicesProps>, RegExp]>([
    ['a name set shared and per service', {
      sharedEngineEnvironment: { environment: { AI_PROVIDER: 'openai' } },
      services: { api: { environment: { AI_PROVIDER: 'anthropic' } } },
    }, /invalid 'services.api.environment.AI_PROVIDER': AI_PROVIDER is also set in sharedEngineEnvironment/],
    ['a credential as a plain shared value', { sharedEngineEnvironment: { environment: { OPENAI_API_KEY: 'sk-123' } } },
      /invalid 'sharedEngineEnvironment.environment.OPENAI_API_KEY'/],
    ['a managed variable', { sharedEngineEnvironment: { environment: { BASE_URI: 'https://x' } } },
      /invalid 'sharedEngineEnvironment.environment.BASE_URI': BASE_URI is managed by membrane-cdk/],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() => buildServices(overrides)).toThrow(message);
  });
});
