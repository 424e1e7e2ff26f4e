import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Public IPs of a VPC's NAT gateways, when the VPC was created in this app (`ec2.Vpc` puts an `EIP` in each public
 * subnet with a NAT gateway); empty for an imported VPC. Traffic from the tasks to the internet leaves from them.
 */
export function natGatewayIps(vpc: ec2.IVpc): string[] {
  return vpc.publicSubnets
    .map(subnet => subnet.node.tryFindChild('EIP'))
    .filter((eip): eip is ec2.CfnEIP => eip instanceof ec2.CfnEIP)
    .map(eip => eip.ref);
}
