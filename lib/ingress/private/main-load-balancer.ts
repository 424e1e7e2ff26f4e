import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LOAD_BALANCER_LOG_EXPIRATION } from './defaults';
import { ResolvedExposure } from './exposure-resolution';
import { aliasRecords, attachWebAcl, createMembraneLoadBalancer, hostsCertificate, httpsListener } from './load-balancer';
import { Routes } from './routing';
import { createFirewall, FirewallLogs } from './web-acl';
import { claimHosts } from '../../common/host-claims';
import { createLogBucket } from '../../common/log-bucket';
import { acknowledge } from '../../common/nag';
import { warn } from '../../common/validation';
import { PUBLIC_SERVICES } from '../../services/private/services-table';
import { MembraneServicesDomain } from '../domain';
import { MembraneFirewall, MembraneFirewallOptions } from '../firewall';

/** What the main load balancer is built from: the props of `MembraneEcsServices`, with their defaults applied. */
export interface MainLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly exposure: ResolvedExposure;
  readonly routes: Routes;
  readonly domain: MembraneServicesDomain;
  /** The tasks' subnets: an internal load balancer goes there. */
  readonly taskSubnets: ec2.SubnetSelection;
  /** The bucket of the access logs; none: a dedicated log bucket is created. */
  readonly logsBucket?: s3.IBucket;
  readonly idleTimeout: Duration;
  readonly deletionProtection: boolean;
  /** The web ACL: created, brought, or none. */
  readonly firewall: MembraneFirewall;
  readonly firewallLogs: FirewallLogs;
  /** `settings.baseUriInternal`: given, the workers need not call the API through the NAT gateways. */
  readonly baseUriInternal?: string;
}

/** The main load balancer, its HTTPS listener, and the bucket of its access logs (which the public edge shares). */
export interface MainLoadBalancer {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly httpsListener: elbv2.ApplicationListener;
  readonly logsBucket: s3.IBucket;
}

/**
 * The load balancer of the API, UI and Console, in `scope` (the services construct, so the construct ids stay the
 * ones they always were): its access logs, its web ACL (created or brought), the HTTPS listener with its certificate,
 * the HTTP-to-HTTPS redirect, the sources it admits, and the alias records.
 */
export function createMainLoadBalancer(scope: Construct, props: MainLoadBalancerProps): MainLoadBalancer {
  const logsBucket = props.logsBucket ?? createLogBucket(scope, 'LoadBalancerLogsBucket', {
    expiration: LOAD_BALANCER_LOG_EXPIRATION, removalPolicy: RemovalPolicy.RETAIN, receivesServerAccessLogs: false,
  });
  const loadBalancer = createLoadBalancer(scope, props, logsBucket);
  const listener = createListeners(scope, loadBalancer, props);
  return { loadBalancer, httpsListener: listener, logsBucket };
}

/** The load balancer (internet-facing, or internal in the tasks' subnets), its access logs and its optional web ACL. */
function createLoadBalancer(scope: Construct, props: MainLoadBalancerProps, logsBucket: s3.IBucket): elbv2.ApplicationLoadBalancer {
  const { exposure } = props;
  if (Token.isUnresolved(Stack.of(scope).region)) {
    throw new Error(`${scope.node.path}: the load balancer's access logs need the stack's region, because the log delivery principal differs per `
      + 'region. '
      + 'Create the stack with env: { region: \'<region>\' } (the account may stay unresolved).');
  }
  const loadBalancer = createMembraneLoadBalancer(scope, {
    vpc: props.vpc,
    internetFacing: !exposure.internal,
    vpcSubnets: exposure.internal ? props.taskSubnets : { subnetType: ec2.SubnetType.PUBLIC },
    idleTimeout: props.idleTimeout,
    deletionProtection: props.deletionProtection,
    logsBucket,
    logPrefix: 'alb',
  });
  if (!exposure.sources) {
    acknowledge(loadBalancer, {
      id: 'AwsSolutions-EC23',
      reason: 'The load balancer is the public HTTPS entry point of the API, UI and Console ("Frequently Asked Questions"); it accepts 443 and '
        + '80 (redirected to 443) from anywhere. MembraneExposure.internetFacing({ allowFrom }) limits the sources.',
    });
  }
  const { managedOptions } = props.firewall;
  const webAclArn = managedOptions ? createMainFirewall(scope, props, managedOptions).webAcl.attrArn : props.firewall.webAclArn;
  if (webAclArn) {
    attachWebAcl(scope, loadBalancer, webAclArn);
  } else {
    acknowledge(loadBalancer, {
      id: 'NIST.800.53.R5-ALBWAFEnabled',
      reason: 'A web ACL is an account-level choice (rules, logging, cost); MembraneFirewall.managed() or .webAcl(arn) attaches one.',
    });
  }
  return loadBalancer;
}

