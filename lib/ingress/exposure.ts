import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { MembraneFirewall } from './firewall';

/** Where the Membrane load balancer can be reached from. */
export enum MembraneExposureMode {
  /** An internet-facing load balancer in the public subnets. */
  INTERNET_FACING = 'internet-facing',
  /** An internal load balancer in the private subnets, reached from the VPC, peered networks or a VPN. */
  INTERNAL = 'internal',
  /**
   * An internal load balancer, plus a small internet-facing one (the public edge) that forwards only the webhook and
   * OAuth callback paths to the API ("Self-hosting": `BASE_WEBHOOKS_URI`, `BASE_OAUTH_CALLBACK_URI`).
   */
  INTERNAL_WITH_PUBLIC_EDGE = 'internal-with-public-edge',
}

/** Options of the internet-facing load balancer. */
export interface MembraneInternetFacingOptions {
  /**
   * Sources allowed to reach the load balancer on 443 (and 80, which redirects): CIDR blocks
   * (`ec2.Peer.ipv4('203.0.113.0/24')`) or managed prefix lists (`ec2.Peer.prefixList('pl-...')`). The public IPs
   * of the VPC's NAT gateways are always added: the workers call the API at `BASE_URI_INTERNAL`, which is the public
   * URL, through them.
   *
   * @default - anyone on the internet
   */
  readonly allowFrom?: ec2.IPeer[];
}

/** Options of the internal load balancer. */
export interface MembraneInternalOptions {
  /**
   * Networks allowed to reach the internal load balancer on 443 (and 80, which redirects): the VPN's or peered
   * networks' CIDR blocks, or prefix lists. The api-image services are always allowed (they call the API at
   * `BASE_URI_INTERNAL`).
   *
   * @default - the VPC's CIDR block
   */
  readonly allowFrom?: ec2.IPeer[];

  /**
   * A private hosted zone (associated with the VPC and any network that resolves the names) for the API, UI and
   * Console records. The certificate is still validated in the public `domain.zone`.
   *
   * @default - the records are in the public `domain.zone` and resolve to the load balancer's private addresses
   */
  readonly privateZone?: route53.IHostedZone;
}

/**
 * The public edge of a private deployment: its own host names, and the only paths it forwards to the API.
 *
 * Membrane's documentation does not list the paths. Find them on a test deployment: the webhook URL of a flow's
 * webhook trigger or of an app event starts with `BASE_WEBHOOKS_URI`, and the redirect URI that an integration's
 * OAuth settings show starts with `BASE_OAUTH_CALLBACK_URI`; the rest of each is the path. Requests to other paths
 * get a 404 from the edge and appear in its access logs (prefix `edge/`), which shows a path that is missing.
 */
export interface MembranePublicEdgeOptions extends MembraneInternalOptions {
  /** Host name of the webhook endpoint, e.g. `webhooks.example.com`. `BASE_WEBHOOKS_URI` is `https://<webhooksDomainName>`. */
  readonly webhooksDomainName: string;

  /**
   * ALB path patterns forwarded to the API on the webhooks host, e.g. `['/webhooks/*']`. A pattern that matches every
   * path (`/*`) is refused: that would publish the whole API.
   */
  readonly webhookPaths: string[];

  /**
   * Host name of the OAuth callback endpoint, e.g. `oauth.example.com` (may equal `webhooksDomainName`).
   * `BASE_OAUTH_CALLBACK_URI` is `https://<oauthCallbackDomainName>`.
   */
  readonly oauthCallbackDomainName: string;

  /** ALB path patterns forwarded to the API on the OAuth callback host, e.g. `['/oauth-callback', '/oauth-callback/*']`. */
  readonly oauthCallbackPaths: string[];

  /**
   * Certificate covering both edge host names, in the stack's region (a load balancer only uses certificates of its own
   * region).
   *
   * @default - a DNS-validated certificate in `domain.zone`
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The edge's web ACL: `MembraneFirewall.managed({...})` (the same managed rules and rate limit per IP as the main
   * load balancer's) or `MembraneFirewall.webAcl(arn)` (your own). The edge is on the internet: `none()` is refused.
   *
   * @default MembraneFirewall.managed() (blocking, 3000 requests per 5 minutes per IP)
   */
  readonly firewall?: MembraneFirewall;
}

/**
 * Where the API, UI and Console are reachable from: `MembraneExposure.internetFacing()` (the default),
 * `MembraneExposure.internal()`, or `MembraneExposure.internalWithPublicEdge()` for a private deployment whose
 * webhooks and OAuth callbacks come from the internet.
 */
export class MembraneExposure {
  /** An internet-facing load balancer, optionally limited to some sources. */
  public static internetFacing(options: MembraneInternetFacingOptions = {}): MembraneExposure {
    return new MembraneExposure(MembraneExposureMode.INTERNET_FACING, options.allowFrom);
  }

  /** An internal load balancer in the private subnets: the API, UI and Console are not on the internet. */
  public static internal(options: MembraneInternalOptions = {}): MembraneExposure {
    return new MembraneExposure(MembraneExposureMode.INTERNAL, options.allowFrom, options.privateZone);
  }

  /**
   * An internal load balancer, and a public edge (a second, internet-facing load balancer with its own web ACL) that
   * forwards only the given webhook and OAuth callback paths to the API.
   */
  public static internalWithPublicEdge(options: MembranePublicEdgeOptions): MembraneExposure {
    return new MembraneExposure(MembraneExposureMode.INTERNAL_WITH_PUBLIC_EDGE, options.allowFrom, options.privateZone, options);
  }

  /**
   * @param mode Where the load balancer is reachable from.
   * @param allowFrom Sources allowed to reach the load balancer.
   * @param privateZone Private hosted zone of the records.
   * @param edge The public edge.
   */
  private constructor(
    /** Where the load balancer is reachable from. */
    public readonly mode: MembraneExposureMode,
    /**
     * Sources allowed to reach the load balancer.
     *
     * @default - anyone (internet-facing) or the VPC (internal)
     */
    public readonly allowFrom?: ec2.IPeer[],
    /**
     * Private hosted zone of the records.
     *
     * @default - the public `domain.zone`
     */
    public readonly privateZone?: route53.IHostedZone,
    /**
     * The public edge.
     *
     * @default - none
     */
    public readonly edge?: MembranePublicEdgeOptions,
  ) {}
}
