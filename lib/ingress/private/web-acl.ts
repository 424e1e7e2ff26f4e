import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cwlogs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { createLogGroup, creationUniqueSuffix } from '../../common/resources';
import { isIpv4Cidr, known, propError, requireInteger } from '../../common/validation';
import { MembraneFirewallMode, MembraneFirewallOptions } from '../firewall';

/** Requests per 5 minutes from one IP address before the rate rule acts. */
export const DEFAULT_RATE_LIMIT = 3000;

/**
 * Rules of AWS's common rule set that legitimate Membrane traffic on the API matches, counted instead of blocked, each with
 * the reason. What each rule inspects: "Baseline rule groups" in the AWS WAF Developer Guide (on a load balancer the body
 * rules see the first 8 KB only).
 */
export const COUNTED_COMMON_RULE_REASONS: ReadonlyArray<{ readonly rule: string; readonly reason: string }> = [
  {
    rule: 'NoUserAgent_HEADER',
    reason: 'blocks requests without a User-Agent header; webhook senders and the HTTP clients of third-party services do not always send one',
  },
  {
    rule: 'SizeRestrictions_QUERYSTRING',
    reason: 'blocks query strings over 2,048 bytes; OAuth callbacks carry the provider\'s `code`, the `state` and often the granted `scope`, '
      + 'which together can be longer',
  },
  {
    rule: 'SizeRestrictions_BODY',
    reason: 'blocks bodies over 8 KB; webhook payloads, connector uploads and integration configurations are larger',
  },
  {
    rule: 'GenericLFI_BODY',
    reason: 'matches `../`; relative paths in connector code and file-based integrations',
  },
  {
    rule: 'GenericRFI_QUERYARGUMENTS',
    reason: 'matches URLs in query arguments; OAuth callbacks carry them (Google sends the granted scopes as https:// URLs)',
  },
  {
    rule: 'GenericRFI_BODY',
    reason: 'matches URLs in the body; webhook payloads and integration configurations are full of them',
  },
  {
    rule: 'CrossSiteScripting_BODY',
    reason: 'matches `<script>`-like text; connector code and integration configurations sent to the API contain JavaScript and HTML templates',
  },
];

/** The names of the counted common rules. */
export const COUNTED_COMMON_RULES: readonly string[] = COUNTED_COMMON_RULE_REASONS.map(r => r.rule);

/**
 * Request headers kept out of the firewall's logs: the users' bearer tokens and session cookies. Membrane's documentation
 * names no token header of its own (API calls authenticate with `Authorization: Bearer`).
 */
export const REDACTED_HEADERS = ['authorization', 'cookie'] as const;

/** The managed rule groups, in priority order. */
const MANAGED_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet'] as const;

/** Where the firewall logs requests. */
export interface FirewallLogs {
  readonly retention: cwlogs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly encryptionKey?: kms.IKey;
}

/** Which load balancer the firewall protects. */
export interface FirewallUse {
  /** What the web ACL's description names. */
  readonly subject: string;
  /** The prop of the options, for errors. */
  readonly prop: string;
  /**
   * The app's own callers, as CIDR blocks, which the rate limit does not count: the public addresses of its NAT gateways
   * (`<Elastic IP>/32`) behind an internet-facing load balancer, where the workers' calls leave through them, or the VPC's
   * range behind an internal one, where every task calls from an address of its own.
   */
  readonly ownCallers: string[];
}

/** What the firewall gives the load balancer. */
export interface Firewall {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: cwlogs.ILogGroup;
  /** The addresses the rate limit does not count; none when nothing is exempt. */
  readonly rateLimitExemptions?: wafv2.CfnIPSet;
}

/**
 * A regional web ACL for the load balancer: AWS's IP reputation list, known bad inputs and common rule set (the
 * rules that match Membrane's own traffic counted), and a rate limit per IP that does not count the app's own NAT
 * gateways. COUNT mode counts every match, for a first rollout. Requests are logged, without credentials, to a log
 * group (names must start with `aws-waf-logs-`).
 */