/**
 * The main load balancer's web ACL. The rate limit per IP does not count the app's own callers: behind an internet-facing
 * load balancer the workers' calls to BASE_URI_INTERNAL arrive from the NAT gateways, one address for all of them;
 * behind an internal one every task calls from its own address in the VPC, and a busy worker alone makes more calls
 * than the limit allows a client.
 */
function createMainFirewall(scope: Construct, props: MainLoadBalancerProps, options: MembraneFirewallOptions) {
  const { exposure } = props;
  const natAddresses = exposure.internal ? [] : exposure.natAddresses;
  const ownCallers = exposure.internal ? [props.vpc.vpcCidrBlock] : natAddresses.map(ip => `${ip}/32`);
  if (!exposure.internal && natAddresses.length === 0 && !options.rateLimitExemptCidrs && !props.baseUriInternal) {
    warn(scope, 'rateLimitCountsNat', 'The workers call the API at its public URL (BASE_URI_INTERNAL) through the VPC\'s NAT gateways, '
      + 'whose addresses this VPC does not show: the web ACL\'s rate limit per IP counts all workers as one client and blocks them above '
      + 'the rate limit. List the NAT gateways\' public IPs in MembraneFirewall.managed({ rateLimitExemptCidrs: [\'<ip>/32\'] }).');
  }
  return createFirewall(scope, options, props.firewallLogs,
    { subject: 'Membrane API, UI and Console', prop: 'firewall', ownCallers });
}

/** HTTPS listener with its certificate, the HTTP-to-HTTPS redirect, and the alias records. */
function createListeners(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer, props: MainLoadBalancerProps): elbv2.ApplicationListener {
  const { exposure, routes } = props;
  const certificate = props.domain.certificate ?? hostsCertificate(scope, routes.hosts, props.domain.zone);
  const listener = httpsListener(loadBalancer, certificate, !exposure.sources, 'Not found');
  const redirect = loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: !exposure.sources });
  for (const { peer, description } of exposure.sources ?? []) {
    for (const port of [443, 80]) loadBalancer.connections.allowFrom(peer, ec2.Port.tcp(port), `${description} (${port})`);
  }
  if (exposure.sources?.some(source => source.attribute)) {
    const reason = 'The rules from the NAT gateways admit `<Elastic IP>/32` on 443 and 80 only (the workers call BASE_URI_INTERNAL through '
      + 'them); the address is the Elastic IP\'s Ref, which this rule cannot read at synth time. The other sources are the literal allow-list; '
      + 'none is 0.0.0.0/0.';
    acknowledge(loadBalancer.connections.securityGroups[0], ...['AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedCommonPorts',
      'NIST.800.53.R5-EC2RestrictedSSH'].map(id => ({ id, reason })));
  }
  acknowledge(redirect, {
    id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
    reason: 'The port 80 listener only answers with a permanent redirect to HTTPS ("Frequently Asked Questions": enforce HTTPS redirects); it '
      + 'serves no content.',
  });

  if (exposure.recordsZone) {
    claimHosts(scope, PUBLIC_SERVICES.map(({ key }) => [`domain.${key}DomainName`, routes[key].host] as const));
    aliasRecords(scope, loadBalancer, exposure.recordsZone, routes.hosts);
  }
  return listener;
}
