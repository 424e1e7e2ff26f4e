// A consumer's snapshot test: the library as installed from its npm tarball, minimal props.
const { App, Stack } = require('aws-cdk-lib');
const { Template } = require('aws-cdk-lib/assertions');
const route53 = require('aws-cdk-lib/aws-route53');
const ecs = require('aws-cdk-lib/aws-ecs');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const { Membrane, MembraneAuth, MembraneVersion } = require('@org/membrane-cdk');

test('Membrane with minimal props synthesizes the same template every time', () => {
  const app = new App();
  const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region: 'eu-west-1' } });
  const secret = (name) => secretsmanager.Secret.fromSecretNameV2(stack, name.replace(/\W/g, ''), name);
  new Membrane(stack, 'Membrane', {
    version: MembraneVersion.of('2026-01-14'),
    registryCredentials: secret('membrane/registry'),
    domain: { zone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' }) },
    mongoUri: secret('membrane/mongo-uri'),
    selfHostingToken: secret('membrane/self-hosting-token'),
    auth: MembraneAuth.auth0({
      domain: 'login.example.com', clientId: 'abc', clientSecret: secret('membrane/auth0'),
    }),
  });
  expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
});
