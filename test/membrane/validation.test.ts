import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { build, inputs } from './support';
import {
  Membrane, MembraneAutoscaling, MembraneCache, MembraneFrontendStrategy, MembraneProps, MembraneStorage, MembraneStorageOptions,
} from '../../lib';
import { membraneInputs } from '../fixtures';
import { annotationsOf, describeCdkTest } from '../harness';
import { testApp } from '../rule-packs';

// Membrane's input checks: incoherent props, plain JavaScript input, unknown props and tags AWS would refuse.

describeCdkTest('Membrane rejects incoherent input', () => {
  test.each<[string, Partial<MembraneProps['domain']>, RegExp]>([
    ['a full host name as apiHost', { apiHost: 'api.example.com' },
      /invalid 'domain.apiHost': 'api.example.com' is not a host name relative to the zone. Give the part before the zone, e.g. 'api'/],
    ['a URL as uiHost', { uiHost: 'https://ui' }, /invalid 'domain.uiHost'/],
    ['an uppercase consoleHost', { consoleHost: 'Console' }, /invalid 'domain.consoleHost'/],
    ['a UI host and a UI base path', { uiHost: 'ui', uiBasePath: '/ui-app' }, /invalid 'domain.uiHost': uiBasePath serves it on the API host/],
    ['a Console host and a Console base path', { consoleHost: 'c', consoleBasePath: '/c' }, /invalid 'domain.consoleHost'/],
  ])('%s', (_name, domain, message) => {
    const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    const required = membraneInputs(stack);
    expect(() => new Membrane(stack, 'Membrane', { ...required, domain: { ...required.domain, ...domain } })).toThrow(message);
  });

  test.each<[string, Partial<MembraneProps>, RegExp]>([
    ['a desired count for an autoscaled service', { services: { api: { desiredCount: 3 } } },
      /invalid 'services.api.desiredCount': the api count is managed by autoscaling/],
    ['a desired count for a UI that scales on CPU', {
      services: { ui: { desiredCount: 3 } },
      autoscaling: MembraneAutoscaling.enabled({ ui: { strategy: MembraneFrontendStrategy.CPU } }),
    },
    /invalid 'services.ui.desiredCount': the ui count is managed by autoscaling/],
    ['scaling options without autoscaling',
      { autoscaling: MembraneAutoscaling.none(), scaling: { api: { maxCapacity: 4 } } } as Partial<MembraneProps>,
      /invalid 'scaling': it was replaced after 0\.1\.0.*MembraneAutoscaling\.enabled\(\{ \.\.\.scaling \}\)/],
    ['the autoscaling boolean of earlier releases', { autoscaling: false } as unknown as Partial<MembraneProps>,
      /invalid 'autoscaling': the boolean false is not a MembraneAutoscaling\. Use MembraneAutoscaling\.enabled/],
    ['a static domain in storage options', {
      storageOptions: {
        domain: {
          domainName: 'x.example.com',
          certificate: {} as acm.ICertificate,
        },
      } as MembraneStorageOptions,
    }, /invalid 'storageOptions.domain'/],
    ['natGateways with an existing VPC', { vpc: {} as never, natGateways: 1 }, /invalid 'natGateways': it sizes a new network, but the vpc is used/],
    ['missing domain.zone (JavaScript)', { domain: { zone: undefined as never } }, /invalid 'domain.zone': it is required/],
    ['version as a plain string (JavaScript)', { version: '2026-01-14' as never }, /invalid 'version': "2026-01-14" is not a MembraneVersion/],
    ['missing self-hosting token (JavaScript)', { selfHostingToken: undefined as never }, /invalid 'selfHostingToken': it is required/],
  ])('%s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('storage options next to an existing storage, cache options next to an existing cache', () => {
    const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
    const storage = new MembraneStorage(stack, 'OwnStorage');
    expect(() => new Membrane(stack, 'M1', {
      ...inputs(stack),
      storage,
      storageOptions: { bucketNamePrefix: 'x' },
    })).toThrow(/invalid 'storageOptions'/);
    const stack2 = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
    const cache = new MembraneCache(stack2, 'OwnCache', { vpc: new ec2.Vpc(stack2, 'Vpc') });
    expect(() => new Membrane(stack2, 'M2', { ...inputs(stack2), cache, cacheOptions: { port: 7000 } })).toThrow(/invalid 'cacheOptions'/);
  });
});

