import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { BAKE_TIME_RANGE, DEFAULT_BAKE_TIME } from './defaults';
import { MembraneDeploymentOptions } from '../deployment-options';
import { ServiceSpec } from './services-table';
import { acknowledgeFinding } from '../../common/nag';
import { describeValue, known, propError, requireDurations, warn } from '../../common/validation';

/** How one service deploys: what `MembraneService` needs from the `deployment` options. */
export interface ServiceDeployment {
  /** The ECS strategy; none for the services that roll as ECS does by default (their template names none). */
  readonly strategy?: ecs.DeploymentStrategy;
  /** How long ECS keeps the old version after the traffic moved; only with a strategy other than rolling. */
  readonly bakeTime?: Duration;
  /**
   * The role ECS shifts the production listener rule with. Given: the service gets a second target group and a
   * production listener rule that forwards to both (ECS's blue/green, linear and canary strategies need them).
   */
  readonly loadBalancerRole?: iam.IRole;
  /** ECS rolls a deployment back when one of the service's deployment alarms goes off. */
  readonly rollbackOnAlarm: boolean;
}

/** The managed policy of ECS's infrastructure role for load balancers ("Amazon ECS blue/green deployments"). */
export const LOAD_BALANCER_ROLE_POLICY = 'AmazonECSInfrastructureRolePolicyForLoadBalancers';

/** Partitions where ECS has no deployment alarms (aws-cdk-lib leaves them out there too). */
const PARTITIONS_WITHOUT_DEPLOYMENT_ALARMS = ['aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b'];

/**
 * The deployment of every service, from the `deployment` options: the API, UI and Console (behind the load balancer)
 * take the strategy and the bake time, except the API with a public edge, which rolls; the others roll. The three
 * public services always get the second target group and the weighted production rule, whatever the strategy, so that
 * a change of strategy never changes the load balancer's resources (a change of the rule's actions would put the
 * traffic back on the first target group). Checks the options first.
 */
export function resolveDeployments(scope: Construct, options: MembraneDeploymentOptions,
  publicEdge: boolean): (spec: ServiceSpec) => ServiceDeployment {
  validateDeployment(scope, options, publicEdge);
  const strategy = options.strategy ?? ecs.DeploymentStrategy.BLUE_GREEN;
  const rolling = strategy === ecs.DeploymentStrategy.ROLLING;
  const rollbackOnAlarm = (options.rollbackOnAlarm ?? true) && deploymentAlarmsAvailable(scope);
  let role: iam.IRole | undefined;
  const loadBalancerRole = (): iam.IRole => role ??= createLoadBalancerRole(scope);
  return spec => {
    if (spec.exposure !== 'public-alb') return { rollbackOnAlarm };
    // The API with a public edge rolls, but keeps its second target group and the weighted rule on the main load balancer:
    // after a blue/green deployment the tasks in service are in that group, and removing it (adding the edge later)
    // would leave the rule forwarding to an empty one.
    const rolls = rolling || (spec.key === 'api' && publicEdge);
    return {
      strategy: rolls ? ecs.DeploymentStrategy.ROLLING : strategy,
      bakeTime: rolls ? undefined : options.bakeTime ?? DEFAULT_BAKE_TIME,
      loadBalancerRole: loadBalancerRole(),
      rollbackOnAlarm,
    };
  };
}

function validateDeployment(scope: Construct, options: MembraneDeploymentOptions, publicEdge: boolean): void {
  const { strategy, bakeTime, rollbackOnAlarm } = options;
  if (known(strategy) && !(Object.values(ecs.DeploymentStrategy) as unknown[]).includes(strategy)) {
    throw propError(scope, 'deployment.strategy', `${describeValue(strategy)} is not an ECS deployment strategy`,
      'Give ecs.DeploymentStrategy.BLUE_GREEN, LINEAR, CANARY or ROLLING.');
  }
  requireDurations(scope, { 'deployment.bakeTime': bakeTime });
  if (bakeTime && !bakeTime.isUnresolved()) {
    const minutes = bakeTime.toMinutes({ integral: false });
    if (!Number.isInteger(minutes) || minutes < BAKE_TIME_RANGE.min || minutes > BAKE_TIME_RANGE.max) {
      const range = `${BAKE_TIME_RANGE.min} to ${BAKE_TIME_RANGE.max}`;
      throw propError(scope, 'deployment.bakeTime', `${bakeTime.toHumanString()} is not ${range} whole minutes`,
        `Give Duration.minutes(n) with n from ${BAKE_TIME_RANGE.min} to ${BAKE_TIME_RANGE.max}, the bake times ECS accepts.`);
    }
  }
  if (rollbackOnAlarm !== undefined && typeof rollbackOnAlarm !== 'boolean' && !Token.isUnresolved(rollbackOnAlarm)) {
    throw propError(scope, 'deployment.rollbackOnAlarm', `${describeValue(rollbackOnAlarm)} is not a boolean`, 'Give true or false.');
  }
  if (strategy === ecs.DeploymentStrategy.ROLLING && bakeTime) {
    warn(scope, 'bakeTimeUnused', 'deployment.bakeTime is set, but deployment.strategy is ROLLING, which has no bake time: a rolling update '
      + 'replaces the tasks and keeps no old version to switch back to. Remove the bake time, or choose BLUE_GREEN.');
  }
  if (publicEdge && known(strategy) && strategy !== ecs.DeploymentStrategy.ROLLING) {
    warn(scope, 'apiRollsWithPublicEdge', `deployment.strategy ${strategy} applies to the UI and Console only: with `
      + 'MembraneExposure.internalWithPublicEdge() the API is registered with two load balancers and the edge forwards to it with several '
      + 'listener rules, while ECS shifts one listener rule per load balancer, so the API rolls (circuit breaker and deployment alarms '
      + 'still roll a bad version back).');
  }
}

/** Whether ECS has deployment alarms in the stack's partition (true when the region is not known at synth time). */
function deploymentAlarmsAvailable(scope: Construct): boolean {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) return true;
  const partition = RegionInfo.get(region).partition;
  if (!partition || !PARTITIONS_WITHOUT_DEPLOYMENT_ALARMS.includes(partition)) return true;
  warn(scope, 'noDeploymentAlarms', `ECS has no deployment alarms in the ${partition} partition: deployments roll back on the circuit `
    + 'breaker only (tasks that do not start or fail their health checks), not on the 5xx and task alarms.');
  return false;
}

/**
 * ECS's infrastructure role for load balancers, `LoadBalancerDeploymentRole` in `scope`: ECS assumes it to register the
 * new tasks with the alternate target group and to shift the production listener rule between the two target groups.
 */
function createLoadBalancerRole(scope: Construct): iam.Role {
  const role = new iam.Role(scope, 'LoadBalancerDeploymentRole', {
    assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
    description: 'ECS shifts the Membrane API, UI and Console listener rules between their target groups during deployments',
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(LOAD_BALANCER_ROLE_POLICY)],
  });
  acknowledgeFinding(role, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${LOAD_BALANCER_ROLE_POLICY}]`,
    'The infrastructure role "Amazon ECS blue/green deployments" asks for: AWS keeps this policy in step with what ECS calls while it '
    + 'shifts traffic (describe load balancers, register and deregister targets, modify listeners and rules). Only ECS can assume the '
    + 'role, and only the API, UI and Console services of this construct name it.');
  return role;
}
