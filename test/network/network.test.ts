import { CfnParameter } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MembraneNetwork, MembraneNetworkProps } from '../../lib';
import { describeCdkTest, templateOf } from '../harness';
import { acknowledgements, expectNoNagFindings, testStack } from '../rule-packs';

function build(props: MembraneNetworkProps = {}) {
  const stack = testStack();
  const network = new MembraneNetwork(stack, 'Network', props);
  return { stack, network, template: templateOf(stack) };
}

describeCdkTest('MembraneNetwork', () => {
  const { stack, network, template } = build();

  test('the NAT gateways\' public IPs are a stack output, for the MongoDB Atlas IP access list', () => {
    expect(network.natPublicIps).toHaveLength(2);
    const outputs = Object.values(template.toJSON().Outputs ?? {}) as Array<{ Value: unknown }>;
    expect(outputs).toHaveLength(1);
    expect(outputs[0].Value).toEqual({ 'Fn::Join': [',', network.natPublicIps.map(ip => stack.resolve(ip))] });
  });

  test('two AZs with public, private-with-egress and isolated subnets; one NAT gateway per AZ', () => {
    expect(network.vpc.publicSubnets).toHaveLength(2);
    expect(network.vpc.privateSubnets).toHaveLength(2);
    expect(network.vpc.isolatedSubnets).toHaveLength(2);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
  });

  test('public subnets assign no public IPs on launch', () => {
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 6);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 0);
  });

  test('flow logs for all traffic go to a retained, versioned log bucket', () => {
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 's3',
      LogDestination: {
        'Fn::Join': ['', [{ 'Fn::GetAtt': [stack.getLogicalId(network.flowLogsBucket.node.defaultChild as s3.CfnBucket), 'Arn'] },
          '/vpc-flow-logs/']],
      },
    });
    const bucket = template.toJSON().Resources[stack.getLogicalId(network.flowLogsBucket.node.defaultChild as s3.CfnBucket)];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('the default security group is closed', () => {
    template.hasResourceProperties('Custom::VpcRestrictDefaultSG', { DefaultSecurityGroupId: Match.anyValue() });
  });

  test('passes both nag packs; public subnets acknowledge their internet route', () => {
    expectNoNagFindings(stack);
    expect(acknowledgements(stack).map(a => a.split(': ')[0])).toEqual(expect.arrayContaining([
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at Test/Network/Vpc/publicSubnet1',
      'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW at Test/Network/Vpc/publicSubnet2',
    ]));
  });

  test('an existing bucket receives the flow logs; NAT gateways and AZs are configurable', () => {
    const stack2 = testStack();
    const logs = new s3.Bucket(stack2, 'Logs');
    const n = new MembraneNetwork(stack2, 'Network', { flowLogsBucket: logs, natGateways: 1, maxAzs: 3, cidr: '10.20.0.0/16' });
    const t = templateOf(stack2);
    expect(n.flowLogsBucket).toBe(logs);
    t.resourceCountIs('AWS::S3::Bucket', 1);
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.20.0.0/16' });
  });

  test.each<[string, MembraneNetworkProps, RegExp]>([
    ['one AZ', { maxAzs: 1 }, /invalid 'maxAzs': 1 is not a whole number from 2 to 3/],
    ['no NAT gateway', { natGateways: 0 }, /invalid 'natGateways': 0 is not a whole number from 1 to 2/],
    ['more NAT gateways than AZs', { natGateways: 3 }, /invalid 'natGateways'/],
    ['a CIDR that is not one', { cidr: 'abc' }, /invalid 'cidr': 'abc' is not an IPv4 CIDR block/],
    ['a CIDR of three octets', { cidr: '10.0.0/16' }, /invalid 'cidr': '10.0.0\/16' is not an IPv4 CIDR block/],
    ['an octet above 255', { cidr: '10.256.0.0/16' }, /invalid 'cidr': '10.256.0.0\/16' is not an IPv4 CIDR block/],
    ['a /33 mask', { cidr: '10.0.0.0/33' }, /invalid 'cidr': \/33 is not a VPC size. A VPC's mask is \/16 to \/28/],
    ['a /8 mask, larger than a VPC', { cidr: '10.0.0.0/8' }, /invalid 'cidr': \/8 is not a VPC size/],
    ['host bits set', { cidr: '10.0.0.1/16' }, /invalid 'cidr': '10.0.0.1\/16' has host bits set.*Give the network address: '10.0.0.0\/16'/],
    ['a range too small for the subnets of 2 AZs', { cidr: '10.0.0.0/19' },
      /invalid 'cidr': \/19 has 8192 addresses, too few for the subnets of 2 Availability Zones \(public \/24, app \/20, data \/24 in each\). Give a \/18/],
    ['a /18 with 3 AZs', { cidr: '10.0.0.0/18', maxAzs: 3 }, /invalid 'cidr': \/18 has 16384 addresses, too few .* 3 Availability Zones.*Give a \/17/],
    ['a string NAT gateway count (JavaScript)', { natGateways: '1' as unknown as number }, /invalid 'natGateways': the string '1' is not a number/],
  ])('rejects %s', (_name, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a range known only at deploy time is refused: the subnets are carved at synth time', () => {
    const own = testStack();
    expect(() => new MembraneNetwork(own, 'Network', { cidr: new CfnParameter(own, 'Cidr').valueAsString }))
      .toThrow(/invalid 'cidr': a range known only at deploy time cannot be split into subnets at synth time/);
  });

  test.each([['10.0.0.0/18', 2], ['172.16.0.0/17', 3]] as const)('the smallest ranges that hold the subnets synthesize: %s with %d AZs',
    (cidr, maxAzs) => {
      const t = build({ cidr, maxAzs }).template;
      t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: cidr });
      t.resourceCountIs('AWS::EC2::Subnet', 3 * maxAzs);
    });
});

describeCdkTest('MembraneNetwork VPC endpoints', () => {
  test('off by default: AWS traffic goes through the NAT gateways', () => {
    const stack = testStack();
    new MembraneNetwork(stack, 'Network');
    templateOf(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  test('S3 gateway and Secrets Manager, CloudWatch Logs and CloudWatch interface endpoints in the task subnets', () => {
    const stack = testStack();
    const network = new MembraneNetwork(stack, 'Network', { vpcEndpoints: true });
    const template = templateOf(stack);
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map(e => e.Properties);
    const gateway = endpoints.find(e => e.VpcEndpointType === 'Gateway')!;
    expect(JSON.stringify(gateway.ServiceName)).toContain('.s3');
    expect(gateway.RouteTableIds).toEqual(network.vpc.privateSubnets.map(s => stack.resolve(s.routeTable.routeTableId)));
    const interfaces = endpoints.filter(e => e.VpcEndpointType === 'Interface');
    expect(interfaces.map(e => JSON.stringify(e.ServiceName).match(/\.(secretsmanager|logs|monitoring)"/)?.[1]).sort())
      .toEqual(['logs', 'monitoring', 'secretsmanager']);
    for (const e of interfaces) {
      expect(e.PrivateDnsEnabled).toBe(true);
      expect(e.SubnetIds).toEqual(network.vpc.privateSubnets.map(s => stack.resolve(s.subnetId)));
    }
  });
});
