import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { acknowledge } from '../../common/nag';

/**
 * What the main load balancer and the public edge share: an Application Load Balancer that drops invalid headers,
 * closes idle connections before the API does, logs to the log bucket and is protected from deletion (or says why
 * not); an HTTPS listener with the recommended TLS policy that answers 404 to what no rule forwards; a DNS-validated
 * certificate for its host names; alias records; a web ACL association.
 */
export interface MembraneLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly internetFacing: boolean;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** One second below the API's HEADERS_TIMEOUT_MS / KEEPALIVE_TIMEOUT_MS, so the ALB closes idle connections first. */
  readonly idleTimeout: Duration;
  readonly deletionProtection: boolean;
  readonly logsBucket: s3.IBucket;
  /** Prefix of the access logs in the bucket. */
  readonly logPrefix: string;
}

/** What a target group of a service is made of: the main listener's, and the public edge's for the API. */
export type TargetGroupSettings =
  Required<Pick<elbv2.ApplicationTargetGroupProps, 'port' | 'protocol' | 'targets' | 'deregistrationDelay' | 'healthCheck'>>;

/** A Membrane load balancer, `LoadBalancer` in `scope`. */
export function createMembraneLoadBalancer(scope: Construct, props: MembraneLoadBalancerProps): elbv2.ApplicationLoadBalancer {
  const loadBalancer = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc: props.vpc,
    internetFacing: props.internetFacing,
    vpcSubnets: props.vpcSubnets,
    idleTimeout: props.idleTimeout,
    dropInvalidHeaderFields: true,
    deletionProtection: props.deletionProtection,
  });
  loadBalancer.logAccessLogs(props.logsBucket, props.logPrefix);
  if (!props.deletionProtection) {
    acknowledge(loadBalancer, {
      id: 'NIST.800.53.R5-ELBDeletionProtectionEnabled',
      reason: 'Deletion protection is off on request (loadBalancerDeletionProtection: false, a throw-away environment), so the stack can be '
        + 'deleted in one step.',
    });
  }
  return loadBalancer;
}

/**
 * Construct id of a service's target group (and its listener rule) on the main HTTPS listener. The load balancer's Scheme
 * is create-only, so a change of `exposure` replaces the load balancer, its listeners and rules; a target group serves one
 * load balancer only, so it must be replaced too, or the new rules cannot forward to it while the old load balancer still
 * does. The internet-facing target groups keep the ids they always had; the internal ones get their own.
 */
export function targetsId(serviceId: string, internetFacing: boolean): string {
  return internetFacing ? serviceId : `${serviceId}Internal`;
}

/** A DNS-validated certificate, `Certificate` in `scope`, for `hosts` (the first is the domain name, the others alternatives). */
export function hostsCertificate(scope: Construct, hosts: string[], zone: route53.IHostedZone | undefined): acm.Certificate {
  return new acm.Certificate(scope, 'Certificate', {
    domainName: hosts[0],
    subjectAlternativeNames: hosts.length > 1 ? hosts.slice(1) : undefined,
    validation: acm.CertificateValidation.fromDns(zone),
  });
}

/** The HTTPS listener, `Https`: recommended TLS policy, and a plain-text 404 for every request no rule forwards. */
export function httpsListener(loadBalancer: elbv2.ApplicationLoadBalancer, certificate: acm.ICertificate, open: boolean,
  notFoundBody: string): elbv2.ApplicationListener {
  return loadBalancer.addListener('Https', {
    port: 443,
    protocol: elbv2.ApplicationProtocol.HTTPS,
    certificates: [certificate],
    sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    open,
    defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: notFoundBody }),
  });
}

/** One A alias record per host to the load balancer: `AliasRecord`, `AliasRecord1`, ... in `scope`. */
export function aliasRecords(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer, zone: route53.IHostedZone, hosts: string[]): void {
  const target = route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(loadBalancer));
  hosts.forEach((host, index) => {
    new route53.ARecord(scope, index === 0 ? 'AliasRecord' : `AliasRecord${index}`, { zone, recordName: host, target });
  });
}

/** Attaches a regional web ACL to the load balancer (`WebAclAssociation` in `scope`). */
export function attachWebAcl(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer, webAclArn: string): void {
  new wafv2.CfnWebACLAssociation(scope, 'WebAclAssociation', { resourceArn: loadBalancer.loadBalancerArn, webAclArn });
}
