import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildServices, membraneInputs } from './fixtures';
import { describeCdkTest } from './harness';
import { testStack } from './nag';
import { Membrane, MembraneEcsServicesProps, MembraneFirewallMode, MembraneProps } from '../lib';

interface Rule {
  Name: string;
  Priority: number;
  Statement: {
    ManagedRuleGroupStatement?: { VendorName: string; Name: string; RuleActionOverrides?: Array<{ Name: string; ActionToUse: object }> };
    RateBasedStatement?: { Limit: number; AggregateKeyType: string };
  };
  OverrideAction?: object;
  Action?: object;
}

function webAcl(overrides: Partial<MembraneEcsServicesProps>) {
  const { stack } = buildServices(overrides);
  const template = Template.fromStack(stack);
  const acls = Object.entries(template.findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return { stack, template, id: acls[0][0], props: acls[0][1].Properties, rules: acls[0][1].Properties.Rules as Rule[] };
}

describeCdkTest('MembraneEcsServices firewall (AWS WAF on the load balancer)', () => {
  const { template, id, props, rules } = webAcl({ firewall: {} });

  test('a regional web ACL that allows by default and is attached to the load balancer', () => {
    expect(props).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    // AWS WAF's pattern for descriptions: no parentheses (a deployment with them fails).
    expect(props.Description).toBe('Membrane API, UI and Console: blocking');
    expect(props.Description).toMatch(/^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]+[\w+=:#@/\-,.]{1,256}$/);
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('LoadBalancer') },
      WebACLArn: { 'Fn::GetAtt': [id, 'Arn'] },
    });
  });

  test('AWS managed rule groups: IP reputation, known bad inputs, common rule set; then the rate limit', () => {
    expect(rules.map(r => [r.Priority, r.Name])).toEqual([
      [0, 'AWSManagedRulesAmazonIpReputationList'],
      [1, 'AWSManagedRulesKnownBadInputsRuleSet'],
      [2, 'AWSManagedRulesCommonRuleSet'],
      [3, 'RateLimitPerIp'],
    ]);
    for (const r of rules.slice(0, 3)) {
      expect(r.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: r.Name });
      expect(r.OverrideAction).toEqual({ None: {} });
    }
  });

  test('the common rules that Membrane\'s own traffic matches (large bodies, code, relative paths) only count', () => {
    expect(rules[2].Statement.ManagedRuleGroupStatement!.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
      { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
      { Name: 'GenericLFI_BODY', ActionToUse: { Count: {} } },
    ]);
    expect(rules[0].Statement.ManagedRuleGroupStatement!.RuleActionOverrides).toBeUndefined();
  });

  test('blocks an IP above 3000 requests in 5 minutes', () => {
    expect(rules[3]).toMatchObject({ Statement: { RateBasedStatement: { Limit: 3000, AggregateKeyType: 'IP' } }, Action: { Block: {} } });
  });

  test('logs requests to a log group named aws-waf-logs-*, by its ARN without the :* suffix AWS WAF refuses', () => {
    const group = Object.values(template.findResources('AWS::Logs::LogGroup'))
      .find(g => String(g.Properties.LogGroupName).startsWith('aws-waf-logs-'))!;
    expect(group).toBeDefined();
    const logging = Object.values(template.findResources('AWS::WAFv2::LoggingConfiguration'))[0].Properties;
    expect(logging.ResourceArn).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
    const arn = JSON.stringify(logging.LogDestinationConfigs);
    expect(arn).toContain(`:log-group:${group.Properties.LogGroupName}`);
    expect(arn).not.toContain(':*');
  });

  test('COUNT mode counts everything, for a first rollout; the rate limit is configurable', () => {
    const counted = webAcl({ firewall: { mode: MembraneFirewallMode.COUNT, rateLimit: 10000 } }).rules;
    for (const r of counted.slice(0, 3)) expect(r.OverrideAction).toEqual({ Count: {} });
    expect(counted[3]).toMatchObject({ Statement: { RateBasedStatement: { Limit: 10000 } }, Action: { Count: {} } });
  });
});

describeCdkTest('Membrane puts the firewall on by default', () => {
  const build = (overrides: Partial<MembraneProps> = {}) => {
    const stack = testStack();
    new Membrane(stack, 'Membrane', { ...membraneInputs(stack), ...overrides });
    return Template.fromStack(stack);
  };

  test('on by default, off on request, options passed through', () => {
    build().resourceCountIs('AWS::WAFv2::WebACL', 1);
    build({ firewall: false }).resourceCountIs('AWS::WAFv2::WebACL', 0);
    const acl = Object.values(build({ firewallOptions: { rateLimit: 500 } }).findResources('AWS::WAFv2::WebACL'))[0];
    expect(acl.Properties.Rules[3].Statement.RateBasedStatement.Limit).toBe(500);
  });

  test('your own web ACL replaces the created one', () => {
    const arn = 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/own/abc-123';
    const t = build({ webAclArn: arn });
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: arn });
    expect(() => build({ webAclArn: arn, firewallOptions: { rateLimit: 500 } })).toThrow(/invalid 'webAclArn': it brings a web ACL/);
  });

  test('rejects firewall options with the firewall off', () => {
    expect(() => build({ firewall: false, firewallOptions: { rateLimit: 500 } })).toThrow(/invalid 'firewallOptions': it is set but firewall is false/);
  });
});

describeCdkTest('MembraneEcsServices firewall rejects bad input', () => {
  test.each<[string, Partial<MembraneEcsServicesProps>, RegExp]>([
    ['a firewall and a brought web ACL', { firewall: {}, webAclArn: 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/x/abc-123' },
      /invalid 'firewall': webAclArn brings a web ACL/],
    ['a rate limit below what AWS WAF accepts', { firewall: { rateLimit: 5 } }, /invalid 'firewall.rateLimit'/],
    ['a fractional rate limit', { firewall: { rateLimit: 99.5 } }, /invalid 'firewall.rateLimit'/],
    ['an unknown mode', { firewall: { mode: 'monitor' as MembraneFirewallMode } }, /invalid 'firewall.mode': 'monitor' is not a firewall mode/],
  ])('%s', (_name, overrides, message) => {
    expect(() => buildServices(overrides)).toThrow(message);
  });
});
