import { readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
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
  const shared = { env: { region: 'eu-central-1' }, zoneName: 'example.com', hostedZoneId: 'Z0000000000EXAMPLE', version: '2026-01-14' };
  const production = new MembraneProductionStack(app, 'Membrane', {
    ...shared,
    auth0Domain: 'login.example.com',
    auth0ClientId: 'example-client-id',
    staticCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
    scaling,
  });
  const development = new MembraneDevelopmentStack(app, 'MembraneDev', shared);
  return { app, production, development };
}
