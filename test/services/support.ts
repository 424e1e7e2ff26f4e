import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';

/** The services that run the api image (the engine) and the others. */
export const ENGINES = ['api', 'instantTasksWorker', 'queuedTasksWorker', 'orchestrator'] as const;
export const NOT_ENGINES = ['ui', 'console', 'customCodeRunner'] as const;

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as ecs.CfnService);
}
