// A consumer's CDK app in strict TypeScript: the README's Usage block as its stack, the rule packs and
// MembraneChecks attached as synth plugins, so `cdk synth` fails on any unacknowledged finding.
import { Membrane, MembraneAuth, MembraneChecks, MembraneVersion } from '@org/membrane-cdk';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app), new MembraneChecks(app));

const stack = new Stack(app, 'Membrane', { env: { region: 'us-east-1' } });
const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0000000000EXAMPLE', zoneName: 'example.com' });
const secret = (name: string) => secretsmanager.Secret.fromSecretNameV2(stack, name.replace(/\W/g, ''), name);
const harborLogin = secret('membrane/registry');
const mongoUri = secret('membrane/mongo-uri');
const selfHostingToken = secret('membrane/self-hosting-token');
const auth0ClientSecret = secret('membrane/auth0');

// The README's Usage block.
new Membrane(stack, 'Membrane', {
  version: MembraneVersion.of('2026-01-14'),
  registryCredentials: harborLogin,
  domain: { zone },
  mongoUri,
  selfHostingToken,
  auth: MembraneAuth.auth0({ domain: 'login.example.com', clientId: 'abc123', clientSecret: auth0ClientSecret }),
});
