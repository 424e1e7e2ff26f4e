import { readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { expectNoNagFindings } from './nag';
import { MembraneDataStack } from '../bin/stacks';

/** The example app as `cdk synth` builds it: same feature flags (cdk.json context), environment-agnostic. */
function exampleApp(): App {
  return new App({ context: JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf-8')).context });
}

describe('example app (bin/)', () => {
  const stack = new MembraneDataStack(exampleApp(), 'MembraneData');

  test('has no unacknowledged AwsSolutions or NIST 800-53 R5 finding', () => {
    expectNoNagFindings(stack);
  });

  test('data layer template snapshot', () => {
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('synthesis is deterministic', () => {
    const again = new MembraneDataStack(exampleApp(), 'MembraneData');
    expect(Template.fromStack(again).toJSON()).toEqual(Template.fromStack(stack).toJSON());
  });
});
