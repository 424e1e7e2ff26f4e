import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { build, ingressOf, loadBalancerGroup, Resource } from './support';
import { MembraneExposure, MembraneExposureMode } from '../../lib';
import { containerOf } from '../fixtures';
import { describeCdkTest } from '../harness';
import { testStack } from '../rule-packs';

// MembraneEcsServices exposure: the internet-facing (default) and internal load balancer, who may reach it, its records.

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
