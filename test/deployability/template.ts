import { App } from 'aws-cdk-lib';

/** A resource of a synthesized CloudFormation template, as far as the deployability checks read it. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly DependsOn?: string | string[];
}

/** A synthesized CloudFormation template. */
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, unknown>;
}

/** One stack of an app as CloudFormation deploys it: its name, where it goes, and its template. */
export interface DeployedStack {
  /** The CloudFormation stack name. */
  readonly name: string;
  /** Account, or `unknown-account` for an environment-agnostic stack (every such stack is taken to share one account). */
  readonly account: string;
  /** Region, or `unknown-region`. */
  readonly region: string;
  readonly template: CfnTemplate;
}

/** Synthesizes `app` once and returns each of its stacks with its template. */
export function deployedStacks(app: App): DeployedStack[] {
  return app.synth().stacks.map(s => ({
    name: s.stackName,
    account: s.environment.account,
    region: s.environment.region,
    template: s.template as CfnTemplate,
  }));
}

/** `{ 'Fn::GetAtt': [id, attr] }`, also in its `'id.attr'` string form, as `[id, attr]`. */
function getAtt(value: Record<string, unknown>): [string, string] | undefined {
  const att = value['Fn::GetAtt'];
  if (Array.isArray(att)) return [String(att[0]), att.slice(1).join('.')];
  if (typeof att === 'string') {
    const [id, ...attr] = att.split('.');
    return [id, attr.join('.')];
  }
  return undefined;
}

/** A reference to a resource of the same template: `Ref` (attr undefined) or `Fn::GetAtt`. */
export interface ResourceRef {
  readonly id: string;
  readonly attr?: string;
}

export const refKey = (r: ResourceRef) => (r.attr === undefined ? `Ref ${r.id}` : `GetAtt ${r.id}.${r.attr}`);

/**
 * Every reference to a resource of `template` inside `value`: `Ref`, `Fn::GetAtt` and the `${Id}` / `${Id.Attr}`
 * variables of `Fn::Sub` (pseudo parameters and template parameters are no resources and are left out).
 */
