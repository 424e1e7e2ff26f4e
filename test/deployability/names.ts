import { nameGroupsOf } from './resource-spec';
import { CfnResource, concat, DeployedStack, resolve, Resolved, resourceRefs, valuesAt } from './template';

/**
 * How far a name must be unique, where that is not the default (the resource type, in one account and region).
 * Each row says where the service documents it.
 */
interface NameScope {
  readonly types: RegExp;
  /** `partition`: every account of the partition; `account`: all regions of the account; `none`: only `within`. */
  readonly reach: 'partition' | 'account' | 'region' | 'none';
  /** The parent the name is unique in: the first of these property lists that the resource sets. */
  readonly within?: string[][];
  readonly source: string;
}

const SCOPES: NameScope[] = [
  {
    types: /^AWS::S3::Bucket$/,
    reach: 'partition',
    source: 'Amazon S3 User Guide, "General purpose bucket naming rules": unique across all AWS accounts in all the AWS Regions within a partition',
  },
  { types: /^AWS::IAM::/, reach: 'account', source: 'IAM User Guide, "IAM identifiers": IAM is global, names are unique in the account' },
  {
    types: /^AWS::ECS::Service$/,
    reach: 'region',
    within: [['Cluster']],
    source: 'Amazon ECS API Reference, CreateService: service names must be unique within a cluster',
  },
  {
    types: /^AWS::Route53::RecordSet(Group)?$/,
    reach: 'none',
    within: [['HostedZoneId'], ['HostedZoneName']],
    source: 'Route 53 API Reference, ChangeResourceRecordSets: records are unique by name and type in their hosted zone',
  },
  { types: /^AWS::EC2::SecurityGroup$/, reach: 'region', within: [['VpcId']], source: 'Amazon VPC User Guide: a security group name is unique in its VPC' },
  {
    types: /^AWS::ApplicationAutoScaling::ScalingPolicy$/,
    reach: 'region',
    within: [['ScalingTargetId'], ['ResourceId', 'ScalableDimension', 'ServiceNamespace']],
    source: 'Application Auto Scaling API Reference, PutScalingPolicy: a policy name belongs to its scalable target',
  },
  { types: /^AWS::ServiceDiscovery::Service$/, reach: 'region', within: [['NamespaceId']], source: 'AWS Cloud Map API Reference, CreateService: per namespace' },
  { types: /^AWS::WAFv2::/, reach: 'region', within: [['Scope']], source: 'AWS WAF API Reference, CreateWebACL: names are unique per scope and region' },
  { types: /^MongoDB::Atlas::Project$/, reach: 'none', within: [['OrgId']], source: 'MongoDB Atlas: project names are unique in their organization' },
  { types: /^MongoDB::Atlas::/, reach: 'none', within: [['ProjectId']], source: 'MongoDB Atlas: cluster and other names are unique in their project' },
];

/** A name (or host) that a resource claims, with the scope it must be unique in. */
export interface NameClaim {
  readonly stack: DeployedStack;
  readonly id: string;
  readonly type: string;
  /** The property (or `A+B` for a composite identifier), e.g. `LogGroupName`, `DistributionConfig.Aliases`. */
  readonly property: string;
  /** What kind of name: names of different kinds never collide. */
  readonly namespace: string;
  readonly scope: Resolved;
  readonly name: Resolved;
  /** Resources of the template the scope is within (a cluster, a VPC, a hosted zone, an Atlas project). */
  readonly parents: string[];
}

export const claimKey = (c: NameClaim) => `${c.namespace} | ${c.scope.text} | ${c.name.text}`;
export const where = (c: { stack: DeployedStack; id: string }) => `${c.stack.name}/${c.id}`;

const partition = (stack: DeployedStack) => resolve({ Ref: 'AWS::Partition' }, stack).text;
const account = (stack: DeployedStack) => resolve({ Ref: 'AWS::AccountId' }, stack).text;
const region = (stack: DeployedStack) => resolve({ Ref: 'AWS::Region' }, stack).text;

