import { Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  MembraneAuth, MembraneCredentialsStorage, MembraneEcsServices, MembraneEcsServicesProps, MembraneFirewall, MembraneStartupCheck, MembraneVersion,
} from '../../lib';
import { buildServices, servicesFixture, servicesProps } from '../fixtures';
import { describeCdkTest } from '../harness';
import { testApp, testStack } from '../rule-packs';

// MembraneEcsServices: input MembraneEcsServices refuses, with the prop to fix.

describeCdkTest('MembraneEcsServices rejects bad input', () => {
  test.each<[string, Partial<MembraneEcsServicesProps>, RegExp]>([
    ['neither auth', { auth: undefined as unknown as MembraneAuth }, /invalid 'auth': no authentication is configured/],
    ['a task-protection image with protection off', { queuedTaskProtection: false, taskProtectionImage: 'public.ecr.aws/docker/library/node:22' },
      /invalid 'taskProtectionImage': it is set but queuedTaskProtection is false/],
    ['a task-protection image without a tag', { taskProtectionImage: 'public.ecr.aws/docker/library/node' },
      /invalid 'taskProtectionImage': 'public.ecr.aws\/docker\/library\/node' is not an image reference/],
    ['both auth (Auth0 configured, SMTP added)', { services: { api: { environment: { SMTP_HOST: 'smtp.example.com' } } } },
      /invalid 'services.api.environment.SMTP_HOST': SMTP_HOST belongs to the other authentication mode/],
    ['BASE_PATH without leading slash', {
      domain: {
        apiDomainName: 'api.example.com',
        uiBasePath: 'ui-app',
        consoleDomainName: 'console.example.com',
        certificate: {} as acm.ICertificate,
      },
    },
    /invalid 'domain.uiBasePath': 'ui-app' is not a path prefix/],
    ['BASE_PATH with trailing slash', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'ui.example.com',
        consoleBasePath: '/console/',
        certificate: {} as acm.ICertificate,
      },
    },
    /invalid 'domain.consoleBasePath'/],
    ['external_api without endpoint', { settings: { connectionCredentialsStorage: MembraneCredentialsStorage.EXTERNAL_API } },
      /invalid 'settings.connectionCredentialsEndpointUrl': it is required when connectionCredentialsStorage is EXTERNAL_API/],
    ['endpoint without external_api', { settings: { connectionCredentialsEndpointUrl: 'https://creds.example.com' } },
      /only used when connectionCredentialsStorage is EXTERNAL_API/],
    ['webhook URI without scheme', { settings: { baseWebhooksUri: 'hooks.example.com' } }, /invalid 'settings.baseWebhooksUri'/],
    ['Mongo pool min above max', { settings: { mongoMinPoolSize: 10, mongoMaxPoolSize: 5 } },
      /invalid 'settings.mongoMinPoolSize': 10 is above mongoMaxPoolSize 5/],
    ['skip all plus others', { settings: { skipStartupChecks: [MembraneStartupCheck.ALL, MembraneStartupCheck.MONGO] } },
      /invalid 'settings.skipStartupChecks'/],
    ['no certificate and no zone', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'ui.example.com',
        consoleDomainName: 'console.example.com',
      },
    },
    /invalid 'domain': neither certificate nor zone/],
    ['UI without host or path', {
      domain: {
        apiDomainName: 'api.example.com',
        consoleDomainName: 'console.example.com',
        certificate: {} as acm.ICertificate,
      },
    },
    /invalid 'domain.uiDomainName': the ui needs a host name/],
    ['UI on the API host without a path', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'api.example.com',
        consoleDomainName: 'console.example.com',
        certificate: {} as acm.ICertificate,
      },
    },
    /the api and the ui would both be served at https:\/\/api.example.com\//],
    ['host with scheme', {
      domain: {
        apiDomainName: 'https://api.example.com',
        uiDomainName: 'ui.example.com',
        consoleDomainName: 'console.example.com',
        certificate: {} as acm.ICertificate,
      },
    },
    /invalid 'domain.apiDomainName'/],
    ['invalid Fargate size', { services: { api: { cpu: 1024, memoryLimitMiB: 1024 } } },
      /invalid 'services.api.cpu\/memoryLimitMiB': 1024 CPU units with 1024 MiB is not a Fargate task size/],
    ['Spot on the API', { services: { api: { spot: true } } }, /invalid 'services.api.spot': Fargate Spot is not offered for api/],
    ['negative desired count', { services: { ui: { desiredCount: -1 } } }, /invalid 'services.ui.desiredCount'/],
    ['overriding a managed variable', { services: { api: { environment: { BASE_URI: 'https://x.example.com' } } } },
      /BASE_URI is managed by membrane-cdk/],
    ['a credential in plain environment', { services: { api: { environment: { PARTNER_API_KEY: 'abc' } } } },
      /PARTNER_API_KEY looks like a credential/],
    ['registry with scheme', { registry: 'https://harbor.getmembrane.com' }, /invalid 'registry'/],
    ['version as a plain string (JavaScript)', { version: '2026-01-14' as unknown as MembraneVersion },
      /invalid 'version': "2026-01-14" is not a MembraneVersion/],
    ['missing registry credentials (JavaScript)', { registryCredentials: undefined as never }, /invalid 'registryCredentials': it is required/],
    ['missing Mongo URI (JavaScript)', { mongoUri: undefined as never }, /invalid 'mongoUri': it is required/],
    ['registry with an invalid port', { registry: 'harbor.example.com:99999' },
      /invalid 'registry': 'harbor.example.com:99999' is not a registry host/],
    ['certificate from another region', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'ui.example.com',
        consoleDomainName: 'console.example.com',
        certificate: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } as acm.ICertificate,
      },
    },
    /invalid 'domain.certificate': the certificate is in us-east-1, but a load balancer only uses certificates of its own region/],
    ['malformed certificate ARN', {
      domain: {
        apiDomainName: 'api.example.com',
        uiDomainName: 'ui.example.com',
        consoleDomainName: 'console.example.com',
        certificate: { certificateArn: 'abc' } as acm.ICertificate,
      },
    },
    /invalid 'domain.certificate': 'abc' is not an ACM certificate ARN/],
    ['a CloudFront web ACL on the load balancer', {
      firewall: MembraneFirewall.webAcl('arn:aws:wafv2:us-east-1:123456789012:global/webacl/membrane/abc'),
    },
    /invalid 'firewall'/],
    ['a namespace name with spaces', { namespaceName: 'membrane internal' }, /invalid 'namespaceName': 'membrane internal'/],
    ['tasks in public subnets without public IPs', { taskSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, /invalid 'taskSubnets'/],
    ['queued task memory at the worker\'s task memory', { settings: { maxQueuedTasksMemoryMb: 2048 } },
      /invalid 'settings.maxQueuedTasksMemoryMb': 2048 MB is not below the queued tasks worker's task memory \(2048 MiB\)/],
    ['first retry delay above the maximum', {
      settings: { startupCheckRetryDelay: Duration.seconds(40), startupCheckMaxRetryDelay: Duration.seconds(30) },
    }, /invalid 'settings.startupCheckRetryDelay': 40 seconds is above startupCheckMaxRetryDelay 30 seconds/],
    ['queued task time in milliseconds', { settings: { maxQueuedTasksProcessTime: Duration.millis(1500) } },
      /invalid 'settings.maxQueuedTasksProcessTime': 1 second 500 millis is not a whole number of seconds/],
    ['a Mongo URI with a password under a harmless name', {
      services: { api: { environment: { DATABASE: 'mongodb+srv://admin:pw@cluster0.example.net/membrane' } } },
    }, /invalid 'services.api.environment.DATABASE': the value is a URI with a password in it/],
    ['an AWS access key in plain environment', { services: { api: { environment: { ID: 'AKIAIOSFODNN7EXAMPLE' } } } },
      /invalid 'services.api.environment.ID': the value looks like an AWS access key/],
    ['a private key in plain environment', { services: { console: { environment: { PEM: '-----BEGIN RSA PRIVATE KEY-----\nMII' } } } },
      /invalid 'services.console.environment.PEM': the value is a private key/],
    ['a load balancer idle timeout in milliseconds', { loadBalancerIdleTimeout: Duration.millis(1500) },
      /invalid 'loadBalancerIdleTimeout': 1 second 500 millis is not a whole number of seconds from 1 to 4000/],
    ['a load balancer idle timeout above 4000 s', { loadBalancerIdleTimeout: Duration.hours(2) }, /invalid 'loadBalancerIdleTimeout'/],
    ['a negative 5xx threshold', { http5xxAlarmThreshold: -1 }, /invalid 'http5xxAlarmThreshold': -1 is outside 0 to 1000000/],
    ['a first retry delay above the default maximum (30 s)', { settings: { startupCheckRetryDelay: Duration.seconds(40) } },
      /invalid 'settings.startupCheckRetryDelay': 40 seconds is above startupCheckMaxRetryDelay 30 seconds \(its default\).*Raise settings.startupCheckMaxRetryDelay/],
    ['a maximum retry delay below the default first delay (2 s)', { settings: { startupCheckMaxRetryDelay: Duration.seconds(1) } },
      /invalid 'settings.startupCheckMaxRetryDelay': 1 second is below startupCheckRetryDelay 2 seconds \(its default\)/],
    ['a retry delay in fractions of a millisecond', { settings: { startupCheckRetryDelay: Duration.millis(1.5) } },
      /invalid 'settings.startupCheckRetryDelay': 1.5 millis is not a whole number of milliseconds/],
    ['a 1 ms MongoDB server-selection timeout', { settings: { mongoServerSelectionTimeout: Duration.millis(1) } },
      /invalid 'settings.mongoServerSelectionTimeout': 1 milli is shorter than 1 second.*at least Duration.seconds\(1\); "Self-hosting" recommends/],
    ['a MongoDB idle time in fractions of a millisecond', { settings: { mongoMaxIdleTime: Duration.millis(0.5) } },
      /invalid 'settings.mongoMaxIdleTime': 0.5 millis is not a whole number of milliseconds/],
    ['an empty health check command', { services: { orchestrator: { healthCheckCommand: [] } } },
      /invalid 'services.orchestrator.healthCheckCommand': \[\] runs no command, so the check would never pass/],
    ['a health check command of CMD-SHELL and a blank', { services: { customCodeRunner: { healthCheckCommand: ['CMD-SHELL', ' '] } } },
      /invalid 'services.customCodeRunner.healthCheckCommand': \["CMD-SHELL"," "\] runs no command/],
    ['a health check command on the API, which the load balancer checks', { services: { api: { healthCheckCommand: ['CMD', 'true'] } } },
      /invalid 'services.api.healthCheckCommand': api is behind the load balancer/],
  ])('%s', (_name, props, message) => {
    expect(() => buildServices(props)).toThrow(message);
  });

  test.each<[string, (stack: Stack) => Partial<MembraneEcsServicesProps>, RegExp]>([
    ['a secret name as a string (JavaScript)', () => ({ jwtSecret: 'membrane/jwt' as unknown as secretsmanager.ISecret }),
      /invalid 'jwtSecret': the string 'membrane\/jwt' is not a Secrets Manager secret. Give the secret itself: secretsmanager.Secret.fromSecretNameV2/],
    ['an ecs.Secret where a secret goes (JavaScript)', s => ({
      mongoUri: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(s, 'M', 'membrane/mongo')) as unknown as secretsmanager.ISecret,
    }), /invalid 'mongoUri': an ecs.Secret \(a container's reference to a secret\) is not a Secrets Manager secret/],
    ['the Auth0 client secret as a string (JavaScript)', () => ({
      auth: MembraneAuth.auth0({ domain: 'login.example.com', clientId: 'x', clientSecret: 'membrane/auth0' as unknown as secretsmanager.ISecret }),
    }), /invalid 'auth.clientSecret': the string 'membrane\/auth0' is not a Secrets Manager secret/],
    ['auth as a plain object (JavaScript)', () => ({ auth: { domain: 'login.example.com', clientId: 'x' } as unknown as MembraneAuth }),
      /invalid 'auth': a plain object is not a MembraneAuth. Use MembraneAuth.auth0/],
    ['the zone as its name (JavaScript)', () => ({
      domain: {
        zone: 'example.com' as never, apiDomainName: 'api.example.com', uiDomainName: 'ui.example.com', consoleDomainName: 'console.example.com',
      },
    }), /invalid 'domain.zone': the string 'example.com' is not a hosted zone. Import it: route53.HostedZone.fromHostedZoneAttributes/],
    ['a string where a number goes (JavaScript)', () => ({ services: { api: { cpu: '1024' as unknown as number } } }),
      /invalid 'services.api.cpu': the string '1024' is not a number/],
    ['a string count (JavaScript)', () => ({ services: { ui: { desiredCount: '2' as unknown as number } } }),
      /invalid 'services.ui.desiredCount': the string '2' is not a number/],
    ['milliseconds as a number where a Duration goes (JavaScript)', () => ({
      settings: { mongoServerSelectionTimeout: 60000 as unknown as Duration },
    }),
    /invalid 'settings.mongoServerSelectionTimeout': the number 60000 is not a Duration/],
    ['an encryption key of another region', s => ({
      encryptionKey: kms.Key.fromKeyArn(s, 'Imported', 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555'),
    }), /invalid 'encryptionKey': the key is in us-east-1, but KMS keys are regional .* in eu-central-1. Give a key of eu-central-1/],
    ['an asymmetric key', s => ({ encryptionKey: new kms.Key(s, 'Signing', { keySpec: kms.KeySpec.RSA_2048, keyUsage: kms.KeyUsage.SIGN_VERIFY }) }),
      /invalid 'encryptionKey': the key is a RSA_2048 key, but S3, Secrets Manager, CloudWatch Logs and ElastiCache encrypt with symmetric/],
    ['an HMAC key', s => ({ encryptionKey: new kms.Key(s, 'Mac', { keySpec: kms.KeySpec.HMAC_256, keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC }) }),
      /invalid 'encryptionKey': the key is a HMAC_256 key/],
  ])('%s', (_name, props, message) => {
    const stack = testStack();
    let error: unknown;
    try {
      buildServices(props(stack), stack);
    } catch (e) {
      error = e;
    }
    expect(error).not.toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(message);
  });

  test('a host another MembraneEcsServices of the app creates records for is refused, naming both', () => {
    const app = testApp();
    const env = { account: '123456789012', region: 'eu-central-1' };
    const [first, second] = [new Stack(app, 'First', { env }), new Stack(app, 'Second', { env })];
    buildServices({}, first);
    const f = servicesFixture(second);
    const props = servicesProps(f);
    expect(() => new MembraneEcsServices(second, 'Membrane', { ...props, domain: { ...props.domain, apiDomainName: 'dev.example.com' } }))
      .toThrow(/Second\/Membrane: invalid 'domain.uiDomainName': 'ui.example.com' is also claimed by First\/Membrane \('domain.uiDomainName'\)/);
  });

  test('a region-agnostic stack', () => {
    expect(() => buildServices({}, new Stack())).toThrow(/the load balancer's access logs need the stack's region.*env: \{ region:/);
  });

  test('host outside the hosted zone', () => {
    const f = servicesFixture();
    const props = servicesProps(f);
    expect(() => new MembraneEcsServices(f.stack, 'Membrane', { ...props, domain: { ...props.domain, apiDomainName: 'api.other.org' } }))
      .toThrow(/invalid 'domain.apiDomainName': 'api.other.org' is not in the hosted zone example.com/);
  });

  test('invalid version tag', () => {
    expect(() => MembraneVersion.of('2026-01-14 ')).toThrow(/not a valid image tag/);
    expect(() => MembraneVersion.of('')).toThrow(/not a valid image tag/);
  });

  test('invalid auth settings', () => {
    const secret = secretsmanager.Secret.fromSecretNameV2(testStack(), 'Secret', 'membrane/x');
    expect(() => MembraneAuth.auth0({ domain: 'https://login.example.com', clientId: 'x', clientSecret: secret })).toThrow(/invalid 'domain'/);
    expect(() => MembraneAuth.auth0({ domain: 'login.example.com', clientId: '', clientSecret: secret })).toThrow(/'clientId' is empty/);
    expect(() => MembraneAuth.auth0({ domain: 'login example.com', clientId: 'x', clientSecret: secret })).toThrow(/invalid 'domain'/);
    expect(() => MembraneAuth.usernamePassword({ host: 'smtp://smtp.example.com:587', user: 'u', password: secret, emailFrom: 'a@b.c' }))
      .toThrow(/invalid 'host' 'smtp:\/\/smtp.example.com:587'. Give the host name alone/);
    expect(() => MembraneAuth.usernamePassword({
      host: 'smtp.example.com',
      port: 0,
      user: 'u',
      password: secret,
      emailFrom: 'a@b.c',
    })).toThrow(/invalid 'port'/);
    expect(() => MembraneAuth.usernamePassword({ host: '', user: 'u', password: secret, emailFrom: 'a@b.c' })).toThrow(/'host' is empty/);
    expect(() => MembraneAuth.usernamePassword({
      host: 'smtp.example.com',
      user: 'u',
      password: secret,
      emailFrom: 'nobody',
    })).toThrow(/invalid 'emailFrom'/);
  });
});
