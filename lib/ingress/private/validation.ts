import { Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { checkHostName } from './routing';
import { isIpv4Cidr, isIpv6Cidr, known, propError, refuseRemovedProps, requireChoice } from '../../common/validation';
import { MembranePublicEdgeOptions } from '../exposure';
import { MembraneFirewall } from '../firewall';

/** Checks of the front door's props: the load balancers, their sources, certificates and web ACLs, the edge's hosts and paths. */

/** A listener has at most 100 rules; far fewer paths than that are ever needed. */
const MAX_PATHS_PER_HOST = 30;

/** ALB path-pattern syntax: a leading slash, up to 128 characters from this set (`*` and `?` are wildcards). */
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;

/** Whether an ALB path pattern matches every path (`/*`, `*`, `/**`, `/?*`): only wildcards after the slash. */
export function matchesEveryPath(pattern: string): boolean {
  return /^\/?[*?]*\*[*?]*$/.test(pattern);
}

/** One host of the edge and the paths it forwards. */
export interface EdgeHost { readonly prop: string; readonly host: string; readonly paths: string[]; readonly pathsProp: string }

/** The edge's host names with their paths, checked; one entry when webhooks and OAuth callbacks share a host. */
export function edgeHosts(scope: Construct, edge: MembranePublicEdgeOptions, zone: route53.IHostedZone | undefined): EdgeHost[] {
  const hosts: EdgeHost[] = [
    { prop: 'exposure.webhooksDomainName', host: edge.webhooksDomainName, paths: edge.webhookPaths, pathsProp: 'exposure.webhookPaths' },
    {
      prop: 'exposure.oauthCallbackDomainName',
      host: edge.oauthCallbackDomainName,
      paths: edge.oauthCallbackPaths,
      pathsProp: 'exposure.oauthCallbackPaths',
    },
  ];
  for (const { prop, host, paths, pathsProp } of hosts) {
    if (!host) {
      throw propError(scope, prop, 'it is required', `Give the public host name, e.g. ${prop.includes('oauth') ? 'oauth' : 'webhooks'}.example.com.`);
    }
    checkHostName(scope, prop, host, edge.certificate ? undefined : zone, 'webhooks.example.com');
    if (!paths || paths.length === 0) {
      throw propError(scope, pathsProp, 'no path is forwarded', 'List the ALB path patterns Membrane uses on this host (see '
        + 'MembranePublicEdgeOptions in API.md for how to find them), e.g. [\'/webhooks/*\'].');
    }
    if (paths.length > MAX_PATHS_PER_HOST) {
      throw propError(scope, pathsProp, `${paths.length} patterns are more than ${MAX_PATHS_PER_HOST}`,
        'Use wildcards (`*`) to cover several paths.');
    }
    for (const path of paths.filter(known)) {
      if (matchesEveryPath(path)) {
        throw propError(scope, pathsProp, `'${path}' forwards every path, which publishes the whole API`,
          'Forward only the webhook and OAuth callback paths; for a public API use MembraneExposure.internetFacing().');
      }
      if (!PATH_PATTERN.test(path)) {
        throw propError(scope, pathsProp, `'${path}' is not an ALB path pattern`,
          'Start with \'/\'; use up to 128 letters, digits and _-.$/~"\'@:+&, with * and ? as wildcards.');
      }
    }
  }
  const [webhooks, oauth] = hosts;
  if (known(webhooks.host) && webhooks.host === oauth.host) {
    return [{ ...webhooks, paths: [...new Set([...webhooks.paths, ...oauth.paths])] }];
  }
  return hosts;
}

/** What the main load balancer takes from the props of `MembraneEcsServices`. */
export interface LoadBalancerPropsInput {
  readonly loadBalancerIdleTimeout?: Duration;
  readonly domain: { readonly certificate?: acm.ICertificate };
  readonly firewall?: MembraneFirewall;
}

/** Checks the main load balancer's idle timeout, certificate and brought web ACL. */
export function validateLoadBalancerProps(scope: Construct, props: LoadBalancerPropsInput): void {
  const idle = props.loadBalancerIdleTimeout;
  if (idle && !idle.isUnresolved() && (idle.toMilliseconds() % 1000 !== 0 || idle.toMilliseconds() < 1000 || idle.toMilliseconds() > 4_000_000)) {
    throw propError(scope, 'loadBalancerIdleTimeout', `${idle.toHumanString()} is not a whole number of seconds from 1 to 4000`,
      'Give Duration.seconds(n) with 1 <= n <= 4000, the range of an Application Load Balancer.');
  }
  if (idle?.isUnresolved() && !secondsOf(idle)) {
    throw propError(scope, 'loadBalancerIdleTimeout',
      'a value known only at deploy time can be converted to seconds only when it is given in seconds',
      'Give Duration.seconds(<token>), e.g. Duration.seconds(idleParameter.valueAsNumber).');
  }
  checkLoadBalancerCertificate(scope, 'domain.certificate', props.domain.certificate, 'leave it out to get a DNS-validated one in domain.zone');
  refuseRemovedProps(scope, props, { webAclArn: 'Give firewall: MembraneFirewall.webAcl(webAclArn).' });
  requireChoice(scope, 'firewall', props.firewall, MembraneFirewall,
    'MembraneFirewall.managed({ mode, rateLimit }) (a web ACL created here), MembraneFirewall.webAcl(arn) (your own) or MembraneFirewall.none()');
  checkWebAclArn(scope, 'firewall', props.firewall?.webAclArn);
}

/** The public edge is on the internet: it takes a web ACL created here or brought, never none. */
export function checkEdgeFirewall(scope: Construct, firewall: MembraneFirewall | undefined): void {
  requireChoice(scope, 'exposure.firewall', firewall, MembraneFirewall,
    'MembraneFirewall.managed({ mode, rateLimit }) (what an options object was) or MembraneFirewall.webAcl(arn)');
  if (firewall && !firewall.managedOptions && !firewall.webAclArn) {
    throw propError(scope, 'exposure.firewall', 'the public edge is on the internet and forwards to the API, so it needs a web ACL',
      'Leave it out (MembraneFirewall.managed()), or give MembraneFirewall.managed({ mode: MembraneFirewallMode.COUNT }) or .webAcl(arn).');
  }
  checkWebAclArn(scope, 'exposure.firewall', firewall?.webAclArn);
}

/**
 * Checks the certificate of a load balancer's HTTPS listener: an ACM certificate ARN in the stack's region (a load
 * balancer only uses certificates of its own region). Tokens are accepted as they are.
 */
export function checkLoadBalancerCertificate(scope: Construct, prop: string, certificate: acm.ICertificate | undefined, orElse: string): void {
  const certificateArn = certificate?.certificateArn;
  if (!known(certificateArn)) return;
  const arn = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/.exec(certificateArn);
  const region = Stack.of(scope).region;
  if (!arn) {
    throw propError(scope, prop, `'${certificateArn}' is not an ACM certificate ARN`,
      'Give a certificate from acm.Certificate or acm.Certificate.fromCertificateArn(arn:aws:acm:<region>:<account>:certificate/<id>).');
  }
  if (known(region) && arn[1] !== region) {
    throw propError(scope, prop, `the certificate is in ${arn[1]}, but a load balancer only uses certificates of its own region`,
      `Give a certificate in ${region}, or ${orElse}.`);
  }
}

/** Fails unless a brought web ACL is a regional AWS WAF web ACL of the stack's region (the only kind a load balancer takes). */
function checkWebAclArn(scope: Construct, prop: string, webAclArn: string | undefined): void {
  if (!known(webAclArn)) return;
  const arn = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):\d{12}:regional\/webacl\/[^/]+\/[A-Za-z0-9-]+$/.exec(webAclArn);
  if (!arn) {
    throw propError(scope, prop, `'${webAclArn}' is not the ARN of a regional AWS WAF web ACL`,
      'Give MembraneFirewall.webAcl(arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>) (a CLOUDFRONT-scope ACL cannot be '
      + 'attached to a load balancer).');
  }
  const region = Stack.of(scope).region;
  if (known(region) && arn[1] !== region) {
    throw propError(scope, prop, `the web ACL is in ${arn[1]}, but a load balancer only takes a web ACL of its own region`,
      `Give a regional web ACL created in ${region}, or MembraneFirewall.managed() to create one here.`);
  }
}

/** Whether a duration converts to seconds (a token does only when given in seconds). */
function secondsOf(duration: Duration): boolean {
  try {
    duration.toSeconds();
    return true;
  } catch {
    return false;
  }
}

/** Fails on a CIDR block EC2 would refuse at deployment (ec2.Peer accepts any mask); tokens, prefix lists and groups pass. */
export function checkPeer(scope: Construct, prop: string, peer: ec2.IPeer): void {
  const rule: { cidrIp?: string; cidrIpv6?: string } = peer.toIngressRuleConfig();
  const bad = [rule.cidrIp && !isIpv4Cidr(rule.cidrIp) && rule.cidrIp, rule.cidrIpv6 && !isIpv6Cidr(rule.cidrIpv6) && rule.cidrIpv6]
    .find((cidr): cidr is string => !!cidr && known(cidr));
  if (bad) {
    throw propError(scope, prop, `'${bad}' is not a CIDR block`,
      'Give IPv4 blocks with octets up to 255 and a mask up to /32, e.g. ec2.Peer.ipv4(\'203.0.113.0/24\'), or IPv6 blocks with a mask up to /128.');
  }
}