describeCdkTest('Membrane: plain JavaScript input gets the library\'s errors, not a TypeError from inside aws-cdk-lib', () => {
  const rejected = (props: (stack: Stack) => unknown, message: RegExp) => {
    const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    let error: unknown;
    try {
      new Membrane(stack, 'Membrane', { ...inputs(stack), ...(props(stack) as Partial<MembraneProps>) });
    } catch (e) {
      error = e;
    }
    expect(error).not.toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(message);
  };

  test.each<[string, (stack: Stack) => unknown, RegExp]>([
    ['a secret name as a string', () => ({ registryCredentials: 'membrane/registry' }),
      /invalid 'registryCredentials': the string 'membrane\/registry' is not a Secrets Manager secret. Give the secret itself/],
    ['an ecs.Secret where a secret goes', s => ({
      selfHostingToken: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(s, 'T', 't')),
    }),
    /invalid 'selfHostingToken': an ecs.Secret \(a container's reference to a secret\) is not a Secrets Manager secret/],
    ['auth as a plain object', () => ({ auth: { domain: 'login.example.com', clientId: 'x', clientSecret: 'y' } }),
      /invalid 'auth': a plain object is not a MembraneAuth/],
    ['the zone as its name', () => ({ domain: { zone: 'example.com' } }),
      /invalid 'domain.zone': the string 'example.com' is not a hosted zone. Import it: route53.HostedZone.fromHostedZoneAttributes/],
    ['a string where a number goes', () => ({ natGateways: '1' }), /invalid 'natGateways': the string '1' is not a number/],
    ['a number where a Duration goes', () => ({ loadBalancerIdleTimeout: 60 }), /invalid 'loadBalancerIdleTimeout': the number 60 is not a Duration/],
    ['a string service size', () => ({ services: { orchestrator: { memoryLimitMiB: '4096' } } }),
      /invalid 'services.orchestrator.memoryLimitMiB': the string '4096' is not a number/],
  ])('%s', (_name, props, message) => rejected(props, message));

  test('an unknown prop warns with its name and the prop it probably is', () => {
    const { stack } = build({ natGateway: 1, cacheOption: {}, somethingElse: true } as unknown as Partial<MembraneProps>);
    const warnings = annotationsOf(stack).findWarning('/Test/Membrane', Match.stringLikeRegexp('membrane-cdk:unknownProp'))
      .map(w => String(w.entry.data));
    expect(warnings).toEqual([
      expect.stringMatching(/'natGateway' is not a prop of Membrane and is ignored. Did you mean 'natGateways'\?/),
      expect.stringMatching(/'cacheOption' is not a prop of Membrane and is ignored. Did you mean 'cacheOptions'\?/),
      expect.stringMatching(/'somethingElse' is not a prop of Membrane and is ignored. See MembraneProps/),
    ]);
  });
});

describeCdkTest('Membrane tags AWS would refuse', () => {
  const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag-${i}`, 'x']));
  const membrane = (props: Partial<MembraneProps>) => {
    const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region: 'eu-central-1' } });
    return () => new Membrane(stack, 'Membrane', { ...inputs(stack), ...props });
  };

  test('more than 47 tags: AWS allows 50 per resource and aws-cdk-lib puts 3 of its own on the subnets', () => {
    expect(membrane({ tags: tags(48) })).toThrow(/invalid 'tags': 48 tags are more than 47: AWS allows 50 per resource/);
    expect(membrane({ tags: tags(47) })).not.toThrow();
  });

  test.each<[string, { [key: string]: string }, RegExp]>([
    ['a key of 129 characters', { ['k'.repeat(129)]: 'x' }, /invalid 'tags.k+': the key 'k+' is 129 characters long, not 1 to 128/],
    ['a value of 257 characters', { team: 'v'.repeat(257) }, /invalid 'tags.team': the value 'v{40}...' is 257 characters long, more than 256/],
    ['an empty key', { '': 'x' }, /invalid 'tags.': the key '' is 0 characters long, not 1 to 128/],
    ['a value that is not a string (JavaScript)', { team: 7 as unknown as string }, /invalid 'tags.team': the number 7 is not a string/],
  ])('%s', (_name, given, message) => {
    expect(membrane({ tags: given })).toThrow(message);
  });
});
