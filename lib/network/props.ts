import * as s3 from 'aws-cdk-lib/aws-s3';

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
