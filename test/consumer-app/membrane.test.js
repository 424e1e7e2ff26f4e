// A consumer's snapshot test: the library as installed from its npm tarball, minimal props.
const { writeFileSync } = require('fs');
const { join } = require('path');
const { App, Stack } = require('aws-cdk-lib');
const { Annotations, Match, Template } = require('aws-cdk-lib/assertions');
const route53 = require('aws-cdk-lib/aws-route53');
const secretsmanager = require('aws-cdk-lib/aws-secretsmanager');
const { Membrane, MembraneAuth, MembraneVersion } = require('@org/membrane-cdk');

/** The README's minimal Membrane in a stack of `region`. */
function minimalMembrane(region, domainOptions = {}) {
  // Construct paths in the template, as `cdk synth` writes them (the upgrade check names resources by them).
  const app = new App({ context: { 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'Consumer', { env: { account: '123456789012', region } });
  const secret = (name) => secretsmanager.Secret.fromSecretNameV2(stack, name.replace(/\W/g, ''), name);
  new Membrane(stack, 'Membrane', {
    version: MembraneVersion.of('2026-01-14'),
    registryCredentials: secret('membrane/registry'),
    domain: { zone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' }), ...domainOptions },
    mongoUri: secret('membrane/mongo-uri'),
    selfHostingToken: secret('membrane/self-hosting-token'),
    auth: MembraneAuth.auth0({ domain: 'login.example.com', clientId: 'abc', clientSecret: secret('membrane/auth0') }),
  });
  return stack;
}

// us-east-1, so the static files' certificate is created here and nothing asks for a warning.
test('Membrane with minimal props synthesizes the same template every time, without warnings', () => {
  const stack = minimalMembrane('us-east-1');
  Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  const template = Template.fromStack(stack).toJSON();
  expect(template).toMatchSnapshot();
  // For the upgrade check in run.sh: this template on the lowest and on the newest aws-cdk-lib.
  writeFileSync(join(__dirname, 'Consumer.template.json'), JSON.stringify(template, undefined, 1));
});

// Outside us-east-1 the static files' certificate is made in a companion stack in us-east-1, whose ARN crosses regions
// through aws-cdk-lib's cross-region references: neither stack may warn.
test('outside us-east-1 a companion stack in us-east-1 holds the static certificate, and no stack warns', () => {
  const stack = minimalMembrane('eu-west-1');
  const companion = stack.node.root.node.findChild('Consumer-Membrane-StaticCertificate');
  expect(companion.region).toBe('us-east-1');
  for (const s of [stack, companion]) Annotations.fromStack(s).hasNoWarning('*', Match.anyValue());
  Template.fromStack(companion).resourceCountIs('AWS::CertificateManager::Certificate', 1);
});

// Without a custom static domain the static files use the *.cloudfront.net name, and nothing may warn (newer
// aws-cdk-lib versions warn about TLS settings set without a certificate).
test('without a custom static domain nothing warns', () => {
  const stack = minimalMembrane('eu-west-1', { createStaticCertificate: false });
  Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
});
