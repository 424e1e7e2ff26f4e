#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { MembraneDevelopmentStack, MembraneProductionStack } from './stacks';

const app = new App();
// Override with `cdk synth -c zoneName=... -c hostedZoneId=...` (or in cdk.context.json).
const context = (key: string, fallback: string): string => app.node.tryGetContext(key) ?? fallback;
// The region is needed (ALB log delivery); the account stays unresolved so synth needs no credentials.
const env = { region: context('region', 'eu-central-1') };
const shared = {
  env,
  zoneName: context('zoneName', 'example.com'),
  hostedZoneId: context('hostedZoneId', 'Z0000000000EXAMPLE'),
  version: context('membraneVersion', '2026-01-14'),
};

new MembraneProductionStack(app, 'Membrane', {
  ...shared,
  description: 'Membrane self-hosted on AWS, production (membrane-cdk example)',
  auth0Domain: context('auth0Domain', 'login.example.com'),
  auth0ClientId: context('auth0ClientId', 'example-client-id'),
  staticCertificateArn: context('staticCertificateArn', 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000'),
});

new MembraneDevelopmentStack(app, 'MembraneDev', {
  ...shared,
  description: 'Membrane self-hosted on AWS, development (membrane-cdk example)',
});

app.synth();