function scopeOf(type: string, props: Record<string, unknown>, stack: DeployedStack): { scope: Resolved; parents: string[] } {
  const row = SCOPES.find(s => s.types.test(type));
  const reach = row?.reach ?? 'region';
  const base = {
    partition: `partition ${partition(stack)}`,
    account: `account ${account(stack)}`,
    region: `account ${account(stack)} region ${region(stack)}`,
    none: '',
  }[reach];
  const within = row?.within?.find(props_ => props_.every(p => props[p] !== undefined));
  if (!within) return { scope: { text: base, generated: false, refs: [] }, parents: [] };
  const parts = within.map(p => resolve(props[p], stack));
  return {
    scope: {
      text: `${base} within ${within.join('+')} ${parts.map(p => p.text).join('+')}`.trim(),
      generated: parts.some(p => p.generated),
      refs: parts.flatMap(p => p.refs),
    },
    parents: within.flatMap(p => resourceRefs(props[p], stack.template).map(r => r.id)),
  };
}

/** DNS names compare without case and trailing dot. */
const dnsName = (r: Resolved): Resolved => ({ ...r, text: r.text.toLowerCase().replace(/\.$/, '') });

/** The records of a RecordSet or RecordSetGroup: name, type and set identifier, unique in their hosted zone. */
function recordClaims(stack: DeployedStack, id: string, type: string, zone: Record<string, unknown>, records: unknown[]): NameClaim[] {
  const zoneKey = zone.HostedZoneId !== undefined ? 'HostedZoneId' : 'HostedZoneName';
  const zoneValue = resolve(zone[zoneKey], stack);
  const scope = zoneKey === 'HostedZoneName' ? dnsName(zoneValue) : zoneValue;
  return records.map(raw => {
    const record = raw as Record<string, unknown>;
    const extra = [record.Type, record.SetIdentifier].filter(v => v !== undefined).map(v => resolve(v, stack));
    return {
      stack,
      id,
      type,
      property: type === 'AWS::Route53::RecordSet' ? 'Name+Type' : 'RecordSets',
      namespace: 'Route 53 record (name, type, set identifier)',
      scope: { ...scope, text: `hosted zone ${scope.text}` },
      name: concat([dnsName(resolve(record.Name, stack)), ...extra], ' '),
      parents: resourceRefs(zone[zoneKey], stack.template).map(r => r.id),
    };
  });
}

/**
 * Names that the resource kinds below hold somewhere other than a top-level name property; each row with its
 * source. The result replaces the generic claims of that type.
 */
const SPECIAL: Record<string, (stack: DeployedStack, id: string, props: Record<string, unknown>) => NameClaim[]> = {
  // Route 53 API Reference, ChangeResourceRecordSets: CREATE fails when a record with the same name and type exists.
  'AWS::Route53::RecordSet': (stack, id, props) => recordClaims(stack, id, 'AWS::Route53::RecordSet', props, [props]),
  'AWS::Route53::RecordSetGroup': (stack, id, props) =>
    recordClaims(stack, id, 'AWS::Route53::RecordSetGroup', props, (props.RecordSets as unknown[] | undefined) ?? []),
  // CloudFront Developer Guide, "Move an alternate domain name": an alias is on one distribution of all accounts
  // (CNAMEAlreadyExists otherwise).
  'AWS::CloudFront::Distribution': (stack, id, props) => valuesAt(props, ['DistributionConfig', 'Aliases', '*']).map(alias => ({
    stack,
    id,
    type: 'AWS::CloudFront::Distribution',
    property: 'DistributionConfig.Aliases',
    namespace: 'CloudFront alternate domain name',
    scope: { text: 'every account', generated: false, refs: [] },
    name: dnsName(resolve(alias, stack)),
    parents: [],
  })),
  // AWS Backup API Reference, CreateBackupPlan: AlreadyExistsException for a plan that exists.
  'AWS::Backup::BackupPlan': (stack, id, props) => valuesAt(props, ['BackupPlan', 'BackupPlanName']).map(name => ({
    stack,
    id,
    type: 'AWS::Backup::BackupPlan',
    property: 'BackupPlan.BackupPlanName',
    namespace: 'AWS::Backup::BackupPlan.BackupPlanName',
    ...scopeOf('AWS::Backup::BackupPlan', props, stack),
    name: resolve(name, stack),
  })),
};

