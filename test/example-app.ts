import { readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import { exampleContext } from '../bin/context';
import { MembraneDevelopmentStack, MembraneProductionStack } from '../bin/stacks';
import { MembraneScalingOptions } from '../lib';

/**
 * The example app as `cdk synth` builds it: same feature flags (cdk.json context) and context defaults. `scaling`
 * varies the production stack's autoscaling (the scaling benchmark compares variants).
 */
export function exampleApp(scaling?: MembraneScalingOptions): {
  app: App; production: MembraneProductionStack; development: MembraneDevelopmentStack;
} {
  const app = new App({ context: JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf-8')).context });
  // As bin/app.ts reads it: with only the feature flags, the placeholders of an offline `cdk synth`.
  const context = exampleContext(app.node.getAllContext());
  const shared = {
    env: { region: context.region }, zoneName: context.zoneName, hostedZoneId: context.hostedZoneId, version: context.membraneVersion,
  };
  const production = new MembraneProductionStack(app, 'Membrane', { ...shared, ...context.production!, scaling });
  const development = new MembraneDevelopmentStack(app, 'MembraneDev', shared);
  return { app, production, development };
}
