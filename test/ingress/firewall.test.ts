import { readFileSync } from 'fs';
import { join } from 'path';
import { CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Membrane, MembraneEcsServicesProps, MembraneExposure, MembraneFirewall, MembraneFirewallMode, MembraneProps } from '../../lib';
import { COUNTED_COMMON_RULE_REASONS } from '../../lib/ingress/private/web-acl';
import { buildServices, membraneInputs } from '../fixtures';
import { annotationsOf, describeCdkTest, templateOf } from '../harness';
import { testStack } from '../rule-packs';

interface Rule {
  Name: string;
  Priority: number;
  Statement: {
    ManagedRuleGroupStatement?: { VendorName: string; Name: string; RuleActionOverrides?: Array<{ Name: string; ActionToUse: object }> };
    RateBasedStatement?: { Limit: number; AggregateKeyType: string; ScopeDownStatement?: object };
  };
  OverrideAction?: object;
  Action?: object;
}

function webAcl(overrides: Partial<MembraneEcsServicesProps>, own?: Stack) {
  const { stack } = buildServices(overrides, own);
  const template = templateOf(stack);
  const acls = Object.entries(template.findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return { stack, template, id: acls[0][0], props: acls[0][1].Properties, rules: acls[0][1].Properties.Rules as Rule[] };
}

describeCdkTest('MembraneEcsServices firewall (AWS WAF on the load balancer)', () => {
  const { template, id, props, rules } = webAcl({ firewall: MembraneFirewall.managed() });

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

  // "Baseline rule groups" (AWS WAF Developer Guide): what each rule of the common rule set inspects.
  test.each([
    ['NoUserAgent_HEADER', 'webhook senders without a User-Agent'],
    ['SizeRestrictions_QUERYSTRING', 'OAuth callbacks with a query string over 2,048 bytes'],
    ['SizeRestrictions_BODY', 'webhook payloads and uploads over 8 KB'],
    ['GenericLFI_BODY', 'relative paths in connector code'],
    ['GenericRFI_QUERYARGUMENTS', 'URLs in OAuth callback query arguments'],
    ['GenericRFI_BODY', 'URLs in webhook payloads'],
    ['CrossSiteScripting_BODY', 'JavaScript and HTML in connector code'],
  ])('the common rule %s only counts (%s), with its reason in the code and docs/compliance.md', rule => {
    expect(rules[2].Statement.ManagedRuleGroupStatement!.RuleActionOverrides).toContainEqual({ Name: rule, ActionToUse: { Count: {} } });
    expect(COUNTED_COMMON_RULE_REASONS.find(r => r.rule === rule)?.reason.length).toBeGreaterThan(40);
    const page = readFileSync(join(__dirname, '..', '..', 'docs', 'compliance.md'), 'utf-8');
    expect(page).toMatch(new RegExp(`^\\| \`${rule}\` \\| \\w`, 'm'));
  });

  test('the other common rules block, and only the common rule set has overrides', () => {
    const counted = rules[2].Statement.ManagedRuleGroupStatement!.RuleActionOverrides!.map(o => o.Name);
    expect(counted).toHaveLength(COUNTED_COMMON_RULE_REASONS.length);
    for (const blocking of ['UserAgent_BadBots_HEADER', 'SizeRestrictions_Cookie_HEADER', 'SizeRestrictions_URIPATH', 'EC2MetaDataSSRF_BODY',
      'EC2MetaDataSSRF_QUERYARGUMENTS', 'GenericLFI_QUERYARGUMENTS', 'GenericLFI_URIPATH', 'GenericRFI_URIPATH', 'RestrictedExtensions_URIPATH',
      'CrossSiteScripting_QUERYARGUMENTS', 'CrossSiteScripting_COOKIE']) {
      expect(counted).not.toContain(blocking);
    }
    expect(rules[0].Statement.ManagedRuleGroupStatement!.RuleActionOverrides).toBeUndefined();
    expect(rules[1].Statement.ManagedRuleGroupStatement!.RuleActionOverrides).toBeUndefined();
  });

  test('blocks an IP above 3000 requests in 5 minutes', () => {
    expect(rules[3]).toMatchObject({ Statement: { RateBasedStatement: { Limit: 3000, AggregateKeyType: 'IP' } }, Action: { Block: {} } });
  });

  test('the rate limit does not count the NAT gateways, through which every worker calls the API (BASE_URI_INTERNAL)', () => {
    const sets = Object.entries(template.findResources('AWS::WAFv2::IPSet'));
    expect(sets).toHaveLength(1);
    const [setId, set] = sets[0];
    expect(set.Properties).toMatchObject({ Scope: 'REGIONAL', IPAddressVersion: 'IPV4' });
    expect(set.Properties.Addresses).toEqual([1, 2].map(n => ({
      'Fn::Join': ['', [{ Ref: expect.stringMatching(new RegExp(`^NetworkVpcpublicSubnet${n}EIP`)) }, '/32']],
    })));
    expect(rules[3].Statement.RateBasedStatement!.ScopeDownStatement).toEqual({
      NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [setId, 'Arn'] } } } },
    });
  });

  test('logs requests to a log group named aws-waf-logs-*, by its ARN without the :* suffix AWS WAF refuses', () => {
    const group = Object.values(template.findResources('AWS::Logs::LogGroup'))
      .find(g => JSON.stringify(g.Properties.LogGroupName ?? '').includes('aws-waf-logs-'))!;
    expect(group).toBeDefined();
    const logging = Object.values(template.findResources('AWS::WAFv2::LoggingConfiguration'))[0].Properties;
    expect(logging.ResourceArn).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
    const [prefix, suffix] = group.Properties.LogGroupName['Fn::Join'][1];
    expect(logging.LogDestinationConfigs[0]['Fn::Join'][1]).toEqual([
      'arn:', { Ref: 'AWS::Partition' }, `:logs:eu-central-1:123456789012:log-group:${prefix}`, suffix,
    ]);
    expect(JSON.stringify(logging.LogDestinationConfigs)).not.toContain(':*');
  });

  test('the log group\'s name is unique per creation of the stack (the UUID of AWS::StackId): a retry or re-creation finds no namesake', () => {
    const [groupId, group] = Object.entries(template.findResources('AWS::Logs::LogGroup'))
      .find(([, g]) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('aws-waf-logs-'))!;
    expect(group.Properties.LogGroupName).toEqual({
      'Fn::Join': ['', [expect.stringMatching(/^aws-waf-logs-Test-Membrane-Firewall-[0-9A-F]{8}-$/),
        { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]],
    });
    // Retained on update and delete, deleted when the creation that made it rolls back.
    expect(group).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    expect(groupId).toMatch(/^MembraneFirewallLogGroup/);
  });

  test('logRemovalPolicy: DESTROY deletes the log group with the stack', () => {
    const destroyed = Object.values(webAcl({ firewall: MembraneFirewall.managed(), logRemovalPolicy: RemovalPolicy.DESTROY })
      .template.findResources('AWS::Logs::LogGroup'))
      .find(g => JSON.stringify(g.Properties.LogGroupName ?? '').includes('aws-waf-logs-'))!;
    expect(destroyed).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });

  test('the logs leave out the Authorization and Cookie headers (the users\' bearer tokens and sessions)', () => {
    const logging = Object.values(template.findResources('AWS::WAFv2::LoggingConfiguration'))[0].Properties;
    expect(logging.RedactedFields).toEqual([{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }]);
  });

  test('COUNT mode counts everything, for a first rollout; the rate limit is configurable', () => {
    const counted = webAcl({ firewall: MembraneFirewall.managed({ mode: MembraneFirewallMode.COUNT, rateLimit: 10000 }) }).rules;
    for (const r of counted.slice(0, 3)) expect(r.OverrideAction).toEqual({ Count: {} });
    expect(counted[3]).toMatchObject({ Statement: { RateBasedStatement: { Limit: 10000 } }, Action: { Count: {} } });
  });
});

