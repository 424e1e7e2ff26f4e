import { CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MembraneEcsServicesProps, MembraneExposure, MembraneExposureMode, MembranePublicEdgeOptions } from '../../lib';
import { buildServices, containerOf } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { testStack } from '../nag';

const EDGE: MembranePublicEdgeOptions = {
  webhooksDomainName: 'webhooks.example.com',
  webhookPaths: ['/webhooks/*'],
  oauthCallbackDomainName: 'oauth.example.com',
  oauthCallbackPaths: ['/oauth-callback', '/oauth-callback/*'],
};

type Resource = { Properties: Record<string, unknown> };

function build(overrides: Partial<MembraneEcsServicesProps>, stack?: Stack) {
  const built = buildServices(overrides, stack);
  const template = templateOf(built.stack);
  const id = (c: { node: { defaultChild?: unknown } }) => built.stack.getLogicalId(c.node.defaultChild as elbv2.CfnLoadBalancer);
  return { ...built, template, lbId: id(built.services.loadBalancer) };
}

/** Ingress rules of a security group, inline and separate. */
function ingressOf(template: Template, groupId: string): Array<Record<string, unknown>> {
  const group = template.toJSON().Resources[groupId] as Resource;
  const inline = (group.Properties.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? [];
  const separate = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress') as Record<string, Resource>)
    .filter(r => JSON.stringify(r.Properties.GroupId).includes(`"${groupId}"`)).map(r => r.Properties);
  return [...inline, ...separate];
}

function loadBalancerGroup(template: Template, lbId: string): string {
  const lb = template.toJSON().Resources[lbId] as Resource;
  return ((lb.Properties.SecurityGroups as Array<{ 'Fn::GetAtt': string[] }>)[0])['Fn::GetAtt'][0];
}

describeCdkTest('MembraneEcsServices exposure: internet-facing (default)', () => {
  test('an internet-facing load balancer in the public subnets, open to anyone on 443 and 80', () => {
    const { template, lbId, services } = build({});
    expect(services.exposure).toBe(MembraneExposureMode.INTERNET_FACING);
    expect((template.toJSON().Resources[lbId] as Resource).Properties.Scheme).toBe('internet-facing');
    const ingress = ingressOf(template, loadBalancerGroup(template, lbId));
    expect(ingress.map(r => [r.CidrIp, r.FromPort])).toEqual(expect.arrayContaining([['0.0.0.0/0', 443], ['0.0.0.0/0', 80]]));
    expect(services.edgeLoadBalancer).toBeUndefined();
  });

  test('an allow-list admits only its CIDR blocks and prefix lists, plus the NAT gateways the workers call the API through', () => {
    const { template, lbId, network } = build({
      exposure: MembraneExposure.internetFacing({ allowFrom: [ec2.Peer.ipv4('203.0.113.0/24'), ec2.Peer.prefixList('pl-0123456789abcdef0')] }),
    });
    const ingress = ingressOf(template, loadBalancerGroup(template, lbId));
    expect(ingress.some(r => r.CidrIp === '0.0.0.0/0')).toBe(false);
    for (const port of [443, 80]) {
      expect(ingress).toEqual(expect.arrayContaining([
        expect.objectContaining({ CidrIp: '203.0.113.0/24', FromPort: port, ToPort: port }),
        expect.objectContaining({ SourcePrefixListId: 'pl-0123456789abcdef0', FromPort: port }),
      ]));
    }
    const natSources = ingress.filter(r => JSON.stringify(r.CidrIp ?? '').includes('EIP'));
    expect(natSources).toHaveLength(network.natPublicIps.length * 2);
    expect(natSources[0].CidrIp).toEqual({ 'Fn::Join': ['', [{ Ref: expect.stringMatching(/publicSubnet1EIP/) }, '/32']] });
  });
});

describeCdkTest('MembraneEcsServices exposure: internal', () => {
  const { template, lbId, services, stack } = build({ exposure: MembraneExposure.internal() });

  test('an internal load balancer in the tasks\' private subnets', () => {
    expect(services.exposure).toBe(MembraneExposureMode.INTERNAL);
    const lb = (template.toJSON().Resources[lbId] as Resource).Properties;
    expect(lb.Scheme).toBe('internal');
    expect(JSON.stringify(lb.Subnets)).toMatch(/appSubnet/);
    expect(JSON.stringify(lb.Subnets)).not.toMatch(/publicSubnet/);
  });

  test('reached from the VPC\'s range (a literal) and from the api-image services (BASE_URI_INTERNAL), not from the internet', () => {
    const ingress = ingressOf(template, loadBalancerGroup(template, lbId));
    expect(ingress.some(r => r.CidrIp === '0.0.0.0/0')).toBe(false);
    expect(ingress).toEqual(expect.arrayContaining([
      expect.objectContaining({ CidrIp: '10.0.0.0/16', FromPort: 443 }),
      expect.objectContaining({ CidrIp: '10.0.0.0/16', FromPort: 80 }),
    ]));
    const fromServices = ingress.filter(r => r.SourceSecurityGroupId !== undefined && r.FromPort === 443)
      .map(r => (r.SourceSecurityGroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]);
    const engines = [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]
      .map(svc => stack.getLogicalId(svc.service.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup));
    expect(fromServices.sort()).toEqual(engines.sort());
  });

  test('the records stay in the public zone (alias to the private addresses) and the certificate is DNS-validated there', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'api.example.com.', HostedZoneId: 'Z0123', Type: 'A' });
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.example.com', ValidationMethod: 'DNS', DomainValidationOptions: Match.arrayWith([Match.objectLike({ HostedZoneId: 'Z0123' })]),
    });
  });

  test('BASE_WEBHOOKS_URI and BASE_OAUTH_CALLBACK_URI are not set: webhooks use the private API URL', () => {
    const { environment } = containerOf(stack, services.api);
    expect(environment.BASE_WEBHOOKS_URI).toBeUndefined();
    expect(environment.BASE_URI).toBe('https://api.example.com');
  });

  test('a private hosted zone takes the records; the certificate is still validated in the public zone', () => {
    const own = testStack();
    const privateZone = route53.HostedZone.fromHostedZoneAttributes(own, 'Private', { hostedZoneId: 'ZPRIVATE', zoneName: 'example.com' });
    const t = build({ exposure: MembraneExposure.internal({ privateZone, allowFrom: [ec2.Peer.ipv4('10.8.0.0/16')] }) }, own);
    t.template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'api.example.com.', HostedZoneId: 'ZPRIVATE' });
    expect(Object.values(t.template.findResources('AWS::Route53::RecordSet')).some(r => r.Properties.HostedZoneId === 'Z0123')).toBe(false);
    t.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainValidationOptions: Match.arrayWith([Match.objectLike({ HostedZoneId: 'Z0123' })]),
    });
    const ingress = ingressOf(t.template, loadBalancerGroup(t.template, t.lbId));
    expect(ingress.filter(r => typeof r.CidrIp === 'string').map(r => [r.CidrIp, r.FromPort])).toEqual([['10.8.0.0/16', 443], ['10.8.0.0/16', 80]]);
  });
});

