// A transitive dependency (through @aws-cdk/integ-runner) until it is declared as a devDependency of its own.
// eslint-disable-next-line import/no-extraneous-dependencies
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

/**
 * What the deployability checks need from AWS's resource specification (`@aws-cdk/aws-service-spec`, the database
 * aws-cdk-lib's L1 classes are generated from: every CloudFormation resource type with its properties, which of
 * them are create-only -- `causesReplacement: 'yes'` -- and its primary identifier).
 */
export interface ResourceSpec {
  /** Properties whose change replaces the resource (create-only), top level. */
  readonly createOnly: string[];
  /** Deeper paths whose change replaces the resource. */
  readonly replacementPaths: string[][];
  /** The properties that identify the resource in its account (Cloud Control API), settable or not. */
  readonly primaryIdentifier: string[];
}

type SpecDb = ReturnType<typeof loadAwsServiceSpecSync>;
let db: SpecDb | undefined;
const cache = new Map<string, ResourceSpec | undefined>();

/** The specification of a resource type; undefined for types it does not know (third-party and custom resources). */
export function resourceSpec(type: string): ResourceSpec | undefined {
  if (cache.has(type)) return cache.get(type);
  db ??= loadAwsServiceSpecSync();
  const found = db.lookup('resource', 'cloudFormationType', 'equals', type);
  const r = found.length === 1 ? found[0] : undefined;
  const spec = r && {
    createOnly: Object.entries(r.properties).filter(([, p]) => p.causesReplacement === 'yes').map(([name]) => name),
    replacementPaths: r.additionalReplacementProperties ?? [],
    primaryIdentifier: r.primaryIdentifier ?? [],
  };
  cache.set(type, spec);
  return spec;
}

const AWS_OWNED = /^(AWS|Alexa)::/;

/** `Name`, or `<X>Name` where X and the type's own name (`AWS::Logs::LogGroup` -> `LogGroup`) end alike. */
function ownName(type: string, prop: string): boolean {
  if (prop === 'Name') return true;
  const own = type.split('::')[2] ?? '';
  const m = /^(.+)Name$/.exec(prop);
  return !!m && own !== '' && (own.endsWith(m[1]) || m[1].endsWith(own));
}

/**
 * The properties that hold a resource's own physical name, found from the specification so that a resource type
 * the project starts to use is covered without a list. Each result is a list of properties that together make one
 * name:
 *  - a create-only property (a name cannot be changed in place) named `Name`, or `<X>Name` where X and the type's
 *    own name end alike (`LogGroupName` of a LogGroup, `GroupName` of a SecurityGroup, `CacheSubnetGroupName` of a
 *    SubnetGroup): this leaves out the names of other resources that a resource refers to (`CacheSubnetGroupName` of
 *    a ReplicationGroup, `HostedZoneName` of a RecordSet, `DomainName` of a Certificate);
 *  - the whole primary identifier when every part of it is a settable create-only property (`ReplicationGroupId`;
 *    `ResourceId` + `ScalableDimension` + `ServiceNamespace` of a ScalableTarget): the identifier the service keeps
 *    unique in the account, given by the template.
 * Types the specification does not know: custom resources hold no names (their properties are inputs of a
 * function); third-party registry types (`MongoDB::Atlas::*`) follow the naming rule over the properties present.
 */
export function nameGroupsOf(type: string, properties: Record<string, unknown>): string[][] {
  const spec = resourceSpec(type);
  if (!spec) {
    if (type.startsWith('Custom::') || AWS_OWNED.test(type)) return [];
    return Object.keys(properties).filter(p => ownName(type, p)).map(p => [p]);
  }
  const groups = spec.createOnly.filter(p => ownName(type, p)).map(p => [p]);
  const id = spec.primaryIdentifier;
  const covered = id.length === 1 && groups.some(g => g[0] === id[0]);
  if (id.length > 0 && !covered && id.every(p => spec.createOnly.includes(p))) groups.push(id);
  return groups;
}
