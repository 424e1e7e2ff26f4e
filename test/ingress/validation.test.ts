import { Duration, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EDGE } from './support';
import { MembraneEcsServicesProps, MembraneExposure, MembraneFirewall, MembranePublicEdgeOptions } from '../../lib';
import { buildServices } from '../fixtures';
import { testStack } from '../rule-packs';

// MembraneEcsServices exposure: rejected input.

describe('MembraneEcsServices exposure: rejected input', () => {
  const edge = (overrides: Partial<MembranePublicEdgeOptions>) => MembraneExposure.internalWithPublicEdge({ ...EDGE, ...overrides });
  test.each<[string, Partial<MembraneEcsServicesProps>, RegExp]>([
    ['an edge path that forwards every path', { exposure: edge({ webhookPaths: ['/webhooks/*', '/*'] }) },
      /invalid 'exposure.webhookPaths': '\/\*' forwards every path, which publishes the whole API/],
    ['a bare wildcard', { exposure: edge({ oauthCallbackPaths: ['*'] }) }, /invalid 'exposure.oauthCallbackPaths': '\*' forwards every path/],
    ['no path', { exposure: edge({ webhookPaths: [] }) }, /invalid 'exposure.webhookPaths': no path is forwarded/],
    ['a path without its leading slash', { exposure: edge({ webhookPaths: ['webhooks/*'] }) },
      /invalid 'exposure.webhookPaths': 'webhooks\/\*' is not an ALB path pattern/],
    ['too many paths', { exposure: edge({ webhookPaths: Array.from({ length: 31 }, (_, i) => `/p${i}`) }) },
      /invalid 'exposure.webhookPaths': 31 patterns are more than 30/],
    ['an edge host outside the zone', { exposure: edge({ webhooksDomainName: 'webhooks.example.org' }) },
      /invalid 'exposure.webhooksDomainName': 'webhooks.example.org' is not in the hosted zone example.com/],
    ['an edge host with a scheme', { exposure: edge({ oauthCallbackDomainName: 'https://oauth.example.com' }) },
      /invalid 'exposure.oauthCallbackDomainName': 'https:\/\/oauth.example.com' is not a lowercase host name/],
    ['an edge host that is the API\'s', { exposure: edge({ webhooksDomainName: 'api.example.com' }) },
      /invalid 'exposure.webhooksDomainName': 'api.example.com' is also a host of the API, UI or Console/],
    ['BASE_WEBHOOKS_URI set by hand next to the edge', { exposure: edge({}), settings: { baseWebhooksUri: 'https://hooks.example.com' } },
      /invalid 'settings.baseWebhooksUri': the public edge sets it to its own host name/],
    ['BASE_OAUTH_CALLBACK_URI set by hand next to the edge', { exposure: edge({}), settings: { baseOauthCallbackUri: 'https://o.example.com' } },
      /invalid 'settings.baseOauthCallbackUri': the public edge sets it/],
    ['an empty allow-list', { exposure: MembraneExposure.internetFacing({ allowFrom: [] }) },
      /invalid 'exposure.allowFrom': it is empty, so nobody could reach the load balancer/],
    ['an edge rate limit below 10', { exposure: edge({ firewall: MembraneFirewall.managed({ rateLimit: 5 }) }) }, /invalid 'exposure.firewall.rateLimit'/],
    ['an edge without a web ACL', { exposure: edge({ firewall: MembraneFirewall.none() }) },
      /invalid 'exposure.firewall': the public edge is on the internet and forwards to the API, so it needs a web ACL/],
    ['an edge firewall of the options of earlier releases', { exposure: edge({ firewall: { rateLimit: 500 } as unknown as MembraneFirewall }) },
      /invalid 'exposure.firewall': a plain object is not a MembraneFirewall/],
    ['an edge web ACL of another region', {
      exposure: edge({ firewall: MembraneFirewall.webAcl('arn:aws:wafv2:us-east-1:123456789012:regional/webacl/edge/abc-123') }),
    }, /invalid 'exposure.firewall': the web ACL is in us-east-1/],
    ['a plain object instead of a MembraneExposure', { exposure: { mode: 'internal' } as unknown as MembraneExposure },
      /invalid 'exposure': it is not a MembraneExposure/],
    ['an allow-list block with a /33 mask', { exposure: MembraneExposure.internetFacing({ allowFrom: [ec2.Peer.ipv4('203.0.113.0/33')] }) },
      /invalid 'exposure.allowFrom': '203.0.113.0\/33' is not a CIDR block/],
    ['an allow-list block with an octet above 255', { exposure: MembraneExposure.internal({ allowFrom: [ec2.Peer.ipv4('10.300.0.0/16')] }) },
      /invalid 'exposure.allowFrom': '10.300.0.0\/16' is not a CIDR block/],
    ['an IPv6 allow-list block with a /129 mask', { exposure: edge({ allowFrom: [ec2.Peer.ipv6('2001:db8::/129')] }) },
      /invalid 'exposure.allowFrom': '2001:db8::\/129' is not a CIDR block/],
    ['a load balancer idle timeout known at deploy time in minutes', {
      loadBalancerIdleTimeout: Duration.minutes(Token.asNumber({ Ref: 'IdleMinutes' })),
    }, /invalid 'loadBalancerIdleTimeout': a value known only at deploy time can be converted to seconds only when it is given in seconds/],
  ])('%s', (_name, overrides, error) => {
    expect(() => buildServices(overrides)).toThrow(error);
  });

  test.each([
    ['not an ACM certificate ARN', 'arn:aws:iam::123456789012:server-certificate/edge', /invalid 'exposure.certificate': '.*' is not an ACM certificate ARN/],
    ['a certificate of another region (CloudFront\'s us-east-1)', 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
      /invalid 'exposure.certificate': the certificate is in us-east-1, but a load balancer only uses certificates of its own region/],
  ])('an edge certificate that is %s', (_name, arn, error) => {
    const stack = testStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'EdgeCertificate', arn);
    expect(() => buildServices({ exposure: edge({ certificate }) }, stack)).toThrow(error);
  });

  test('an edge without a zone needs its own certificate', () => {
    const stack = testStack();
    const certificate = acm.Certificate.fromCertificateArn(stack, 'C', 'arn:aws:acm:eu-central-1:123456789012:certificate/x');
    const domain = { apiDomainName: 'api.example.com', uiDomainName: 'ui.example.com', consoleDomainName: 'console.example.com', certificate };
    expect(() => buildServices({ domain, exposure: edge({}) }, stack))
      .toThrow(/invalid 'exposure.certificate': the edge has no certificate and no zone to validate one in/);
  });

  test('an allow-list on a VPC whose NAT gateways are unknown warns that the workers call the API through them', () => {
    const stack = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-1', availabilityZones: ['eu-central-1a', 'eu-central-1b'], publicSubnetIds: ['s-1', 's-2'], privateSubnetIds: ['s-3', 's-4'],
    });
    buildServices({ vpc, exposure: MembraneExposure.internetFacing({ allowFrom: [ec2.Peer.ipv4('203.0.113.0/24')] }) }, stack);
    const warnings = stack.node.findAll().flatMap(c => c.node.metadata).filter(m => m.type === 'aws:cdk:warning').map(m => String(m.data));
    expect(warnings.some(w => w.includes('add their public IPs to allowFrom') && w.includes('[ack: @org/membrane-cdk:allowListWithoutNat]')))
      .toBe(true);
  });
});
