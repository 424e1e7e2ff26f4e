import { Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { MembraneCache, MembraneStorage } from '../lib';

/**
 * Example production data layer for Membrane: a VPC with isolated data subnets, the S3 + CloudFront
 * storage and a Multi-AZ Redis cache.
 */
export class MembraneDataStack extends Stack {
  public readonly storage: MembraneStorage;
  public readonly cache: MembraneCache;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.storage = new MembraneStorage(this, 'Storage');

    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      flowLogs: {
        all: {
          trafficType: ec2.FlowLogTrafficType.ALL,
          destination: ec2.FlowLogDestination.toS3(this.storage.accessLogsBucket, 'vpc-flow-logs/'),
        },
      },
    });
    for (const subnet of vpc.publicSubnets) {
      Validations.of(subnet).acknowledge({
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason: 'Public subnets hold only the NAT gateways and the internet-facing load balancer; no task or cache runs in them.',
      });
    }

    this.cache = new MembraneCache(this, 'Cache', { vpc });
  }
}