describeCdkTest('Membrane puts the firewall on by default', () => {
  const build = (overrides: Partial<MembraneProps> = {}) => {
    const stack = testStack();
    new Membrane(stack, 'Membrane', { ...membraneInputs(stack), ...overrides });
    return templateOf(stack);
  };

  test('on by default, off on request, options passed through', () => {
    build().resourceCountIs('AWS::WAFv2::WebACL', 1);
    build({ firewall: MembraneFirewall.none() }).resourceCountIs('AWS::WAFv2::WebACL', 0);
    const acl = Object.values(build({ firewall: MembraneFirewall.managed({ rateLimit: 500 }) }).findResources('AWS::WAFv2::WebACL'))[0];
    expect(acl.Properties.Rules[3].Statement.RateBasedStatement.Limit).toBe(500);
  });

  test('your own web ACL replaces the created one', () => {
    const arn = 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/own/abc-123';
    const t = build({ firewall: MembraneFirewall.webAcl(arn) });
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    t.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: arn });
  });

  test.each<[string, object, RegExp]>([
    ['the boolean of earlier releases', { firewall: false }, /invalid 'firewall': the boolean false is not a MembraneFirewall\. Use MembraneFirewall\.managed/],
    ['the options object of earlier releases', { firewall: { rateLimit: 500 } }, /invalid 'firewall': a plain object is not a MembraneFirewall/],
    ['the removed firewallOptions', { firewallOptions: { rateLimit: 500 } },
      /invalid 'firewallOptions': it was replaced after 0\.1\.0.*Give firewall: MembraneFirewall\.managed\(\{ \.\.\.firewallOptions \}\)/],
    ['the removed webAclArn', { webAclArn: 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/own/abc-123' },
      /invalid 'webAclArn': it was replaced after 0\.1\.0.*MembraneFirewall\.webAcl\(webAclArn\)/],
  ])('refuses %s, naming the choice that replaces it', (_name, overrides, message) => {
    expect(() => build(overrides as Partial<MembraneProps>)).toThrow(message);
  });
});

