#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { MembraneDataStack } from './stacks';

const app = new App();
new MembraneDataStack(app, 'MembraneData', {
  description: 'Membrane self-hosted on AWS: data layer (S3 + CloudFront, ElastiCache)',
});
app.synth();
