import { CfnResource, Stack } from 'aws-cdk-lib';

/** A resource as CloudFormation receives it (overrides applied, tokens rendered as intrinsics). */
export interface Rendered {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: { [key: string]: unknown };
}

/** A container definition of a rendered task definition: the parts the rules read. */
export interface ContainerDefinition {
  readonly Image?: unknown;
  readonly Environment?: Array<{ Name?: string; Value?: unknown }>;
}

/** Every resource of a stack, rendered once per validation run. */
export class StackIndex {
  public readonly resources = new Map<string, Rendered>();

  constructor(stack: Stack) {
    for (const construct of stack.node.findAll()) {
      if (construct instanceof CfnResource && Stack.of(construct) === stack) {
        const rendered = render(construct);
        this.resources.set(rendered.logicalId, rendered);
      }
    }
  }

  /** The resource a `{ Ref }` or `{ Fn::GetAtt }` points at. */
  public target(value: unknown): Rendered | undefined {
    const id = refId(value);
    return id === undefined ? undefined : this.resources.get(id);
  }

  public ofType(type: string): Rendered[] {
    return [...this.resources.values()].filter(r => r.type === type);
  }
}

/** `resource` as CloudFormation receives it. */
export function render(resource: CfnResource): Rendered {
  const stack = Stack.of(resource);
  type Template = { Resources: { [id: string]: { Type: string; Properties?: { [key: string]: unknown } } } };
  const template = stack.resolve(resource._toCloudFormation()) as Template;
  const [logicalId, body] = Object.entries(template.Resources)[0];
  return { logicalId, type: body.Type, properties: body.Properties ?? {} };
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at. */
export function refId(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    const v = value as { 'Ref'?: unknown; 'Fn::GetAtt'?: unknown };
    if (typeof v.Ref === 'string') return v.Ref;
    if (Array.isArray(v['Fn::GetAtt']) && typeof v['Fn::GetAtt'][0] === 'string') return v['Fn::GetAtt'][0];
  }
  return undefined;
}

/** The container definitions of a rendered task definition (none when it is not in the stack). */
export function containers(taskDefinition: Rendered | undefined): ContainerDefinition[] {
  return (taskDefinition?.properties.ContainerDefinitions as ContainerDefinition[] | undefined) ?? [];
}

/** The plain environment value `name` of a container. */
export function envValue(container: ContainerDefinition, name: string): unknown {
  return container.Environment?.find(e => e.Name === name)?.Value;
}

/** A container's image as text (an intrinsic as JSON). */
export function imageOf(container: ContainerDefinition): string {
  return typeof container.Image === 'string' ? container.Image : JSON.stringify(container.Image ?? '');
}

/** Whether a load balancer is internet-facing. */
export function isInternetFacing(loadBalancer: Rendered | undefined): boolean {
  // CloudFormation's default scheme is internet-facing; an unknown (imported) load balancer counts as public.
  return loadBalancer === undefined || loadBalancer.properties.Scheme !== 'internal';
}

/** The load balancer of a listener, when it is in the stack. */
export function listenerLoadBalancer(listener: Rendered | undefined, stack: StackIndex): Rendered | undefined {
  return listener ? stack.target(listener.properties.LoadBalancerArn) : undefined;
}

interface ListenerAction {
  readonly Type?: string;
  readonly TargetGroupArn?: unknown;
  readonly ForwardConfig?: { TargetGroups?: Array<{ TargetGroupArn?: unknown }> };
}

/** The target groups that listener or rule actions forward to. */
export function forwardTargets(actions: unknown): unknown[] {
  const list = (actions as ListenerAction[] | undefined) ?? [];
  return list.flatMap(a => [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map(t => t.TargetGroupArn)]).filter(t => t !== undefined);
}