export function resourceRefs(value: unknown, template: CfnTemplate): ResourceRef[] {
  const found: ResourceRef[] = [];
  const add = (id: string, attr?: string) => {
    if (template.Resources[id]) found.push({ id, attr });
  };
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string') add(o.Ref);
      const att = getAtt(o);
      if (att) add(att[0], att[1]);
      const sub = o['Fn::Sub'];
      const text = Array.isArray(sub) ? sub[0] : sub;
      if (typeof text === 'string') {
        const vars = Array.isArray(sub) ? (sub[1] as Record<string, unknown> | undefined) ?? {} : {};
        for (const [, name] of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          if (name in vars) continue;
          const [id, ...attr] = name.split('.');
          add(id, attr.length ? attr.join('.') : undefined);
        }
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(value);
  return found;
}

/**
 * A value as CloudFormation would resolve it at deploy time, as far as that can be known from the template:
 * constant parts and pseudo parameters resolved, everything else as a placeholder naming its stack (so equal
 * texts mean equal values, in one stack and across stacks).
 */
export interface Resolved {
  readonly text: string;
  /** Some part differs on every creation: `AWS::StackId`, or an attribute or `Ref` of a resource. */
  readonly generated: boolean;
  /** The resources of the template the value is built from. */
  readonly refs: string[];
}

const constant = (text: string): Resolved => ({ text, generated: false, refs: [] });

/** The parts joined: generated if any part is. */
export function concat(parts: Resolved[], separator = ''): Resolved {
  return {
    text: parts.map(p => p.text).join(separator),
    generated: parts.some(p => p.generated),
    refs: parts.flatMap(p => p.refs),
  };
}

const accountOf = (stack: DeployedStack) => (stack.account.startsWith('unknown-') ? '{account}' : stack.account);
const regionOf = (stack: DeployedStack) => (stack.region.startsWith('unknown-') ? '{region}' : stack.region);

function pseudo(name: string, stack: DeployedStack): Resolved | undefined {
  switch (name) {
    case 'AWS::StackName': return constant(stack.name);
    case 'AWS::StackId': return { text: `{StackId of ${stack.name}}`, generated: true, refs: [] };
    case 'AWS::Region': return constant(regionOf(stack));
    case 'AWS::AccountId': return constant(accountOf(stack));
    case 'AWS::Partition': return constant(stack.region.startsWith('cn-') ? 'aws-cn' : stack.region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws');
    case 'AWS::URLSuffix': return constant(stack.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');
    case 'AWS::NoValue': return constant('');
    default: return undefined;
  }
}

/** `Ref name` in `stack`: a pseudo parameter, a template parameter (a deploy-time constant) or a resource. */
function ref(name: string, stack: DeployedStack): Resolved {
  const p = pseudo(name, stack);
  if (p) return p;
  if (stack.template.Parameters?.[name] !== undefined) return constant(`{parameter ${stack.name}.${name}}`);
  return { text: `{${stack.name}.${name}}`, generated: true, refs: [name] };
}

function attribute(id: string, attr: string, stack: DeployedStack): Resolved {
  return { text: `{${stack.name}.${id}.${attr}}`, generated: true, refs: [id] };
}

function substitute(text: string, vars: Record<string, unknown>, stack: DeployedStack): Resolved {
  const parts: Resolved[] = [];
  let last = 0;
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    parts.push(constant(text.slice(last, m.index)));
    const name = m[1];
    if (name.startsWith('!')) {
      parts.push(constant(`\${${name.slice(1)}}`));
    } else if (name in vars) {
      parts.push(resolve(vars[name], stack));
    } else if (name.includes('.') && !name.startsWith('AWS::')) {
      const [id, ...attr] = name.split('.');
      parts.push(attribute(id, attr.join('.'), stack));
    } else {
      parts.push(ref(name, stack));
    }
    last = m.index! + m[0].length;
  }
  parts.push(constant(text.slice(last)));
  return concat(parts);
}

/** `value` resolved as far as the template allows (see `Resolved`). */
export function resolve(value: unknown, stack: DeployedStack): Resolved {
  if (typeof value === 'string') return constant(value);
  if (typeof value === 'number' || typeof value === 'boolean') return constant(String(value));
  if (Array.isArray(value)) return concat(value.map(v => resolve(v, stack)), ',');
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1) {
      if (typeof o.Ref === 'string') return ref(o.Ref, stack);
      const att = getAtt(o);
      if (att) return attribute(att[0], att[1], stack);
      const join = o['Fn::Join'];
      if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
        return concat((join[1] as unknown[]).map(v => resolve(v, stack)), join[0]);
      }
      const s = o['Fn::Sub'];
      if (typeof s === 'string') return substitute(s, {}, stack);
      if (Array.isArray(s) && typeof s[0] === 'string') return substitute(s[0], (s[1] as Record<string, unknown>) ?? {}, stack);
      const imported = o['Fn::ImportValue'];
      if (imported !== undefined) {
        // The export of another stack in this region: the same export name is the same value everywhere.
        const name = resolve(imported, stack);
        return { text: `{import ${regionOf(stack)} ${name.text}}`, generated: true, refs: name.refs };
      }
      const select = o['Fn::Select'];
      if (Array.isArray(select) && Array.isArray(select[1]) && typeof select[0] !== 'object') {
        return resolve((select[1] as unknown[])[Number(select[0])], stack);
      }
    }
    // Anything else (Fn::If, Fn::Split, ...): an expression of this stack, equal only to itself.
    const refs = resourceRefs(value, stack.template).map(r => r.id);
    const generated = refs.length > 0 || JSON.stringify(value).includes('"AWS::StackId"');
    return { text: `{${stack.name} ${JSON.stringify(value)}}`, generated, refs };
  }
  return constant('');
}

/** The value at `path` (property names; `*` for every element of an array), flattened. */
export function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return value === undefined ? [] : [value];
  if (value === undefined || value === null) return [];
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.flatMap(v => valuesAt(v, rest)) : [];
  return typeof value === 'object' ? valuesAt((value as Record<string, unknown>)[head], rest) : [];
}
