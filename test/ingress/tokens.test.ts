import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { build, EDGE, ingressOf, loadBalancerGroup, Resource } from './support';
import { MembraneExposure } from '../../lib';
import { containerOf } from '../fixtures';
import { describeCdkTest } from '../harness';
import { testStack } from '../rule-packs';

// MembraneEcsServices exposure: values known only at deploy time (CloudFormation parameters) are accepted as they are.

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