describeCdkTest('MembraneEcsServices exposure: internal with a public edge', () => {
  const { template, services, stack, lbId } = build({ exposure: MembraneExposure.internalWithPublicEdge(EDGE) });
  const edgeId = stack.getLogicalId(services.edgeLoadBalancer!.node.defaultChild as elbv2.CfnLoadBalancer);
  const edge = (template.toJSON().Resources[edgeId] as Resource).Properties;

  test('the main load balancer is internal; the edge is internet-facing in the public subnets and tagged for MembraneChecks', () => {
    expect(services.exposure).toBe(MembraneExposureMode.INTERNAL_WITH_PUBLIC_EDGE);
    expect((template.toJSON().Resources[lbId] as Resource).Properties.Scheme).toBe('internal');
    expect(edge.Scheme).toBe('internet-facing');
    expect(JSON.stringify(edge.Subnets)).toMatch(/publicSubnet/);
    expect(edge.Tags).toEqual(expect.arrayContaining([{ Key: 'membrane:exposure', Value: 'public-edge' }]));
  });

  test('BASE_WEBHOOKS_URI and BASE_OAUTH_CALLBACK_URI are the edge hosts on every api-image service, not on the front ends', () => {
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      const { environment } = containerOf(stack, svc);
      expect(environment).toMatchObject({
        BASE_WEBHOOKS_URI: 'https://webhooks.example.com', BASE_OAUTH_CALLBACK_URI: 'https://oauth.example.com', BASE_URI: 'https://api.example.com',
      });
    }
    expect(containerOf(stack, services.console).environment.BASE_WEBHOOKS_URI).toBeUndefined();
    expect(services.webhooksUrl).toBe('https://webhooks.example.com');
    expect(services.oauthCallbackUrl).toBe('https://oauth.example.com');
  });

  test('HTTPS only, answering 404 to every path not listed', () => {
    const listeners = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener') as Record<string, Resource>)
      .filter(l => JSON.stringify(l.Properties.LoadBalancerArn).includes(edgeId));
    expect(listeners).toHaveLength(1);
    expect(listeners[0].Properties).toMatchObject({
      Port: 443,
      Protocol: 'HTTPS',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', MessageBody: 'Not forwarded by the Membrane edge' } }],
    });
  });

  test('one rule per host forwards only its paths to the API\'s own edge target group', () => {
    const rules = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule') as Record<string, Resource>)
      .filter(r => JSON.stringify(r.Properties.ListenerArn).includes('Edge'));
    const conditions = rules.map(r => (r.Properties.Conditions as Array<{
      Field: string;
      HostHeaderConfig?: { Values: string[] };
      PathPatternConfig?: { Values: string[] };
    }>));
    expect(conditions.map(c => [c.find(x => x.Field === 'host-header')!.HostHeaderConfig!.Values,
      c.find(x => x.Field === 'path-pattern')!.PathPatternConfig!.Values])).toEqual([
      [['webhooks.example.com'], ['/webhooks/*']],
      [['oauth.example.com'], ['/oauth-callback', '/oauth-callback/*']],
    ]);
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: Match.arrayWith([
        Match.objectLike({ ContainerName: 'api', TargetGroupArn: { Ref: Match.stringLikeRegexp('LoadBalancerHttpsApiInternalGroup') } }),
        Match.objectLike({ ContainerName: 'api', TargetGroupArn: { Ref: Match.stringLikeRegexp('EdgeApiTargetGroup') } }),
      ]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Name: Match.absent(),
      TargetType: 'ip',
      Port: 5000,
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
      Tags: Match.absent(),
      VpcId: Match.anyValue(),
    });
  });

  test('more than three paths on a host are split into rules of at most three (the ALB limit per condition)', () => {
    const many = build({
      exposure: MembraneExposure.internalWithPublicEdge({ ...EDGE, webhookPaths: ['/a/*', '/b/*', '/c/*', '/d/*', '/e/*', '/f/*', '/g'] }),
    });
    const rules = Object.values(many.template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule') as Record<string, Resource>)
      .filter(r => JSON.stringify(r.Properties.ListenerArn).includes('Edge'))
      .map(r => ({
        priority: r.Properties.Priority,
        paths: (r.Properties.Conditions as Array<{ PathPatternConfig?: { Values: string[] } }>)
          .find(c => c.PathPatternConfig)!.PathPatternConfig!.Values,
      }));
    expect(rules.sort((a, b) => Number(a.priority) - Number(b.priority)).map(r => r.paths)).toEqual([
      ['/a/*', '/b/*', '/c/*'], ['/d/*', '/e/*', '/f/*'], ['/g'], ['/oauth-callback', '/oauth-callback/*'],
    ]);
  });

  test('webhooks and OAuth callbacks may share one host: one certificate name, one record, the paths of both', () => {
    const shared = build({
      exposure: MembraneExposure.internalWithPublicEdge({ ...EDGE, oauthCallbackDomainName: 'webhooks.example.com' }),
    });
    const rules = Object.values(shared.template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule') as Record<string, Resource>)
      .filter(r => JSON.stringify(r.Properties.ListenerArn).includes('Edge'));
    expect(rules).toHaveLength(1);
    expect(JSON.stringify(rules[0].Properties.Conditions)).toContain('"/webhooks/*","/oauth-callback","/oauth-callback/*"');
    shared.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'webhooks.example.com', SubjectAlternativeNames: Match.absent(),
    });
  });

  test('the edge has its own DNS-validated certificate and records in the public zone', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'webhooks.example.com', SubjectAlternativeNames: ['oauth.example.com'], ValidationMethod: 'DNS',
    });
    for (const name of ['webhooks.example.com.', 'oauth.example.com.']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: name,
        HostedZoneId: 'Z0123',
        AliasTarget: Match.objectLike({
          DNSName: Match.objectLike({
            'Fn::Join': Match.arrayWith([Match.arrayWith([
              Match.objectLike({ 'Fn::GetAtt': [edgeId, 'DNSName'] }),
            ])]),
          }),
        }),
      });
    }
  });

  test('a web ACL with the managed rules and a rate limit per IP protects the edge, logging to its own group', () => {
    const acls = template.findResources('AWS::WAFv2::WebACL') as Record<string, Resource>;
    const [aclId, acl] = Object.entries(acls).find(([, a]) => String(a.Properties.Description).startsWith('Membrane public edge'))!;
    expect(acl.Properties.Description).toMatch(/^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]{1,256}$/);
    expect(acl.Properties.Rules).toEqual(expect.arrayContaining([expect.objectContaining({
      Name: 'RateLimitPerIp',
      Statement: { RateBasedStatement: expect.objectContaining({ Limit: 3000, AggregateKeyType: 'IP' }) },
      Action: { Block: {} },
    })]));
    // Membrane's own calls to the edge (a flow calling a webhook URL) leave through the NAT gateways: not counted.
    const exempt = Object.entries(template.findResources('AWS::WAFv2::IPSet') as Record<string, Resource>)
      .find(([id]) => id.startsWith('MembraneEdgeFirewall'))!;
    expect(JSON.stringify(exempt[1].Properties.Addresses)).toMatch(/publicSubnet1EIP.*publicSubnet2EIP/);
    const rate = (acl.Properties.Rules as Array<{ Name: string; Statement: { RateBasedStatement: { ScopeDownStatement: unknown } } }>)
      .find(r => r.Name === 'RateLimitPerIp')!;
    expect(rate.Statement.RateBasedStatement.ScopeDownStatement).toEqual({
      NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [exempt[0], 'Arn'] } } } },
    });
    expect(acl.Properties.DefaultAction).toEqual({ Allow: {} });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: edgeId }, WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] } });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', [Match.stringLikeRegexp('^aws-waf-logs-.*Edge'), Match.objectLike({ 'Fn::Select': Match.anyValue() })]] },
    });
  });

  test('the edge reaches only the API on 5000; its access logs go to the log bucket under edge/', () => {
    const edgeGroup = (edge.SecurityGroups as Array<{ 'Fn::GetAtt': string[] }>)[0]['Fn::GetAtt'][0];
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress') as Record<string, Resource>)
      .filter(r => JSON.stringify(r.Properties.GroupId).includes(edgeGroup));
    expect(egress).toHaveLength(1);
    const api = stack.getLogicalId(services.api.service.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup);
    expect(egress[0].Properties).toMatchObject({ FromPort: 5000, ToPort: 5000, DestinationSecurityGroupId: { 'Fn::GetAtt': [api, 'GroupId'] } });
    expect(edge.LoadBalancerAttributes).toEqual(expect.arrayContaining([
      { Key: 'access_logs.s3.enabled', Value: 'true' }, { Key: 'access_logs.s3.prefix', Value: 'edge' },
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }, { Key: 'deletion_protection.enabled', Value: 'true' },
      { Key: 'idle_timeout.timeout_seconds', Value: '60' },
    ]));
  });
});

