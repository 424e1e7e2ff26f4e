import { claimKey, claimsOfStack, where } from './names';
import { resourceSpec } from './resource-spec';
import { CfnTemplate, DeployedStack, refKey, resourceRefs, valuesAt } from './template';

/** Why a resource of the new template is a new physical resource. */
export type Replacements = Map<string, string>;

const json = (v: unknown) => JSON.stringify(v);

/**
 * The resources of `after` that an update from `before` creates anew: a logical id that `before` lacks, a changed
 * type, a changed create-only property (the resource specification's `causesReplacement: 'yes'`, at the top level
 * and on the specification's extra replacement paths), or a create-only property that refers to a resource that is
 * itself replaced (its new physical id or attribute is a new value), to a fixed point.
 */
export function replacements(before: CfnTemplate, after: CfnTemplate): Replacements {
  const replaced: Replacements = new Map();
  const specs = new Map(Object.entries(after.Resources).map(([id, r]) => [id, resourceSpec(r.Type)]));
  for (const [id, r] of Object.entries(after.Resources)) {
    const old = before.Resources[id];
    if (!old) {
      replaced.set(id, 'new logical id');
    } else if (old.Type !== r.Type) {
      replaced.set(id, `type changed from ${old.Type}`);
    } else {
      const spec = specs.get(id);
      for (const path of [...(spec?.createOnly ?? []).map(p => [p]), ...(spec?.replacementPaths ?? [])]) {
        if (json(valuesAt(old.Properties ?? {}, path)) !== json(valuesAt(r.Properties ?? {}, path))) {
          replaced.set(id, `create-only ${path.join('.')} changed`);
          break;
        }
      }
    }
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const [id, r] of Object.entries(after.Resources)) {
      if (replaced.has(id)) continue;
      for (const prop of specs.get(id)?.createOnly ?? []) {
        const target = resourceRefs(r.Properties?.[prop], after).find(ref => replaced.has(ref.id));
        if (target) {
          replaced.set(id, `create-only ${prop} refers to ${target.id}, which is replaced`);
          changed = true;
          break;
        }
      }
    }
  }
  return replaced;
}

/**
 * Exclusive associations: a member resource that can belong to one owner only, and how a template links them.
 * When the owner is replaced, CloudFormation creates the new owner and links it first and deletes the old one
 * last, so a member that is not replaced with it would belong to two owners for a moment: the update fails.
 */
interface ExclusiveAssociation {
  readonly member: string;
  readonly owner: string;
  /** [member, owner, linking resource] of a template. */
  readonly links: (template: CfnTemplate) => Array<[string, string, string]>;
  readonly source: string;
}

