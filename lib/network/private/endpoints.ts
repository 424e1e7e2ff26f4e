import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/**
 * An S3 gateway endpoint and Secrets Manager, CloudWatch Logs and CloudWatch interface endpoints in the app subnets of
 * `vpc`, behind a security group (`EndpointSecurityGroup` in `scope`) that admits HTTPS from the VPC's range only.
 */
export function addVpcEndpoints(scope: Construct, vpc: ec2.Vpc, cidr: string): void {
  const app = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  // HTTPS from inside the VPC only, named by its literal range (the rule packs cannot read a CIDR attribute).
  const endpoints = new ec2.SecurityGroup(scope, 'EndpointSecurityGroup', {
    vpc, description: 'Membrane VPC endpoints: HTTPS from the VPC only', allowAllOutbound: false,
  });
  endpoints.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
  vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [app] });
  for (const [endpointId, service] of [
    ['SecretsManagerEndpoint', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
    ['LogsEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
    ['MonitoringEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING],
  ] as const) {
    vpc.addInterfaceEndpoint(endpointId, { service, subnets: app, privateDnsEnabled: true, open: false, securityGroups: [endpoints] });
  }
}
