import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * How the services deploy a new version, and roll a bad one back without anyone watching.
 *
 * The API, UI and Console use ECS's blue/green deployments by default: ECS starts the new version's tasks next to the
 * old ones in a second target group, shifts the listener rule to them at once when they are healthy, and keeps the old
 * tasks for the bake time, so that a rollback is a switch back of the rule. The workers, the orchestrator and the custom
 * code runner, which take no traffic from the load balancer, roll (new tasks first, never below the desired count).
 * Every service has the deployment circuit breaker with rollback, and, unless turned off, deployment alarms that roll
 * a deployment back when they go off.
 */
export interface MembraneDeploymentOptions {
  /**
   * How the API, UI and Console move to a new version behind the load balancer. `BLUE_GREEN` switches all traffic at
   * once when the new tasks are healthy (the UI and Console are Next.js builds whose pages load files of their own
   * build, and a browser that sees both versions at once fails to load them); `LINEAR` and `CANARY` shift traffic in
   * steps (ECS's default steps), during which both versions serve users; `ROLLING` replaces tasks in place. With
   * `MembraneExposure.internalWithPublicEdge()` the API always rolls: it is registered with two load balancers, and the
   * edge forwards to it with several listener rules, while ECS shifts one rule per load balancer.
   *
   * @default ecs.DeploymentStrategy.BLUE_GREEN
   */
  readonly strategy?: ecs.DeploymentStrategy;

  /**
   * How long the old version keeps running after all traffic has moved to the new one: the deployment alarms are
   * watched during this time, and a rollback only switches the listener rule back. 0 to 1440 whole minutes (ECS's
   * range); not used by `ROLLING`.
   *
   * @default Duration.minutes(10) (twice the 5-minute window of the 5xx alarms)
   */
  readonly bakeTime?: Duration;

  /**
   * Roll a deployment back when one of its service's deployment alarms goes off: the 5xx and no-healthy-target alarms
   * for the API, UI and Console; fewer running tasks than desired for 5 minutes for the workers, the orchestrator and
   * the custom code runner. The alarms exist either way (and notify `alarmTopic`).
   *
   * @default true
   */
  readonly rollbackOnAlarm?: boolean;
}