describeCdkTest('MembraneEcsServices firewall rejects bad input', () => {
  test.each<[string, Partial<MembraneEcsServicesProps>, RegExp]>([
    ['a firewall that is no MembraneFirewall', { firewall: true as unknown as MembraneFirewall }, /invalid 'firewall': the boolean true is not a MembraneFirewall/],
    ['the removed webAclArn, which would leave the load balancer without the web ACL',
      { webAclArn: 'arn:aws:wafv2:eu-central-1:123456789012:regional/webacl/own/abc-123' } as Partial<MembraneEcsServicesProps>,
      /invalid 'webAclArn': it was replaced after 0\.1\.0.*Give firewall: MembraneFirewall\.webAcl\(webAclArn\)/],
    ['a rate limit below what AWS WAF accepts', { firewall: MembraneFirewall.managed({ rateLimit: 5 }) }, /invalid 'firewall.rateLimit'/],
    ['a fractional rate limit', { firewall: MembraneFirewall.managed({ rateLimit: 99.5 }) }, /invalid 'firewall.rateLimit'/],
    ['an unknown mode', { firewall: MembraneFirewall.managed({ mode: 'monitor' as MembraneFirewallMode }) }, /invalid 'firewall.mode': 'monitor' is not a firewall mode/],
    ['an exempt block with a /33 mask', { firewall: MembraneFirewall.managed({ rateLimitExemptCidrs: ['203.0.113.7/33'] }) },
      /invalid 'firewall.rateLimitExemptCidrs': '203.0.113.7\/33' is not an IPv4 CIDR block/],
    ['an exempt block of everything, which AWS WAF refuses', { firewall: MembraneFirewall.managed({ rateLimitExemptCidrs: ['0.0.0.0/0'] }) },
      /invalid 'firewall.rateLimitExemptCidrs': '0.0.0.0\/0'/],
    ['an exempt address without its mask', { firewall: MembraneFirewall.managed({ rateLimitExemptCidrs: ['203.0.113.7'] }) }, /invalid 'firewall.rateLimitExemptCidrs'/],
    ['a web ACL ARN from another region', { firewall: MembraneFirewall.webAcl('arn:aws:wafv2:us-east-1:123456789012:regional/webacl/own/abc-123') },
      /invalid 'firewall': the web ACL is in us-east-1, but a load balancer only takes a web ACL of its own region/],
    ['a CloudFront web ACL ARN', { firewall: MembraneFirewall.webAcl('arn:aws:wafv2:us-east-1:123456789012:global/webacl/own/abc-123') },
      /invalid 'firewall': .* is not the ARN of a regional AWS WAF web ACL/],
  ])('%s', (_name, overrides, message) => {
    expect(() => buildServices(overrides)).toThrow(message);
  });
});

