import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { checkHostName, Routes } from './routing';
import { checkEdgeFirewall, checkLoadBalancerCertificate, checkPeer, EdgeHost, edgeHosts } from './validation';
import { natGatewayIps } from '../../common/nat';
import { propError, warn } from '../../common/validation';
import { MembraneServicesDomain } from '../domain';
import { MembraneExposure, MembraneExposureMode, MembranePublicEdgeOptions } from '../exposure';

/** A source admitted by the load balancer's security group. */
export interface LoadBalancerSource {
  readonly peer: ec2.IPeer;
  readonly description: string;
  /** The address is an attribute (a NAT gateway's Elastic IP), which the rule packs cannot read at synth time. */
  readonly attribute?: boolean;
}

/** The exposure, checked and turned into what the load balancer, the records and the edge need. */
export interface ResolvedExposure {
  readonly mode: MembraneExposureMode;
  /** The load balancer is internal (in the tasks' subnets). */
  readonly internal: boolean;
  /** Who reaches the load balancer on 443 and 80; undefined: anyone. */
  readonly sources?: LoadBalancerSource[];
  /** Where the API, UI and Console records go. */
  readonly recordsZone?: route53.IHostedZone;
  readonly edge?: MembranePublicEdgeOptions;
  readonly edgeHosts: EdgeHost[];
  /** `BASE_WEBHOOKS_URI` and `BASE_OAUTH_CALLBACK_URI` of the public edge. */
  readonly edgeUrls?: { readonly webhooks: string; readonly oauthCallback: string };
  /**
   * Public IPs of the VPC's NAT gateways (attributes), where the tasks' calls to an internet-facing load balancer come
   * from; empty when the VPC does not show them (imported).
   */
  readonly natAddresses: string[];
}

/** What the exposure is checked against: the props of `MembraneEcsServices` that concern the front door. */
export interface ExposureInput {
  readonly exposure?: MembraneExposure;
  readonly domain: MembraneServicesDomain;
  /** The URLs the application settings may set, which the exposure decides or depends on. */
  readonly settings?: {
    readonly baseUriInternal?: string;
    readonly baseWebhooksUri?: string;
    readonly baseOauthCallbackUri?: string;
  };
}

/** Checks `exposure` against the other props and derives the load balancer's sources and the records' zone. */
export function resolveExposure(scope: Construct, props: ExposureInput, routes: Routes, vpc: ec2.IVpc): ResolvedExposure {
  const exposure = props.exposure ?? MembraneExposure.internetFacing();
  if (!(exposure instanceof MembraneExposure)) {
    throw propError(scope, 'exposure', 'it is not a MembraneExposure',
      'Use MembraneExposure.internetFacing(), MembraneExposure.internal() or MembraneExposure.internalWithPublicEdge({ ... }).');
  }
  const internal = exposure.mode !== MembraneExposureMode.INTERNET_FACING;
  if (exposure.allowFrom && exposure.allowFrom.length === 0) {
    throw propError(scope, 'exposure.allowFrom', 'it is empty, so nobody could reach the load balancer',
      'List at least one CIDR block or prefix list, or leave allowFrom unset.');
  }
  exposure.allowFrom?.forEach(peer => checkPeer(scope, 'exposure.allowFrom', peer));
  if (exposure.privateZone) {
    if (!exposure.privateZone.zoneName) throw propError(scope, 'exposure.privateZone', 'it has no zone name', 'Give a hosted zone.');
    for (const host of routes.hosts) checkHostName(scope, 'exposure.privateZone', host, exposure.privateZone, 'api.example.internal');
  }
  if (exposure.edge) {
    checkLoadBalancerCertificate(scope, 'exposure.certificate', exposure.edge.certificate, 'leave it out to get a DNS-validated one in domain.zone');
    checkEdgeFirewall(scope, exposure.edge.firewall);
    for (const prop of ['baseWebhooksUri', 'baseOauthCallbackUri'] as const) {
      if (props.settings?.[prop] !== undefined) {
        throw propError(scope, `settings.${prop}`, 'the public edge sets it to its own host name',
          'Remove it, or use MembraneExposure.internal() and run your own public proxy.');
      }
    }
  }
  const hosts = exposure.edge ? edgeHosts(scope, exposure.edge, props.domain.zone) : [];
  for (const host of hosts) {
    if (routes.hosts.includes(host.host)) {
      throw propError(scope, host.prop, `'${host.host}' is also a host of the API, UI or Console`,
        'Give the edge host names of their own (e.g. webhooks.example.com): the private names must not resolve to the public edge.');
    }
  }
  const natAddresses = natGatewayIps(vpc);
  return {
    mode: exposure.mode,
    internal,
    sources: sources(scope, props, exposure, internal, vpc, natAddresses),
    recordsZone: exposure.privateZone ?? props.domain.zone,
    edge: exposure.edge,
    edgeHosts: hosts,
    edgeUrls: exposure.edge && {
      webhooks: `https://${exposure.edge.webhooksDomainName}`,
      oauthCallback: `https://${exposure.edge.oauthCallbackDomainName}`,
    },
    natAddresses,
  };
}

/**
 * Sources of the load balancer: anyone for an internet-facing one without allow-list; the allow-list plus the NAT
 * gateways (the workers' calls to `BASE_URI_INTERNAL` leave through them) for a limited internet-facing one; the
 * allow-list or the VPC's range for an internal one (the api-image services are admitted by security group).
 */
function sources(scope: Construct, props: ExposureInput, exposure: MembraneExposure, internal: boolean,
  vpc: ec2.IVpc, nat: string[]): LoadBalancerSource[] | undefined {
  const given = exposure.allowFrom?.map((peer, index) => ({ peer, description: `exposure.allowFrom[${index}]` }));
  if (internal) return given ?? [{ peer: ec2.Peer.ipv4(vpcCidr(scope, vpc)), description: 'the VPC' }];
  if (!given) return undefined;
  if (nat.length === 0 && !props.settings?.baseUriInternal) {
    warn(scope, 'allowListWithoutNat', 'exposure.allowFrom limits the load balancer, and the workers call the API at its public URL '
      + '(BASE_URI_INTERNAL) through the VPC\'s NAT gateways, whose addresses this VPC does not show: add their public IPs to allowFrom.');
  }
  return [...given, ...nat.map((ip, index) => ({
    peer: ec2.Peer.ipv4(`${ip}/32`), description: `NAT gateway ${index + 1} (BASE_URI_INTERNAL)`, attribute: true,
  }))];
}

/** The VPC's range as a literal (the rule packs and readers of the template cannot resolve an attribute). */
function vpcCidr(scope: Construct, vpc: ec2.IVpc): string {
  const cfn = vpc.node.defaultChild;
  const cidr = cfn instanceof ec2.CfnVPC ? cfn.cidrBlock : vpc.vpcCidrBlock;
  if (!cidr || Token.isUnresolved(cidr)) {
    throw propError(scope, 'exposure.allowFrom', 'the VPC\'s range is not known at synth time, so the internal load balancer cannot default to it',
      'Give allowFrom: [ec2.Peer.ipv4(\'10.0.0.0/16\')] with the networks that should reach Membrane.');
  }
  return cidr;
}
