// Not part of the construct API (lib/index.ts does not export it): the upgrade guard behind `npx projen upgrade-check`
// and the packaged `membrane-upgrade-check` command. It compares CloudFormation templates, not constructs.
import type * as cfnDiff from '@aws-cdk/cloudformation-diff';

/** A CloudFormation template as JSON. */
export type Template = { readonly Resources?: Record<string, TemplateResource> } & Record<string, unknown>;

/** A resource of a template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/**
 * Resource types whose replacement or removal loses data, or a value other systems hold on to. What each one holds is
 * what the guard prints.
 */
export const STATEFUL_RESOURCE_TYPES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'a bucket; a new one starts empty',
  'AWS::ElastiCache::ReplicationGroup': 'a cache; a new one starts empty, at a new endpoint',
  'AWS::ElastiCache::CacheCluster': 'a cache; a new one starts empty, at a new endpoint',
  'AWS::ElastiCache::ServerlessCache': 'a cache; a new one starts empty, at a new endpoint',
  'AWS::SecretsManager::Secret': 'a secret; a new one gets a new value (a generated JWT key, ENCRYPTION_SECRET or AUTH token changes)',
  'AWS::KMS::Key': 'a KMS key; what the old key encrypted needs the old key',
  'AWS::Backup::BackupVault': 'a backup vault; the recovery points are not in a new one',
  'AWS::Backup::BackupPlan': 'a backup plan; continuous backup and its point-in-time window start anew',
  'AWS::Logs::LogGroup': 'a log group; the log history is not in a new one',
  'MongoDB::Atlas::Project': 'an Atlas project; it holds the clusters, users and endpoints',
  'MongoDB::Atlas::Cluster': 'an Atlas cluster; it holds the MongoDB data',
  'AWS::EC2::EIP': 'an Elastic IP; a new address is not on the access lists of partners and Atlas',
  'AWS::ServiceDiscovery::HttpNamespace': 'a Service Connect namespace; every service moves to a new one',
  'AWS::ServiceDiscovery::PrivateDnsNamespace': 'a Service Connect namespace; every service moves to a new one',
};

/**
 * What a replacement that CloudFormation cannot carry out blocks, for a resource of no stateful type: an ECS service
 * with Service Connect (the AWS::ECS::Service reference: CloudFormation creates the replacement first, and each
 * Service Connect service name must be unique in the namespace, so the stack update fails), e.g. after a service moves
 * between a launch type and Fargate Spot. Undefined when nothing blocks it.
 */
export function blockedReplacement(resource: TemplateResource, kind: ChangeKind): string | undefined {
  if (kind === ChangeKind.REMOVED || resource.Type !== 'AWS::ECS::Service' || !resource.Properties?.ServiceConnectConfiguration) return undefined;
  return 'an ECS service with Service Connect; CloudFormation creates the replacement first, and its Service Connect names are '
    + 'still the old service\'s: the update fails';
}

/** What happens to a resource that exists in the old template. */
export enum ChangeKind {
  /** CloudFormation creates a new physical resource and deletes the old one (or keeps it, with a Retain policy). */
  REPLACED = 'replaced',
  /** Replaced if a value CloudFormation only knows at deployment differs (a conditional replacement). */
  MAY_BE_REPLACED = 'may be replaced',
  /** The resource is no longer in the template: deleted, or only removed from the stack with a Retain policy. */
  REMOVED = 'removed',
}

/** A resource of the old template that the new template replaces or removes. */
export interface ResourceChange {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /** The construct path (the `aws:cdk:path` metadata without `/Resource`), when the template has it. */
  readonly path?: string;
  readonly kind: ChangeKind;
  /** The properties whose change replaces the resource (or `Type`). */
  readonly causes: readonly string[];
  /** The old physical resource stays in the account (DeletionPolicy or UpdateReplacePolicy Retain or Snapshot). */
  readonly kept?: string;
  /**
   * What a stateful resource holds (from STATEFUL_RESOURCE_TYPES), or what a replacement CloudFormation cannot carry out
   * blocks (`blockedReplacement`); undefined otherwise.
   */
  readonly holds?: string;
  /** Resources of the same type the new template adds: for a removal, most likely the same one under a new construct id. */
  readonly added: readonly string[];
}

/** The CDK CLI's template diff library is not installed where the guard runs. */
export class MissingDiffLibraryError extends Error {}

/**
 * The CDK CLI's template diff (`cdk diff`), which knows from the CloudFormation resource specification which property
 * changes replace a resource. Loaded when needed: consumers of the construct library never need it.
 */
function diffLibrary(): typeof cfnDiff {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
    return require('@aws-cdk/cloudformation-diff');
  } catch {
    throw new MissingDiffLibraryError('membrane-upgrade-check needs the CDK CLI\'s template diff, which is not installed: '
      + 'run `npm install --save-dev @aws-cdk/cloudformation-diff@^2.187.5` next to @org/membrane-cdk.');
  }
}

/** The construct path of a resource, from the metadata `cdk synth` writes, without the L1 child's `/Resource`. */
export function constructPath(resource: TemplateResource | undefined): string | undefined {
  const path = resource?.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path.replace(/\/(Resource|Default)$/, '') : undefined;
}

/** How the old physical resource survives, if it does. */
function kept(resource: TemplateResource, kind: ChangeKind): string | undefined {
  const policy = kind === ChangeKind.REMOVED ? 'DeletionPolicy' : 'UpdateReplacePolicy';
  const value = resource[policy];
  if (value === 'Retain' || value === 'RetainExceptOnCreate') return `the old one stays in the account (${policy} ${value})`;
  if (value === 'Snapshot') return `a final snapshot of the old one is taken (${policy} Snapshot)`;
  return undefined;
}

/**
 * Every resource of `oldTemplate` that deploying `newTemplate` over it replaces or removes. A stack that no longer
 * exists (`newTemplate` undefined) removes all of its resources.
 */
export function replacedOrRemoved(stack: string, oldTemplate: Template, newTemplate: Template | undefined): ResourceChange[] {
  const lib = diffLibrary();
  const diff = lib.fullDiff(oldTemplate, newTemplate ?? { Resources: {} });
  const addedOfType = (type: string) => diff.resources.logicalIds
    .filter(id => diff.resources.get(id).isAddition && diff.resources.get(id).newResourceType === type);
  const changes: ResourceChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const impact = change.changeImpact;
    const kind = impact === lib.ResourceImpact.WILL_DESTROY || impact === lib.ResourceImpact.WILL_ORPHAN ? ChangeKind.REMOVED
      : impact === lib.ResourceImpact.WILL_REPLACE ? ChangeKind.REPLACED
        : impact === lib.ResourceImpact.MAY_REPLACE ? ChangeKind.MAY_BE_REPLACED
          : undefined;
    const old = change.oldValue as TemplateResource | undefined;
    if (!kind || !old) return;
    const causes = change.resourceTypeChanged ? ['Type'] : Object.entries(change.propertyUpdates)
      .filter(([, property]) => property.changeImpact === lib.ResourceImpact.WILL_REPLACE
        || property.changeImpact === lib.ResourceImpact.MAY_REPLACE)
      .map(([name]) => name);
    changes.push({
      stack,
      logicalId,
      type: old.Type,
      path: constructPath(old),
      kind,
      causes,
      kept: kept(old, kind),
      holds: STATEFUL_RESOURCE_TYPES[old.Type] ?? blockedReplacement(old, kind),
      added: kind === ChangeKind.REMOVED ? addedOfType(old.Type) : [],
    });
  });
  return changes.sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}
