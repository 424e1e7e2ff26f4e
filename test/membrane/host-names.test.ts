import { Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { build, inputs } from './support';
import { Membrane, MembraneExposure, MembraneProps, MembraneStorage } from '../../lib';
import { exampleApp } from '../example-app';
import { describeCdkTest, templateOf } from '../harness';
import { testApp } from '../rule-packs';

// Host names: each one is claimed by one construct in the app (Membrane, MembraneStorage, the public edge, the example app).

describeCdkTest('Membrane host names: each claimed once in the app', () => {
  const twoStacks = () => {
    const app = testApp();
    const where = { account: '123456789012', region: 'eu-central-1' };
    return { first: new Stack(app, 'First', { env: where }), second: new Stack(app, 'Second', { env: where }) };
  };

  test('two Membranes in one app with the same zone are refused, naming both, the prop and the fix', () => {
    const { first, second } = twoStacks();
    new Membrane(first, 'Membrane', inputs(first));
    expect(() => new Membrane(second, 'Membrane', inputs(second))).toThrow(new RegExp("^Second/Membrane: invalid 'domain.apiHost': 'api.example.com' "
      + "is also claimed by First/Membrane \\('domain.apiHost'\\).*whichever deploys second fails.*Give each Membrane deployment .* host names of "
      + 'their own'));
  });

  test('a hosted zone of the same name with another id counts too (a second zone, a second account: CloudFront aliases are global)', () => {
    const { first, second } = twoStacks();
    new Membrane(first, 'Membrane', inputs(first));
    const other = route53.HostedZone.fromHostedZoneAttributes(second, 'OtherZone', { hostedZoneId: 'Z2', zoneName: 'example.com.' });
    expect(() => new Membrane(second, 'Membrane', {
      ...inputs(second), domain: { zone: other, apiHost: 'dev-api', uiBasePath: '/ui-app', consoleBasePath: '/console-app' },
    })).toThrow(/Second\/Membrane: invalid 'domain.staticHost': 'static.example.com' is also claimed by First\/Membrane \('domain.staticHost'\)/);
  });

  test('a second Membrane with host names of its own in the same zone is fine', () => {
    const { first, second } = twoStacks();
    new Membrane(first, 'Membrane', inputs(first));
    const base = inputs(second);
    new Membrane(second, 'Membrane', {
      ...base, domain: { ...base.domain, apiHost: 'dev-api', uiBasePath: '/ui-app', consoleBasePath: '/console-app', staticHost: 'dev-static' },
    });
    templateOf(second).hasResourceProperties('AWS::Route53::RecordSet', { Name: 'dev-static.example.com.', Type: 'A' });
  });

  test.each<[string, Partial<MembraneProps['domain']>, RegExp]>([
    ['staticHost equal to apiHost', { staticHost: 'api' },
      /Test\/Membrane: invalid 'domain.staticHost': 'api.example.com' is also claimed by Test\/Membrane \('domain.apiHost'\)/],
    ['staticHost equal to consoleHost', { staticHost: 'console' }, /invalid 'domain.staticHost': 'console.example.com' .*\('domain.consoleHost'\)/],
    ['consoleHost equal to staticHost', { consoleHost: 'static' }, /invalid 'domain.staticHost': 'static.example.com' .*\('domain.consoleHost'\)/],
  ])('%s is refused', (_name, domain, message) => {
    expect(() => build({ domain: { ...inputs(new Stack()).domain, ...domain } })).toThrow(message);
  });

  test('a MembraneStorage elsewhere in the app serving the same static host is refused', () => {
    const { first, second } = twoStacks();
    const zone = route53.HostedZone.fromHostedZoneAttributes(first, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' });
    const certificate = acm.Certificate.fromCertificateArn(first, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    new MembraneStorage(first, 'Assets', { domain: { domainName: 'static.example.com', certificate, zone } });
    expect(() => new Membrane(second, 'Membrane', inputs(second)))
      .toThrow(/Second\/Membrane: invalid 'domain.staticHost': 'static.example.com' is also claimed by First\/Assets \('domain.domainName'\)/);
  });

  test('a public edge host equal to the static host is refused', () => {
    expect(() => build({
      exposure: MembraneExposure.internalWithPublicEdge({
        webhooksDomainName: 'static.example.com',
        webhookPaths: ['/webhooks/*'],
        oauthCallbackDomainName: 'oauth.example.com',
        oauthCallbackPaths: ['/oauth-callback'],
      }),
    })).toThrow(/Test\/Membrane\/Services: invalid 'exposure.webhooksDomainName': 'static.example.com' is also claimed by Test\/Membrane \('domain.staticHost'\)/);
  });
});

describe('the example app (bin/) claims each host once', () => {
  test('both stacks synthesize, and no record name or CloudFront alias is in both', () => {
    const { production, development } = exampleApp();
    const names = (stack: Stack) => {
      const template = templateOf(stack);
      const records = Object.values(template.findResources('AWS::Route53::RecordSet')).map(r => r.Properties.Name as string);
      const aliases = Object.values(template.findResources('AWS::CloudFront::Distribution'))
        .flatMap(d => (d.Properties.DistributionConfig.Aliases ?? []) as string[]).map(a => `${a}.`);
      return new Set([...records, ...aliases]);
    };
    const [prod, dev] = [names(production), names(development)];
    expect([...prod].sort()).toEqual(['api.example.com.', 'console.example.com.', 'static.example.com.', 'ui.example.com.']);
    expect([...dev].sort()).toEqual(['membrane-dev-static.example.com.', 'membrane-dev.example.com.']);
    expect([...prod].filter(name => dev.has(name))).toEqual([]);
  });
});
