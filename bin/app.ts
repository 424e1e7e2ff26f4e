#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { MembraneExampleStack } from './stacks';

const app = new App();
// Override with `cdk synth -c zoneName=... -c hostedZoneId=...` (or in cdk.context.json).
const context = (key: string, fallback: string): string => app.node.tryGetContext(key) ?? fallback;

new MembraneExampleStack(app, 'Membrane', {
  // The region is needed (ALB log delivery); the account stays unresolved so synth needs no credentials.
  env: { region: context('region', 'eu-central-1') },
  description: 'Membrane self-hosted on AWS (membrane-cdk example)',
  zoneName: context('zoneName', 'example.com'),
  hostedZoneId: context('hostedZoneId', 'Z0000000000EXAMPLE'),
  version: context('membraneVersion', '2026-01-14'),
  auth0Domain: context('auth0Domain', 'login.example.com'),
  auth0ClientId: context('auth0ClientId', 'example-client-id'),
});
app.synth();
