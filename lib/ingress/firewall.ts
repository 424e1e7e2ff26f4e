/** What the web ACL does with matching requests. */
export enum MembraneFirewallMode {
  /** Block matching requests. */
  BLOCK = 'block',
  /** Only count them (CloudWatch metrics and logs): for a first rollout, before switching to BLOCK. */
  COUNT = 'count',
}

/** The web ACL in front of the load balancer. */
export interface MembraneFirewallOptions {
  /**
   * Block, or only count, what the rules match.
   *
   * @default MembraneFirewallMode.BLOCK
   */
  readonly mode?: MembraneFirewallMode;

  /**
   * Requests from one IP address in any 5 minutes before the rate rule acts. Webhook senders post from few
   * addresses: raise it if a provider's bursts come close.
   *
   * @default 3000 (10 requests per second, sustained)
   */
  readonly rateLimit?: number;

  /**
   * IPv4 CIDR blocks the rate limit per IP does not count, e.g. `['203.0.113.7/32']`. The public IPs of the NAT gateways
   * of a VPC this app creates are always exempt: the workers call the API at `BASE_URI_INTERNAL`, its public URL, through
   * them, and would otherwise count as one client. With an imported VPC, list its NAT gateways' addresses here; a VPN
   * or office that reaches the load balancer through one address is another candidate.
   *
   * @default - only the NAT gateways of a VPC created in this app
   */
  readonly rateLimitExemptCidrs?: string[];
}
