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

/**
 * AWS WAF in front of a load balancer: `MembraneFirewall.managed()` (a web ACL created here),
 * `MembraneFirewall.webAcl(arn)` (your own), or `MembraneFirewall.none()` (neither field set).
 */
export class MembraneFirewall {
  /**
   * A regional web ACL created here: AWS managed rules, a rate limit per IP and request logs without credentials.
   *
   * The rules are AWS's IP reputation list, known bad inputs and common rule set; the seven common rules that Membrane's
   * own traffic, webhooks and OAuth callbacks match are counted, not blocked. The rate limit spares the app's own callers.
   *
   * @param options block or count only, the rate limit, and the addresses it does not count
   */
  public static managed(options: MembraneFirewallOptions = {}): MembraneFirewall {
    return new MembraneFirewall(options, undefined);
  }

  /**
   * Your own regional web ACL (rules, logging and cost are yours).
   *
   * @param webAclArn ARN of a regional AWS WAF web ACL in the stack's region
   */
  public static webAcl(webAclArn: string): MembraneFirewall {
    return new MembraneFirewall(undefined, webAclArn);
  }

  /** No web ACL on the load balancer. */
  public static none(): MembraneFirewall {
    return new MembraneFirewall(undefined, undefined);
  }

  /**
   * @param managedOptions Options of the web ACL created here.
   * @param webAclArn ARN of the web ACL brought.
   */
  private constructor(
    /**
     * Options of the web ACL created here.
     *
     * @default - none: no web ACL is created
     */
    public readonly managedOptions?: MembraneFirewallOptions,
    /**
     * ARN of the web ACL brought.
     *
     * @default - none: no web ACL is brought
     */
    public readonly webAclArn?: string,
  ) {}
}
