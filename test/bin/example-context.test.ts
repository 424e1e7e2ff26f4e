import { readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import { EXAMPLE_CONTEXT_KEYS, exampleContext } from '../../bin/context';

// The example app's context (bin/app.ts reads `app.node.getAllContext()` through exampleContext).

const root = join(__dirname, '..', '..');
const featureFlags = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf-8')).context;
/** What the CDK CLI adds to the context of every `cdk synth` (measured with the project's CLI). */
const cliContext = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
};
/** What cdk.context.json may hold besides the app's keys: cached lookups and the CLI's settings. */
const contextFile = {
  'hosted-zone:account=111111111111:domainName=example.com:region=eu-central-1': { Id: '/hostedzone/Z1' },
  'acknowledged-issue-numbers': [32775],
  'cli-telemetry': false,
};
const synthContext = (keys: Record<string, unknown>) =>
  new App({ context: { ...featureFlags, ...cliContext, ...contextFile, ...keys } }).node.getAllContext();

const everything = {
  region: 'eu-west-1',
  zoneName: 'acme.io',
  hostedZoneId: 'Z123ACME',
  auth0Domain: 'acme.eu.auth0.com',
  auth0ClientId: 'abc123',
  staticCertificateArn: 'arn:aws:acm:us-east-1:222222222222:certificate/11111111-2222-3333-4444-555555555555',
};

describe('example app context', () => {
  test('no key given: the placeholders, both stacks (the offline quick start)', () => {
    const context = exampleContext(synthContext({}));
    expect(context).toEqual({
      placeholders: true,
      region: 'eu-central-1',
      zoneName: 'example.com',
      hostedZoneId: 'Z0000000000EXAMPLE',
      membraneVersion: '2026-01-14',
      production: {
        auth0Domain: 'login.example.com',
        auth0ClientId: 'example-client-id',
        staticCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
      },
    });
  });

  test('every key given: the given values, none of the placeholders', () => {
    expect(exampleContext(synthContext({ ...everything, membraneVersion: '2026-02-01' }))).toEqual({
      placeholders: false,
      region: 'eu-west-1',
      zoneName: 'acme.io',
      hostedZoneId: 'Z123ACME',
      membraneVersion: '2026-02-01',
      production: {
        auth0Domain: 'acme.eu.auth0.com',
        auth0ClientId: 'abc123',
        staticCertificateArn: 'arn:aws:acm:us-east-1:222222222222:certificate/11111111-2222-3333-4444-555555555555',
      },
    });
  });

  test('membraneVersion is optional: the release the example is tested with', () => {
    expect(exampleContext(synthContext(everything)).membraneVersion).toBe('2026-01-14');
  });

  test('a half-given set is refused, naming every missing key', () => {
    const halfGiven = () => exampleContext(synthContext({ zoneName: 'acme.io', hostedZoneId: 'Z123ACME' }));
    expect(halfGiven).toThrow(/^Example app context: missing 'region'\./);
    const production = () => exampleContext(synthContext({ region: 'eu-west-1', zoneName: 'acme.io', hostedZoneId: 'Z1', auth0ClientId: 'abc' }));
    expect(production).toThrow(/missing 'auth0Domain', 'staticCertificateArn'\./);
  });

  test('a misspelled key is refused, with the key it resembles', () => {
    const { zoneName, ...withoutZoneName } = everything;
    expect(() => exampleContext(synthContext({ ...withoutZoneName, zonename: zoneName })))
      .toThrow(/unknown 'zonename' \(did you mean 'zoneName'\?\); missing 'zoneName'/);
    // Alone, a misspelled key still counts as given: no placeholders.
    expect(() => exampleContext(synthContext({ 'hosted-zone-id': 'Z1' }))).toThrow(/unknown 'hosted-zone-id' \(did you mean 'hostedZoneId'\?\)/);
    expect(() => exampleContext(synthContext({ ...everything, stage: 'prod' }))).toThrow(/unknown 'stage'\./);
  });

  test('an empty or non-string value is refused', () => {
    expect(() => exampleContext(synthContext({ ...everything, zoneName: '' }))).toThrow(/not a non-empty string: 'zoneName'/);
    expect(() => exampleContext(synthContext({ ...everything, hostedZoneId: 42 }))).toThrow(/not a non-empty string: 'hostedZoneId'/);
  });

  test('without the production keys only MembraneDev is built', () => {
    const context = exampleContext(synthContext({ region: 'eu-west-1', zoneName: 'acme.io', hostedZoneId: 'Z123ACME' }));
    expect(context.placeholders).toBe(false);
    expect(context.production).toBeUndefined();
    expect(context.zoneName).toBe('acme.io');
  });

  test('the README documents every key, and no other', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf-8');
    const section = readme.split('\n### Example app context\n')[1]?.split('\n#')[0] ?? '';
    const documented = [...section.matchAll(/^\| `(\w+)` \|/gm)].map(match => match[1]);
    expect(documented.sort()).toEqual(Object.keys(EXAMPLE_CONTEXT_KEYS).sort());
  });
});