describeCdkTest('MembraneEcsServices exposure: a change of scheme on a live stack', () => {
  type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const resources = (exposure?: MembraneExposure): Resources => build(exposure ? { exposure } : {}).template.toJSON().Resources;
  const ids = (r: Resources, type: string) => Object.keys(r).filter(id => r[id].Type === type).sort();
  const TARGET_GROUP = 'AWS::ElasticLoadBalancingV2::TargetGroup';
  const internetFacing = resources();
  const internal = resources(MembraneExposure.internal());
  const withEdge = resources(MembraneExposure.internalWithPublicEdge(EDGE));

  test('the internet-facing target groups keep the logical ids they always had (blue/green adds an alternate one to each)', () => {
    expect(ids(internetFacing, TARGET_GROUP)).toEqual([
      'MembraneLoadBalancerHttpsApiAlternateGroup95DFDAA3', 'MembraneLoadBalancerHttpsApiGroup1F942469',
      'MembraneLoadBalancerHttpsConsoleAlternateGroup8BC36314', 'MembraneLoadBalancerHttpsConsoleGroupBDF349FC',
      'MembraneLoadBalancerHttpsUiAlternateGroupB959881F', 'MembraneLoadBalancerHttpsUiGroup1C23AECB',
    ]);
  });

  test('the load balancer is replaced (its Scheme is create-only), and every target group of it with it', () => {
    const lb = ids(internetFacing, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.map(id => [internetFacing[id].Properties.Scheme, internal[id]?.Properties.Scheme])).toEqual([['internet-facing', 'internal']]);
    const before = ids(internetFacing, TARGET_GROUP);
    const after = ids(internal, TARGET_GROUP);
    expect(after).toHaveLength(before.length);
    expect(after.filter(id => before.includes(id))).toEqual([]);
  });

  test('no listener rule of the new load balancer forwards to a target group the old one still uses', () => {
    for (const [from, to] of [[internetFacing, internal], [internal, internetFacing]]) {
      const forwarded = ids(to, 'AWS::ElasticLoadBalancingV2::ListenerRule')
        .flatMap(id => JSON.stringify(to[id].Properties.Actions).match(/"Ref":"[A-Za-z0-9]+"/g) ?? []).map(ref => ref.slice(7, -1));
      expect(forwarded.length).toBeGreaterThan(0);
      expect(forwarded.filter(id => from[id]?.Type === TARGET_GROUP)).toEqual([]);
    }
  });

  test('the services keep their logical ids: ECS updates their target groups in place, with a rolling deployment', () => {
    expect(ids(internal, 'AWS::ECS::Service')).toEqual(ids(internetFacing, 'AWS::ECS::Service'));
  });

  test('nothing stateful changes', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::ElastiCache::ReplicationGroup',
      'AWS::KMS::Key']) {
      expect(ids(internal, type)).toEqual(ids(internetFacing, type));
      for (const id of ids(internal, type)) expect(internal[id].Properties).toEqual(internetFacing[id].Properties);
    }
  });

  test('adding the public edge to an internal deployment keeps the main target groups (same scheme)', () => {
    const main = (r: Resources) => ids(r, TARGET_GROUP).filter(id => !id.includes('Edge'));
    expect(main(withEdge)).toEqual(main(internal));
  });
});

