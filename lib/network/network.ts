import { CfnOutput, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_CIDR, DEFAULT_MAX_AZS, FLOW_LOGS_EXPIRATION, FLOW_LOGS_PREFIX, SUBNETS } from './defaults';
import { addVpcEndpoints } from './private/endpoints';
import { MembraneNetworkProps } from './props';
import { validateNetworkProps } from './validation';
import { createLogBucket } from '../common/log-bucket';
import { acknowledge } from '../common/nag';
import { natGatewayIps } from '../common/nat';

/**
 * A VPC laid out for Membrane: public subnets for the load balancer and NAT gateways only (no public IPs
 * on launch), private subnets with egress for the Fargate tasks (registry, MongoDB Atlas, Membrane's
 * token validation), isolated subnets for ElastiCache, and flow logs for all traffic.
 */
export class MembraneNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.Vpc;
  /** Where the VPC flow logs go. */
  public readonly flowLogsBucket: s3.IBucket;
  /** Public IPs of the NAT gateways, through which the tasks reach MongoDB Atlas and Membrane's cloud (also a stack output). */
  public readonly natPublicIps: string[];

  constructor(scope: Construct, id: string, props: MembraneNetworkProps = {}) {
    super(scope, id);
    const maxAzs = props.maxAzs ?? DEFAULT_MAX_AZS;
    const cidr = props.cidr ?? DEFAULT_CIDR;
    validateNetworkProps(this, props.natGateways, maxAzs, cidr);

    this.flowLogsBucket = props.flowLogsBucket ?? createLogBucket(this, 'FlowLogsBucket', {
      expiration: FLOW_LOGS_EXPIRATION,
      removalPolicy: RemovalPolicy.RETAIN,
      receivesServerAccessLogs: false,
    });
    this.vpc = this.buildVpc(props, maxAzs, cidr);
    this.natPublicIps = this.outputNatIps();
    if (props.vpcEndpoints) addVpcEndpoints(this, this.vpc, cidr);
    this.acknowledgePublicSubnets();
  }

  /** The VPC: the subnets of `SUBNETS` in each zone, NAT gateways, flow logs of all traffic, the default security group closed. */
  private buildVpc(props: MembraneNetworkProps, maxAzs: number, cidr: string): ec2.Vpc {
    return new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs,
      // Nothing uses the default security group; close it (CDK's feature flag, made explicit).
      restrictDefaultSecurityGroup: true,
      natGateways: props.natGateways ?? maxAzs,
      subnetConfiguration: SUBNETS,
      flowLogs: {
        all: {
          trafficType: ec2.FlowLogTrafficType.ALL,
          destination: ec2.FlowLogDestination.toS3(this.flowLogsBucket, FLOW_LOGS_PREFIX),
        },
      },
    });
  }

  /** The NAT gateways' public IPs, also as the stack output `NatPublicIps`. */
  private outputNatIps(): string[] {
    // MongoDB Atlas (and any other allow-list) must admit the tasks' traffic, which leaves through the NAT gateways.
    const natIps = natGatewayIps(this.vpc);
    if (natIps.length > 0) {
      new CfnOutput(this, 'NatPublicIps', {
        description: 'Public IPs of the NAT gateways: add them to the MongoDB Atlas IP access list',
        value: Fn.join(',', natIps),
      });
    }
    return natIps;
  }

  /** The public subnets' route to the internet gateway is what they are for. */
  private acknowledgePublicSubnets(): void {
    for (const subnet of this.vpc.publicSubnets) {
      acknowledge(subnet, {
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason: 'Public subnets hold only the NAT gateways and the internet-facing load balancer; no task or cache runs in them.',
      });
    }
  }
}
