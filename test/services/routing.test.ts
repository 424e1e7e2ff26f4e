import { Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { logicalId } from './support';
import { IMembraneService, MembraneFirewall } from '../../lib';
import { buildServices, containerOf } from '../fixtures';
import { describeCdkTest, templateOf } from '../harness';
import { expectNoNagFindings, testStack } from '../rule-packs';

// MembraneEcsServices: the load balancer, its routing and certificate, and what may reach the custom code runner.

describeCdkTest('MembraneEcsServices load balancer and routing', () => {
  const { stack, services } = buildServices();
  const template = templateOf(stack);

  test('internet-facing ALB: invalid headers dropped, idle timeout below the 61 s keep-alive, access logs, deletion protection', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
    });
    const attributes = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0].Properties.LoadBalancerAttributes;
    expect(attributes).toEqual(expect.arrayContaining([
      { Key: 'deletion_protection.enabled', Value: 'true' },
      { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      { Key: 'idle_timeout.timeout_seconds', Value: '60' },
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.prefix', Value: 'alb' },
    ]));
  });

  test('HTTPS on 443 with a modern TLS policy and a 404 default; HTTP 80 redirects permanently to HTTPS', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
  });

  test('host-based routing to api, ui and console', () => {
    const ref = (group: { node: { defaultChild?: unknown } }) => ({ Ref: stack.getLogicalId(group.node.defaultChild as ecs.CfnService) });
    for (const [host, svc] of [['api.example.com', services.api], ['ui.example.com', services.ui], ['console.example.com',
      services.console]] as const) {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [host] } }],
        // Blue/green: the rule forwards to both target groups, all the weight on the one in service.
        Actions: [{
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: ref(svc.targetGroup!), Weight: 100 }, { TargetGroupArn: ref(svc.alternateTargetGroup!), Weight: 0 },
            ],
          },
        }],
      });
    }
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 3);
  });

  test('target groups: IP targets on port 5000, health check on /, fast deregistration', () => {
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 5000,
      Protocol: 'HTTP',
      TargetType: 'ip',
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 15,
      HealthyThresholdCount: 2,
      UnhealthyThresholdCount: 3,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    }, 6);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/', Matcher: { HttpCode: '200' } });
  });

  test('a DNS-validated certificate covers the three host names; alias records in the zone', () => {
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.example.com',
      SubjectAlternativeNames: ['ui.example.com', 'console.example.com'],
      ValidationMethod: 'DNS',
    });
    for (const host of ['api.example.com.', 'ui.example.com.', 'console.example.com.']) {
      template.hasResourceProperties('AWS::Route53::RecordSet', { Name: host, Type: 'A', HostedZoneId: 'Z0123' });
    }
  });

  test('path-based routing with BASE_PATH: one host, path rules before the API, BASE_PATH and health check on the path', () => {
    const b = buildServices({
      domain: {
        apiDomainName: 'integrations.example.com',
        uiBasePath: '/ui-app',
        consoleBasePath: '/console-app',
        certificate: acm.Certificate.fromCertificateArn(testStack('Other'), 'Cert', 'arn:aws:acm:eu-central-1:123456789012:certificate/abc'),
      },
    });
    const t = templateOf(b.stack);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 100,
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['integrations.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/ui-app', '/ui-app/*'] } },
      ],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 110,
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['integrations.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/console-app', '/console-app/*'] } },
      ],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 300, Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['integrations.example.com'] } }],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/ui-app', Matcher: { HttpCode: '200-399' } });
    t.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    t.resourceCountIs('AWS::Route53::RecordSet', 0);
    expect(containerOf(b.stack, b.services.ui).environment.BASE_PATH).toBe('/ui-app');
    expect(containerOf(b.stack, b.services.console).environment).toMatchObject({
      BASE_PATH: '/console-app',
      NEXT_PUBLIC_BASE_URI: 'https://integrations.example.com/console-app',
      NEXT_PUBLIC_ENGINE_UI_URI: 'https://integrations.example.com/ui-app',
    });
    expect(b.services.uiUrl).toBe('https://integrations.example.com/ui-app');
  });

  test('a WAF web ACL is associated when given', () => {
    const b = buildServices({ firewall: MembraneFirewall.webAcl('arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/membrane/abc') });
    templateOf(b.stack).hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      WebACLArn: 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/membrane/abc',
    });
    expectNoNagFindings(b.stack);
  });
});