describeCdkTest('MembraneEcsServices firewall: the rate limit per IP and the workers', () => {
  const rateRule = (rules: Rule[]) => rules.find(r => r.Name === 'RateLimitPerIp')!;

  test('internal: every task calls from its own address in the VPC, and a busy worker alone outruns the limit: the VPC is exempt', () => {
    const { rules, template, stack } = webAcl({ firewall: MembraneFirewall.managed(), exposure: MembraneExposure.internal() });
    const vpcCidr = { 'Fn::GetAtt': [expect.stringMatching(/Vpc/), 'CidrBlock'] };
    expect(Object.values(template.findResources('AWS::WAFv2::IPSet')).map(r => r.Properties.Addresses)).toEqual([[vpcCidr]]);
    expect(rateRule(rules).Statement.RateBasedStatement!.ScopeDownStatement).toEqual({
      NotStatement: { Statement: { IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/RateLimitExemptions/), 'Arn'] } } } },
    });
    expect(annotationsOf(stack).findWarning('*', Match.stringLikeRegexp('rateLimitCountsNat'))).toEqual([]);
  });

  test('internal with your exemptions (a VPN that reaches the load balancer from one address): the VPC and those', () => {
    const { rules, template } = webAcl({
      firewall: MembraneFirewall.managed({ rateLimitExemptCidrs: ['10.100.0.5/32'] }), exposure: MembraneExposure.internal(),
    });
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: [Match.anyValue(), '10.100.0.5/32'] });
    expect(rateRule(rules).Statement.RateBasedStatement!.ScopeDownStatement).toBeDefined();
  });

  test('an imported VPC hides its NAT gateways: a warning asks for their addresses, which are then exempt', () => {
    const imported = () => {
      const stack = testStack();
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
        vpcId: 'vpc-1', availabilityZones: ['eu-central-1a', 'eu-central-1b'], publicSubnetIds: ['s-1', 's-2'], privateSubnetIds: ['s-3', 's-4'],
      });
      return { stack, vpc };
    };
    const bare = imported();
    const warned = webAcl({ firewall: MembraneFirewall.managed(), vpc: bare.vpc }, bare.stack);
    warned.template.resourceCountIs('AWS::WAFv2::IPSet', 0);
    expect(annotationsOf(bare.stack).findWarning('*', Match.stringLikeRegexp('rateLimitExemptCidrs.*rateLimitCountsNat'))).toHaveLength(1);

    const listed = imported();
    const exempt = webAcl({
      firewall: MembraneFirewall.managed({ rateLimitExemptCidrs: ['198.51.100.1/32', '198.51.100.2/32'] }), vpc: listed.vpc,
    }, listed.stack);
    exempt.template.hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: ['198.51.100.1/32', '198.51.100.2/32'] });
    expect(annotationsOf(listed.stack).findWarning('*', Match.stringLikeRegexp('rateLimitCountsNat'))).toEqual([]);
  });

  test('exempt blocks given as tokens are accepted', () => {
    const stack = testStack();
    const address = new CfnParameter(stack, 'NatAddress', { type: 'String' }).valueAsString;
    const { template } = webAcl({ firewall: MembraneFirewall.managed({ rateLimitExemptCidrs: [address] }) }, stack);
    template.hasResourceProperties('AWS::WAFv2::IPSet', { Addresses: Match.arrayWith([{ Ref: 'NatAddress' }]) });
  });
});
