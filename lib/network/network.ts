import { CfnOutput, Duration, Fn, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createLogBucket } from '../common/log-bucket';
import { acknowledge } from '../common/nag';
import { natGatewayIps } from '../common/nat';
import { known, propError, requireInteger } from '../common/validation';

/** The subnets of every Availability Zone, in the order they are carved from the VPC's range. */
const SUBNETS: ec2.SubnetConfiguration[] = [
  { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false, cidrMask: 24 },
  { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
  { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
];

/** The largest and the smallest VPC EC2 creates: /16 to /28 ("CreateVpc"). */
const VPC_MASKS = { largest: 16, smallest: 28 } as const;

/**
 * Properties for `MembraneNetwork`.
 */
export interface MembraneNetworkProps {
  /**
   * Number of Availability Zones, 2 or 3. Multi-AZ ElastiCache and the ALB need at least 2.
   *
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * Number of NAT gateways. One per AZ survives an AZ failure; 1 is cheaper for non-production.
   *
   * @default - one per Availability Zone
   */
  readonly natGateways?: number;

  /**
   * Bucket that receives the VPC flow logs (prefix `vpc-flow-logs/`). Flow logs are always on.
   *
   * @default - a dedicated log bucket (versioned, encrypted, retained, logs kept 365 days)
   */
  readonly flowLogsBucket?: s3.IBucket;

  /**
   * CIDR block of the VPC, a literal network address with a /16 to /18 mask (/17 with 3 Availability Zones): each zone
   * gets a public /24, an app /20 and a data /24.
   *
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;

  /**
   * VPC endpoints, so that AWS traffic of the tasks does not cross the NAT gateways: an S3 gateway endpoint (no
   * charge) and interface endpoints for Secrets Manager, CloudWatch Logs and CloudWatch (each about $7.30 a month
   * per availability zone, plus $0.01 per GB). The NAT gateways stay for the Membrane registry, the self-hosting
   * token check and MongoDB Atlas. Fargate tasks need no ECS or ECR endpoints here: the images come from Membrane's
   * registry and public ECR.
   *
   * @default false
   */
  readonly vpcEndpoints?: boolean;
}

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
    const maxAzs = props.maxAzs ?? 2;
    const cidr = props.cidr ?? '10.0.0.0/16';
    requireInteger(this, 'maxAzs', maxAzs, 2, 3);
    requireInteger(this, 'natGateways', props.natGateways, 1, maxAzs);
    validateCidr(this, cidr, maxAzs);

    this.flowLogsBucket = props.flowLogsBucket ?? createLogBucket(this, 'FlowLogsBucket', {
      expiration: Duration.days(365),
      removalPolicy: RemovalPolicy.RETAIN,
      receivesServerAccessLogs: false,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      maxAzs,
      // Nothing uses the default security group; close it (CDK's feature flag, made explicit).
      restrictDefaultSecurityGroup: true,
      natGateways: props.natGateways ?? maxAzs,
      subnetConfiguration: SUBNETS,
      flowLogs: {
        all: {
          trafficType: ec2.FlowLogTrafficType.ALL,
          destination: ec2.FlowLogDestination.toS3(this.flowLogsBucket, 'vpc-flow-logs/'),
        },
      },
    });

    // MongoDB Atlas (and any other allow-list) must admit the tasks' traffic, which leaves through the NAT gateways.
    const natIps = natGatewayIps(this.vpc);
    this.natPublicIps = natIps;
    if (natIps.length > 0) {
      new CfnOutput(this, 'NatPublicIps', {
        description: 'Public IPs of the NAT gateways: add them to the MongoDB Atlas IP access list',
        value: Fn.join(',', natIps),
      });
    }

    if (props.vpcEndpoints) {
      const app = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
      // HTTPS from inside the VPC only, named by its literal range (the rule packs cannot read a CIDR attribute).
      const endpoints = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc: this.vpc, description: 'Membrane VPC endpoints: HTTPS from the VPC only', allowAllOutbound: false,
      });
      endpoints.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS from the VPC');
      this.vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [app] });
      for (const [endpointId, service] of [
        ['SecretsManagerEndpoint', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
        ['LogsEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
        ['MonitoringEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING],
      ] as const) {
        this.vpc.addInterfaceEndpoint(endpointId, { service, subnets: app, privateDnsEnabled: true, open: false, securityGroups: [endpoints] });
      }
    }

    for (const subnet of this.vpc.publicSubnets) {
      acknowledge(subnet, {
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason: 'Public subnets hold only the NAT gateways and the internet-facing load balancer; no task or cache runs in them.',
      });
    }
  }
}

/**
 * The VPC's range: an IPv4 network address (no host bits) with a mask EC2 accepts for a VPC, and room for the subnets of
 * every Availability Zone. aws-cdk-lib parses the range at synth time to carve the subnets, so it cannot be a token; a
 * range with host bits set gives subnets outside the VPC, and one without the room fails inside aws-cdk-lib.
 */
function validateCidr(scope: Construct, cidr: string, maxAzs: number): void {
  if (Token.isUnresolved(cidr)) {
    throw propError(scope, 'cidr', 'a range known only at deploy time cannot be split into subnets at synth time',
      'Give the CIDR block as a literal, e.g. \'10.0.0.0/16\'.');
  }
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  if (!match || octets.some(octet => octet > 255)) {
    throw propError(scope, 'cidr', `'${cidr}' is not an IPv4 CIDR block`, 'Give four numbers from 0 to 255 and a mask, e.g. \'10.0.0.0/16\'.');
  }
  const mask = Number(match[5]);
  if (mask < VPC_MASKS.largest || mask > VPC_MASKS.smallest) {
    throw propError(scope, 'cidr', `/${mask} is not a VPC size`,
      `A VPC's mask is /${VPC_MASKS.largest} to /${VPC_MASKS.smallest}; e.g. '10.0.0.0/16'.`);
  }
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const size = 2 ** (32 - mask);
  if (address % size !== 0) {
    const network = address - (address % size);
    const text = [24, 16, 8, 0].map(shift => Math.floor(network / 2 ** shift) % 256).join('.');
    throw propError(scope, 'cidr', `'${cidr}' has host bits set, so the subnets would be carved outside the VPC`,
      `Give the network address: '${text}/${mask}'.`);
  }
  if (!known(maxAzs)) return;
  const needed = addressesFor(maxAzs);
  if (needed > size) {
    const fits = 32 - Math.ceil(Math.log2(needed));
    throw propError(scope, 'cidr', `/${mask} has ${size} addresses, too few for the subnets of ${maxAzs} Availability Zones `
      + `(${SUBNETS.map(subnet => `${subnet.name} /${subnet.cidrMask}`).join(', ')} in each)`,
    `Give a /${fits} or larger block, e.g. '10.0.0.0/16'.`);
  }
}

/** Addresses the subnets of `azs` Availability Zones take, each block aligned to its size as aws-cdk-lib carves them. */
function addressesFor(azs: number): number {
  let next = 0;
  for (const subnet of SUBNETS) {
    const block = 2 ** (32 - subnet.cidrMask!);
    for (let az = 0; az < azs; az++) next = Math.ceil(next / block) * block + block;
  }
  return next;
}
