#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { exampleContext, PRODUCTION_KEYS } from './context';
import { MembraneDevelopmentStack, MembraneProductionStack } from './stacks';

const app = new App();
// `cdk synth -c zoneName=... -c hostedZoneId=... -c region=...` (or cdk.context.json): every key, or none for an offline
// synth with placeholders (the keys: bin/context.ts and the README's "Example app context").
const context = exampleContext(app.node.getAllContext());
if (context.placeholders) {
  process.stderr.write('No context given: placeholder zone, Auth0 application and certificate, for an offline synth only (not deployable).\n');
}
// The region is needed (ALB log delivery); the account stays unresolved so synth needs no credentials.
const shared = {
  env: { region: context.region },
  zoneName: context.zoneName,
  hostedZoneId: context.hostedZoneId,
  version: context.membraneVersion,
};

if (context.production) {
  new MembraneProductionStack(app, 'Membrane', {
    ...shared,
    description: 'Membrane self-hosted on AWS, production (membrane-cdk example)',
    ...context.production,
  });
} else {
  process.stderr.write(`The production stack 'Membrane' is not synthesized: give ${PRODUCTION_KEYS.join(', ')} for it.\n`);
}

new MembraneDevelopmentStack(app, 'MembraneDev', {
  ...shared,
  description: 'Membrane self-hosted on AWS, development (membrane-cdk example)',
});

app.synth();