const ofType = (template: CfnTemplate, type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const refsOfType = (value: unknown, template: CfnTemplate, type: string) =>
  [...new Set(resourceRefs(value, template).map(r => r.id).filter(id => template.Resources[id].Type === type))];

const ELB = 'AWS::ElasticLoadBalancingV2';
const ASSOCIATIONS: ExclusiveAssociation[] = [
  {
    member: `${ELB}::TargetGroup`,
    owner: `${ELB}::LoadBalancer`,
    source: 'Elastic Load Balancing API Reference, TargetGroup.LoadBalancerArns: "You can use each target group with only one load balancer."',
    links: template => {
      const listeners = new Map(ofType(template, `${ELB}::Listener`).map(([id, r]) =>
        [id, refsOfType(r.Properties?.LoadBalancerArn, template, `${ELB}::LoadBalancer`)]));
      const links: Array<[string, string, string]> = [];
      for (const [id, r] of ofType(template, `${ELB}::Listener`)) {
        for (const group of refsOfType(r.Properties?.DefaultActions, template, `${ELB}::TargetGroup`)) {
          for (const lb of listeners.get(id) ?? []) links.push([group, lb, id]);
        }
      }
      for (const [id, r] of ofType(template, `${ELB}::ListenerRule`)) {
        for (const group of refsOfType(r.Properties?.Actions, template, `${ELB}::TargetGroup`)) {
          for (const listener of refsOfType(r.Properties?.ListenerArn, template, `${ELB}::Listener`)) {
            for (const lb of listeners.get(listener) ?? []) links.push([group, lb, id]);
          }
        }
      }
      return links;
    },
  },
];

/**
 * Check c(i): a member of an exclusive association belongs to one owner in a template, and when an update creates
 * a new owner (`after` replaces it), the members it links are new as well. Without `before`, only the first part.
 */
export function exclusiveAssociations(stack: string, after: CfnTemplate, before?: CfnTemplate): string[] {
  const findings: string[] = [];
  const replaced = before ? replacements(before, after) : new Map<string, string>();
  for (const association of ASSOCIATIONS) {
    const links = association.links(after);
    const owners = new Map<string, Set<string>>();
    for (const [member, owner] of links) owners.set(member, new Set([...(owners.get(member) ?? []), owner]));
    for (const [member, set] of owners) {
      if (set.size > 1) findings.push(`${stack}/${member} (${association.member}) is linked to ${[...set].join(' and ')}: ${association.source}`);
    }
    if (!before) continue;
    const oldOwners = new Map<string, Set<string>>();
    for (const [member, owner] of association.links(before)) oldOwners.set(member, new Set([...(oldOwners.get(member) ?? []), owner]));
    for (const [member, owner, via] of links) {
      const newOwner = replaced.has(owner);
      const sameMember = !replaced.has(member) && before.Resources[member]?.Type === association.member;
      if (newOwner && sameMember && (oldOwners.get(member)?.size ?? 0) > 0) {
        findings.push(`${stack}/${owner} (${association.owner}) is replaced (${replaced.get(owner)}) but ${stack}/${member} (${association.member}) `
          + `is not, and still belongs to ${[...oldOwners.get(member)!].join(', ')} when ${via} links it to the new one: ${association.source}`);
      }
    }
  }
  return findings;
}

/**
 * Also check c: a resource that an update creates anew must not claim a name that the resource it replaces (or
 * one that is deleted in the same update) still holds: CloudFormation creates the new resource first and deletes
 * the old one at the end, and it refuses to replace a custom-named resource outright ("CloudFormation cannot update
 * a stack when a custom-named resource requires replacing").
 */
export function replacedNames(before: DeployedStack, after: DeployedStack): string[] {
  const replaced = replacements(before.template, after.template);
  const gone = (id: string) => !after.template.Resources[id] || replaced.has(id);
  const oldClaims = new Map(claimsOfStack(before).filter(c => gone(c.id)).map(c => [claimKey(c), c]));
  return claimsOfStack(after)
    .filter(c => replaced.has(c.id) && ![...c.name.refs, ...c.scope.refs].some(ref => replaced.has(ref)))
    .flatMap(c => {
      const old = oldClaims.get(claimKey(c));
      if (!old) return [];
      const how = old.id === c.id ? `is replaced (${replaced.get(c.id)}) and keeps` : `is created (${replaced.get(c.id)}) with`;
      return [`${where(c)} (${c.type}) ${how} ${c.property} '${c.name.text}', which ${where(old)} holds until the end of the update`];
    });
}

/** Resources whose value a task reads at start, and the properties that make that value. */
const VALUE_STORES: Record<string, string[]> = {
  'AWS::SecretsManager::Secret': ['SecretString', 'GenerateSecretString'],
  'AWS::SSM::Parameter': ['Value'],
};

/**
 * Check c(ii): an ECS task definition that reads a secret (or parameter) of the template whose value is built from
 * another resource's attribute or id (a cache endpoint, another secret) must itself refer to that attribute. ECS
 * injects secrets when a task starts ("Pass Secrets Manager secrets through Amazon ECS environment variables"):
 * when the resource is replaced the secret gets a new value, but without a reference in the task definition no new
 * task definition revision is registered, so the running tasks keep the old value.
 */
export function staleSecretReads(stack: string, template: CfnTemplate): string[] {
  const findings: string[] = [];
  const sources = (storeId: string, seen: Set<string>): Array<{ key: string; via: string }> => {
    if (seen.has(storeId)) return [];
    seen.add(storeId);
    const store = template.Resources[storeId];
    const props = VALUE_STORES[store.Type] ?? [];
    const refs = props.flatMap(p => resourceRefs(store.Properties?.[p], template));
    return refs.flatMap(r => [
      { key: refKey(r), via: storeId },
      ...(VALUE_STORES[template.Resources[r.id].Type] ? sources(r.id, seen) : []),
    ]);
  };
  const stale = new Map<string, string[]>();
  for (const [id, task] of ofType(template, 'AWS::ECS::TaskDefinition')) {
    const own = new Set(resourceRefs(task.Properties, template).map(refKey));
    const read = valuesAt(task.Properties, ['ContainerDefinitions', '*', 'Secrets', '*', 'ValueFrom'])
      .flatMap(v => resourceRefs(v, template)).map(r => r.id).filter(ref => VALUE_STORES[template.Resources[ref].Type]);
    for (const store of new Set(read)) {
      for (const { key, via } of sources(store, new Set())) {
        const what = `${via}, whose value is built from ${key},`;
        if (!own.has(key) && !stale.get(what)?.includes(id)) stale.set(what, [...(stale.get(what) ?? []), id]);
      }
    }
  }
  for (const [what, tasks] of stale) {
    findings.push(`${tasks.map(t => `${stack}/${t}`).join(', ')} (AWS::ECS::TaskDefinition) read ${what} but do not refer to it themselves: `
      + 'when that is replaced the secret changes but no task definition does, and running tasks keep the old value');
  }
  return findings;
}