describeCdkTest('MembraneEcsServices custom code runner isolation', () => {
  const { stack, services } = buildServices();
  const template = templateOf(stack);
  const sgOf = (svc: IMembraneService) => stack.resolve(svc.service.connections.securityGroups[0].securityGroupId);

  test('it is a Service Connect server; the api-image services are its clients', () => {
    expect(template.toJSON().Resources[logicalId(stack, services.customCodeRunner.service)].Properties.ServiceConnectConfiguration).toEqual({
      Enabled: true,
      Namespace: 'test-membrane.membrane.internal',
      Services: [{
        PortName: 'http',
        DiscoveryName: 'custom-code-runner',
        ClientAliases: [{ DnsName: 'custom-code-runner', Port: 5000 }],
        // Service Connect's 15 s default would cut custom code short; a call may last as long as a queued task.
        Timeout: { PerRequestTimeoutSeconds: 3000, IdleTimeoutSeconds: 3000 },
      }],
    });
    for (const svc of [services.api, services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator]) {
      expect(template.toJSON().Resources[logicalId(stack, svc.service)].Properties.ServiceConnectConfiguration).toEqual({
        Enabled: true,
        Namespace: 'test-membrane.membrane.internal',
      });
    }
  });

  test('the load balancer may only reach the API, UI and Console on port 5000: no egress to anywhere else', () => {
    const lbGroup = stack.resolve(services.loadBalancer.connections.securityGroups[0].securityGroupId);
    const group = Object.values(template.findResources('AWS::EC2::SecurityGroup'))
      .find(g => JSON.stringify(g.Properties.GroupDescription).includes('Security Group for ELB'))!;
    expect(group.Properties.SecurityGroupEgress).toBeUndefined();
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress', { Properties: { GroupId: lbGroup } }));
    const rule = (port: number, destination: unknown) => JSON.stringify([port, destination]);
    expect(egress.map(e => rule(e.Properties.FromPort, e.Properties.DestinationSecurityGroupId)).sort()).toEqual(
      [services.api, services.console, services.ui].map(svc => rule(5000, stack.resolve(svc.service.connections.securityGroups[0].securityGroupId)))
        .sort());
    expect(egress.every(e => e.Properties.ToPort === 5000)).toBe(true);
  });

  test('its security group admits port 5000 from the four api-image services and nothing else', () => {
    const target = sgOf(services.customCodeRunner);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .map(r => r.Properties).filter(p => JSON.stringify(p.GroupId) === JSON.stringify(target));
    expect(ingress.map(p => [p.FromPort, p.ToPort])).toEqual([[5000, 5000], [5000, 5000], [5000, 5000], [5000, 5000]]);
    expect(ingress.map(p => JSON.stringify(p.SourceSecurityGroupId)).sort()).toEqual(
      [services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator, services.api].map(s => JSON.stringify(sgOf(s))).sort());
    const runnerSg = services.customCodeRunner.service.connections.securityGroups[0].node.defaultChild as ecs.CfnService;
    const inline = template.toJSON().Resources[stack.getLogicalId(runnerSg)];
    expect(inline.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('it has no target group, no listener rule and no public IP', () => {
    expect(services.customCodeRunner.targetGroup).toBeUndefined();
    const rules = JSON.stringify(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rules).not.toContain('CustomCodeRunner');
    expect(template.toJSON().Resources[logicalId(stack,
      services.customCodeRunner.service)].Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
  });

  test('the api-image services reach the cache port; nothing else does', () => {
    const cacheIngress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { FromPort: 6380 } }));
    expect(cacheIngress.map(r => JSON.stringify(r.Properties.SourceSecurityGroupId)).sort()).toEqual(
      [services.instantTasksWorker, services.queuedTasksWorker, services.orchestrator, services.api].map(s => JSON.stringify(sgOf(s))).sort());
  });
});
