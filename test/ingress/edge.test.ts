import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { build, EDGE, Resource } from './support';
import { MembraneExposure, MembraneExposureMode, MembraneFirewall } from '../../lib';
import { containerOf } from '../fixtures';
import { describeCdkTest } from '../harness';

// MembraneEcsServices exposure: an internal Membrane with a public edge for webhooks and OAuth callbacks.

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

describeCdkTest('MembraneEcsServices exposure: a throw-away edge', () => {
  test('loadBalancerDeletionProtection: false reaches the edge too, acknowledged like the main load balancer', () => {
    const { template, services, stack } = build({ exposure: MembraneExposure.internalWithPublicEdge(EDGE), loadBalancerDeletionProtection: false });
    const edgeId = stack.getLogicalId(services.edgeLoadBalancer!.node.defaultChild as elbv2.CfnLoadBalancer);
    expect((template.toJSON().Resources[edgeId] as Resource).Properties.LoadBalancerAttributes)
      .toEqual(expect.arrayContaining([{ Key: 'deletion_protection.enabled', Value: 'false' }]));
  });
});

describeCdkTest('MembraneEcsServices exposure: an edge behind your own web ACL', () => {
  test('MembraneFirewall.webAcl(arn) on the edge attaches that ACL and creates none for the edge', () => {
    const arn = 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/edge/abc-123';
    const exposure = MembraneExposure.internalWithPublicEdge({ ...EDGE, firewall: MembraneFirewall.webAcl(arn) });
    const { template, services, stack } = build({ exposure });
    const edgeId = stack.getLogicalId(services.edgeLoadBalancer!.node.defaultChild as elbv2.CfnLoadBalancer);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { ResourceArn: { Ref: edgeId }, WebACLArn: arn });
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });
});
