import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cwlogs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MembraneFirewallMode, MembraneFirewallOptions } from './props';
import { createLogGroup } from '../common/resources';
import { propError, requireInteger } from '../common/validation';

/** Requests per 5 minutes from one IP address before the rate rule acts. */
export const DEFAULT_RATE_LIMIT = 3000;

/**
 * Rules of AWS's common rule set that legitimate Membrane traffic matches, counted instead of blocked:
 * - SizeRestrictions_BODY blocks bodies over 8 KB: connector uploads and webhook payloads are larger.
 * - CrossSiteScripting_BODY matches `<script>`-like text: connector code and integration configurations sent to the
 *   API contain JavaScript and HTML templates.
 * - GenericLFI_BODY matches `../`: relative paths in connector code and file-based integrations.
 */
export const COUNTED_COMMON_RULES = ['SizeRestrictions_BODY', 'CrossSiteScripting_BODY', 'GenericLFI_BODY'] as const;

/** The managed rule groups, in priority order. */
const MANAGED_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet'] as const;

/** Where the firewall logs requests. */
export interface FirewallLogs {
  readonly retention: cwlogs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly encryptionKey?: kms.IKey;
}

/** What the firewall gives the load balancer. */
export interface Firewall {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: cwlogs.ILogGroup;
}

/**
 * A regional web ACL for the load balancer: AWS's IP reputation list, known bad inputs and common rule set (the
 * rules that match Membrane's own traffic counted), and a rate limit per IP. COUNT mode counts every match, for a
 * first rollout. Requests are logged to a log group (names must start with `aws-waf-logs-`).
 */
export function createFirewall(scope: Construct, options: MembraneFirewallOptions, logs: FirewallLogs,
  use: { readonly subject: string; readonly prop: string } = { subject: 'Membrane API, UI and Console', prop: 'firewall' }): Firewall {
  const construct = new Construct(scope, 'Firewall');
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  requireInteger(scope, `${use.prop}.rateLimit`, rateLimit, 10, 2_000_000_000);
  if (options.mode !== undefined && !Object.values(MembraneFirewallMode).includes(options.mode)) {
    throw propError(scope, `${use.prop}.mode`, `'${options.mode}' is not a firewall mode`,
      'Use MembraneFirewallMode.BLOCK or MembraneFirewallMode.COUNT.');
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
        statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP' } },
        action: count ? { count: {} } : { block: {} },
        visibilityConfig: visibility(`${name}-RateLimitPerIp`.slice(0, 128)),
      },
    ],
  });

  // AWS WAF delivers logs only to groups named aws-waf-logs-*, and adds its own entry to the account's Logs policy.
  const stack = Stack.of(construct);
  const logGroupName = `aws-waf-logs-${Names.uniqueResourceName(construct, { maxLength: 200, separator: '-' })}`;
  const logGroup = createLogGroup(construct, 'LogGroup', logs.retention, 'the web ACL\'s request logs', logs.encryptionKey,
    logs.removalPolicy, logGroupName);
  new wafv2.CfnLoggingConfiguration(construct, 'Logging', {
    resourceArn: webAcl.attrArn,
    // The group's ARN without the `:*` that its Arn attribute ends with: AWS WAF refuses that form.
    logDestinationConfigs: [stack.formatArn({
      service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    })],
  }).node.addDependency(logGroup);
  return { webAcl, logGroup };
}