describeCdkTest('MembraneEcsServices exposure: values known only at deploy time', () => {
  test('an idle timeout from a parameter: the load balancer takes it, the API keeps connections 999 ms longer', () => {
    const stack = testStack();
    const idle = new CfnParameter(stack, 'IdleSeconds', { type: 'Number', minValue: 1, maxValue: 4000 });
    const { template, lbId, services } = build({ loadBalancerIdleTimeout: Duration.seconds(idle.valueAsNumber) }, stack);
    expect((template.toJSON().Resources[lbId] as Resource).Properties.LoadBalancerAttributes)
      .toEqual(expect.arrayContaining([{ Key: 'idle_timeout.timeout_seconds', Value: { Ref: 'IdleSeconds' } }]));
    const { environment } = containerOf(stack, services.api);
    expect(environment.KEEPALIVE_TIMEOUT_MS).toEqual({ 'Fn::Join': ['', [{ Ref: 'IdleSeconds' }, '999']] });
    expect(environment.HEADERS_TIMEOUT_MS).toEqual(environment.KEEPALIVE_TIMEOUT_MS);
  });

  test('an edge certificate from a parameter is accepted as it is', () => {
    const stack = testStack();
    const arn = new CfnParameter(stack, 'EdgeCertificateArn', { type: 'String' }).valueAsString;
    const certificate = acm.Certificate.fromCertificateArn(stack, 'EdgeCertificate', arn);
    const { template } = build({ exposure: MembraneExposure.internalWithPublicEdge({ ...EDGE, certificate }) }, stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Certificates: [{ CertificateArn: { Ref: 'EdgeCertificateArn' } }] });
  });
});

