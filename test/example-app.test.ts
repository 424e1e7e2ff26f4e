import { readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { expectNoNagFindings } from './nag';
import { MembraneExampleStack } from '../bin/stacks';

/** The example app as `cdk synth` builds it: same feature flags (cdk.json context), environment-agnostic. */
function exampleStack(): MembraneExampleStack {
  const app = new App({ context: JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf-8')).context });
  return new MembraneExampleStack(app, 'Membrane', {
    env: { region: 'eu-central-1' },
    zoneName: 'example.com',
    hostedZoneId: 'Z0000000000EXAMPLE',
    version: '2026-01-14',
    auth0Domain: 'login.example.com',
    auth0ClientId: 'example-client-id',
  });
}

describe('example app (bin/)', () => {
  const stack = exampleStack();

  test('has no unacknowledged AwsSolutions or NIST 800-53 R5 finding', () => {
    expectNoNagFindings(stack);
  });

  test('synthesizes without warnings', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('template snapshot', () => {
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('synthesis is deterministic', () => {
    expect(Template.fromStack(exampleStack()).toJSON()).toEqual(Template.fromStack(stack).toJSON());
  });
});