export function createFirewall(scope: Construct, options: MembraneFirewallOptions, logs: FirewallLogs, use: FirewallUse): Firewall {
  const construct = new Construct(scope, 'Firewall');
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  requireInteger(scope, `${use.prop}.rateLimit`, rateLimit, 10, 2_000_000_000);
  if (options.mode !== undefined && !Object.values(MembraneFirewallMode).includes(options.mode)) {
    throw propError(scope, `${use.prop}.mode`, `'${options.mode}' is not a firewall mode`,
      'Use MembraneFirewallMode.BLOCK or MembraneFirewallMode.COUNT.');
  }
  for (const cidr of (options.rateLimitExemptCidrs ?? []).filter(known)) {
    if (!isIpv4Cidr(cidr, 1)) {
      throw propError(scope, `${use.prop}.rateLimitExemptCidrs`, `'${cidr}' is not an IPv4 CIDR block with a mask from 1 to 32`,
        'Give blocks such as \'203.0.113.7/32\' (AWS WAF IP sets take any IPv4 range but /0).');
    }
  }
  const count = options.mode === MembraneFirewallMode.COUNT;
  const name = Names.uniqueResourceName(construct, { maxLength: 100, separator: '-' });
  const visibility = (metricName: string) => ({ cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

  const managed = MANAGED_GROUPS.map((group, priority): wafv2.CfnWebACL.RuleProperty => ({
    name: group,
    priority,
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name: group,
        ruleActionOverrides: group === 'AWSManagedRulesCommonRuleSet'
          ? COUNTED_COMMON_RULES.map(rule => ({ name: rule, actionToUse: { count: {} } }))
          : undefined,
      },
    },
    overrideAction: count ? { count: {} } : { none: {} },
    visibilityConfig: visibility(`${name}-${group}`.slice(0, 128)),
  }));

  const exempt = [...use.ownCallers, ...(options.rateLimitExemptCidrs ?? [])];
  const rateLimitExemptions = exempt.length === 0 ? undefined : new wafv2.CfnIPSet(construct, 'RateLimitExemptions', {
    scope: 'REGIONAL',
    ipAddressVersion: 'IPV4',
    addresses: exempt,
    description: 'Sources the rate limit per IP does not count: the NAT gateways the workers call the API through',
  });
  const webAcl = new wafv2.CfnWebACL(construct, 'WebAcl', {
    scope: 'REGIONAL',
    // AWS WAF allows only letters, digits, whitespace and +=:#@/-,. in a description (no parentheses).
    description: `${use.subject}: ${count ? 'count only' : 'blocking'}`,
    defaultAction: { allow: {} },
    visibilityConfig: visibility(name),
    rules: [
      ...managed,
      {
        name: 'RateLimitPerIp',
        priority: managed.length,
        statement: {
          rateBasedStatement: {
            limit: rateLimit,
            aggregateKeyType: 'IP',
            // Every worker behind a NAT gateway shares its address: counted together they would be one client.
            scopeDownStatement: rateLimitExemptions && {
              notStatement: { statement: { ipSetReferenceStatement: { arn: rateLimitExemptions.attrArn } } },
            },
          },
        },
        action: count ? { count: {} } : { block: {} },
        visibilityConfig: visibility(`${name}-RateLimitPerIp`.slice(0, 128)),
      },
    ],
  });

  // AWS WAF delivers logs only to groups named aws-waf-logs-*, and adds its own entry to the account's Logs policy. The
  // name ends with the stack's creation id: a retained group of an earlier creation of this stack (a rolled-back
  // first deployment, a deleted stack) would otherwise fail the deployment with "already exists".
  const stack = Stack.of(construct);
  const logGroupName = `aws-waf-logs-${Names.uniqueResourceName(construct, { maxLength: 200, separator: '-' })}-${creationUniqueSuffix(construct)}`;
  const logGroup = createLogGroup(construct, 'LogGroup', logs.retention, 'the web ACL\'s request logs', logs.encryptionKey,
    logs.removalPolicy, logGroupName);
  new wafv2.CfnLoggingConfiguration(construct, 'Logging', {
    resourceArn: webAcl.attrArn,
    // The group's ARN without the `:*` that its Arn attribute ends with: AWS WAF refuses that form.
    logDestinationConfigs: [stack.formatArn({
      service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })],
    // SingleHeader is an untyped property in aws-cdk-lib: CloudFormation's own spelling.
    redactedFields: REDACTED_HEADERS.map(header => ({ singleHeader: { Name: header } })),
  }).node.addDependency(logGroup);
  return { webAcl, logGroup, rateLimitExemptions };
}