// Outside the rule-pack harness: the packs cannot read a CIDR block that is a parameter (it could be 0.0.0.0/0) and
// rightly report it to the user who passes one.
describe('MembraneEcsServices exposure: an allow-list block from a parameter', () => {
  test('is accepted as it is', () => {
    const stack = testStack();
    const cidr = new CfnParameter(stack, 'VpnCidr', { type: 'String' }).valueAsString;
    const { template, lbId } = build({ exposure: MembraneExposure.internal({ allowFrom: [ec2.Peer.ipv4(cidr)] }) }, stack);
    expect(ingressOf(template, loadBalancerGroup(template, lbId))).toEqual(expect.arrayContaining([
      expect.objectContaining({ CidrIp: { Ref: 'VpnCidr' }, FromPort: 443 }),
    ]));
  });
});

describeCdkTest('MembraneEcsServices exposure: a throw-away edge', () => {
  test('loadBalancerDeletionProtection: false reaches the edge too, acknowledged like the main load balancer', () => {
    const { template, services, stack } = build({ exposure: MembraneExposure.internalWithPublicEdge(EDGE), loadBalancerDeletionProtection: false });
    const edgeId = stack.getLogicalId(services.edgeLoadBalancer!.node.defaultChild as elbv2.CfnLoadBalancer);
    expect((template.toJSON().Resources[edgeId] as Resource).Properties.LoadBalancerAttributes)
      .toEqual(expect.arrayContaining([{ Key: 'deletion_protection.enabled', Value: 'false' }]));
  });
});

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
    ['an edge rate limit below 10', { exposure: edge({ firewall: { rateLimit: 5 } }) }, /invalid 'exposure.firewall.rateLimit'/],
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
