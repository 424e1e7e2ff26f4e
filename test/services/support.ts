import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IMembraneService, MembraneDeploymentOptions } from '../../lib';
import { buildServices } from '../fixtures';
import { templateOf } from '../harness';

/** The services that run the api image (the engine) and the others. */
export const ENGINES = ['api', 'instantTasksWorker', 'queuedTasksWorker', 'orchestrator'] as const;
export const NOT_ENGINES = ['ui', 'console', 'customCodeRunner'] as const;

/** The services behind the load balancer (blue/green by default) and the others (rolling). */
export const PUBLIC = ['api', 'ui', 'console'] as const;
export const OTHERS = ['customCodeRunner', 'instantTasksWorker', 'queuedTasksWorker', 'orchestrator'] as const;

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as ecs.CfnService);
}

/** A metric of an alarm's `Metrics`: an expression or a metric with its dimensions (all intrinsics in these stacks). */
export interface MetricQuery {
  readonly Id?: string;
  readonly Expression?: string;
  readonly ReturnData?: boolean;
  readonly MetricStat?: {
    readonly Stat: string;
    readonly Metric: {
      readonly MetricName: string;
      readonly Dimensions: ReadonlyArray<{ readonly Name: string; readonly Value: { readonly 'Fn::GetAtt'?: readonly string[] } }>;
    };
  };
}

/**
 * The properties of a template's resource with those the deployment tests read typed: an ECS service's deployment
 * configuration and load balancers, an alarm's name and metrics.
 */
export interface ResourceProperties {
  readonly [name: string]: unknown;
  readonly DeploymentConfiguration: {
    readonly Strategy?: unknown;
    readonly BakeTimeInMinutes?: unknown;
    readonly Alarms?: { readonly Enable: boolean; readonly Rollback: boolean; readonly AlarmNames: readonly unknown[] };
  };
  readonly LoadBalancers: ReadonlyArray<{
    readonly TargetGroupArn: unknown;
    readonly AdvancedConfiguration?: { readonly AlternateTargetGroupArn: unknown };
  }>;
  readonly AlarmName?: string;
  readonly Metrics: readonly MetricQuery[];
}

/** A resource of a synthesized template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties: ResourceProperties;
  readonly DependsOn?: string[];
}

/** A synthesized stack as the deployment tests read it: its resources, and a service's resource. */
export function readStack(stack: Stack) {
  const template = templateOf(stack);
  const resources: Record<string, TemplateResource> = template.toJSON().Resources;
  const id = (c: { node: { defaultChild?: unknown } }) => logicalId(stack, c);
  const service = (svc: IMembraneService): TemplateResource => resources[id(svc.service)];
  return { template, resources, id, service };
}

/** The services with these deployment options (and other props), and their synthesized stack. */
export function build(deployment?: MembraneDeploymentOptions, overrides: object = {}, stack?: Stack) {
  const built = buildServices({ deployment, ...overrides }, stack);
  return { ...built, ...readStack(built.stack) };
}
