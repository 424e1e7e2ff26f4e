import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Two Availability Zones: Multi-AZ ElastiCache and the load balancer need at least two ("Frequently Asked Questions":
 * Redis with high availability).
 */
export const DEFAULT_MAX_AZS = 2;

/** The VPC's range (a choice of this library: room for the subnets of three zones). */
export const DEFAULT_CIDR = '10.0.0.0/16';

/**
 * The subnets of every Availability Zone, in the order they are carved from the VPC's range: public for the load
 * balancer and NAT gateways, app for the tasks, data for the cache ("Frequently Asked Questions": Redis in a private
 * subnet with VPC access).
 */
export const SUBNETS: ec2.SubnetConfiguration[] = [
  { name: 'public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false, cidrMask: 24 },
  { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
  { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
];

/** How long the flow-log bucket this library creates keeps the flow logs (a choice of this library). */
export const FLOW_LOGS_EXPIRATION = Duration.days(365);

/** The flow logs' prefix in their bucket. */
export const FLOW_LOGS_PREFIX = 'vpc-flow-logs/';