/** Every name and host a resource claims. */
export function claimsOf(stack: DeployedStack, id: string, resource: CfnResource): NameClaim[] {
  const props = resource.Properties ?? {};
  const special = SPECIAL[resource.Type];
  if (special) return special(stack, id, props);
  const { scope, parents } = scopeOf(resource.Type, props, stack);
  return nameGroupsOf(resource.Type, props)
    .filter(group => group.every(p => props[p] !== undefined))
    .map(group => {
      const parts = group.map(p => resolve(props[p], stack));
      return {
        stack,
        id,
        type: resource.Type,
        property: group.join('+'),
        namespace: `${resource.Type}.${group.join('+')}`,
        scope,
        parents,
        name: { text: parts.map(p => p.text).join(' '), generated: parts.some(p => p.generated), refs: parts.flatMap(p => p.refs) },
      };
    });
}

export function claimsOfStack(stack: DeployedStack): NameClaim[] {
  return Object.entries(stack.template.Resources).flatMap(([id, r]) => claimsOf(stack, id, r));
}

/**
 * Check a: no name or host is claimed twice by the stacks of one app (they deploy to the accounts and regions
 * their environments say; environment-agnostic stacks are taken to share one). The second deployment would fail
 * (AlreadyExists, CNAMEAlreadyExists, a Route 53 record that exists), or the second stack would take over the first
 * one's resource.
 */
export function duplicateNames(stacks: DeployedStack[]): string[] {
  const byKey = new Map<string, NameClaim[]>();
  for (const claim of stacks.flatMap(claimsOfStack)) {
    if (claim.name.text === '') continue;
    byKey.set(claimKey(claim), [...(byKey.get(claimKey(claim)) ?? []), claim]);
  }
  return [...byKey.values()].filter(claims => claims.length > 1).map(([first, ...others]) => {
    const holders = [first, ...others].map(c => `${where(c)} (${c.property})`).join(' and ');
    return `${first.namespace} '${first.name.text}' (${first.scope.text}) is claimed by ${holders}`;
  });
}

/** Deletion policies that keep the resource when CloudFormation deletes it from the stack. */
export const RETAINING = ['Retain', 'RetainExceptOnCreate'];

/**
 * Check b: a retained resource (DeletionPolicy Retain or RetainExceptOnCreate; Snapshot deletes the resource after
 * its snapshot, so its name is free again) must not hold a fixed name: one made of constant parts only (literals,
 * the stack name, region, account or template parameters; no `AWS::StackId` and no attribute of another resource).
 * The retained resource keeps the name after the stack is deleted, so creating the stack again fails; with Retain a
 * failed first creation also keeps it (its rollback retains what it created), so the retry fails too.
 */
export function retainedFixedNames(stack: DeployedStack): string[] {
  return claimsOfStack(stack)
    .filter(c => RETAINING.includes(stack.template.Resources[c.id].DeletionPolicy ?? ''))
    .filter(c => !c.name.generated && !c.scope.generated && c.name.text !== '')
    .map(c => {
      const policy = stack.template.Resources[c.id].DeletionPolicy;
      const when = policy === 'Retain' ? 'a retry after a failed creation and a re-creation after deletion' : 'a re-creation after deletion';
      return `${where(c)} (${c.type}) has DeletionPolicy ${policy} and the fixed ${c.property} '${c.name.text}' (${c.scope.text}): `
        + `${when} fail(s) on the name the retained resource still holds`;
    });
}

/**
 * Also check b: a retained resource must not sit in a parent that is deleted (an Atlas cluster in its project, an
 * ECS service in its cluster, a security group in its VPC, a record in its hosted zone: the parents of the scope
 * table). Either the parent's deletion fails because it is not empty, or the retained resource goes with it.
 */
export function retainedInDeletedParent(stack: DeployedStack): string[] {
  const resources = stack.template.Resources;
  const findings: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (!RETAINING.includes(resource.DeletionPolicy ?? '')) continue;
    for (const parent of scopeOf(resource.Type, resource.Properties ?? {}, stack).parents) {
      if (!RETAINING.includes(resources[parent]?.DeletionPolicy ?? '')) {
        const policy = resources[parent].DeletionPolicy ?? 'no DeletionPolicy (Delete)';
        findings.push(`${stack.name}/${id} (${resource.Type}) has DeletionPolicy ${resource.DeletionPolicy} but its parent ${stack.name}/${parent} `
          + `(${resources[parent].Type}) has ${policy}: deleting the parent fails while it holds the retained resource`);
      }
    }
  }
  return findings;
}
