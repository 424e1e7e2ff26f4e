import { Construct } from 'constructs';
import { isFargateSize, SERVICES, ServiceSpec } from './services-table';
import { MIN_PRODUCTION_TASKS, SECRET_NAME_PATTERN } from '../../common/constants';
import { MembraneEnvironmentContract } from '../../common/environment';
import { describeValue, known, propError, requireInteger, requireNumber, warn } from '../../common/validation';
import { MembraneExtraEnvironment, MembraneServiceOptions } from '../options';

/** Values that are credentials whatever their variable is called. */
const CREDENTIAL_VALUES = [
  { pattern: /:\/\/[^/\s:@]+:[^/\s@]+@/, what: 'is a URI with a password in it' },
  { pattern: /\b(AKIA|ASIA)[A-Z0-9]{16}\b/, what: 'looks like an AWS access key' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'is a private key' },
];

/**
 * Checks one service's size, count and Spot choice. Errors name the prop under `scope` (the services construct);
 * warnings go on the service's own construct.
 */
export function validateServiceOptions(scope: Construct, serviceScope: Construct, spec: ServiceSpec, options: MembraneServiceOptions,
  size: { cpu: number; memoryLimitMiB: number; desiredCount: number }): void {
  const { cpu, memoryLimitMiB, desiredCount } = size;
  const prop = `services.${spec.key}`;
  requireNumber(scope, `${prop}.cpu`, cpu, spec.size.cpu);
  requireNumber(scope, `${prop}.memoryLimitMiB`, memoryLimitMiB, spec.size.memoryMiB);
  validateHealthCheckCommand(scope, spec, options.healthCheckCommand);
  if (known(cpu) && known(memoryLimitMiB) && !isFargateSize(cpu, memoryLimitMiB)) {
    throw propError(scope, `${prop}.cpu/memoryLimitMiB`, `${cpu} CPU units with ${memoryLimitMiB} MiB is not a Fargate task size`,
      'See the Fargate task size table; e.g. 512 CPU allows 1024-4096 MiB, 1024 CPU allows 2048-8192 MiB.');
  }
  if ((known(cpu) && cpu < spec.minimum.cpu) || (known(memoryLimitMiB) && memoryLimitMiB < spec.minimum.memoryMiB)) {
    warn(serviceScope, 'belowMinimumSize', `${spec.name} gets ${cpu} CPU / ${memoryLimitMiB} MiB, below Membrane's minimum of ${spec.minimum.cpu} / `
      + `${spec.minimum.memoryMiB} ("Service Deployment").`);
  }
  requireInteger(scope, `${prop}.desiredCount`, desiredCount, 0, 1000);
  if (spec.key === 'orchestrator' && known(desiredCount) && desiredCount < MIN_PRODUCTION_TASKS) {
    warn(serviceScope, 'orchestratorSingleInstance', `The orchestrator runs fewer than ${MIN_PRODUCTION_TASKS} tasks: schedules and syncs stop while `
      + `its only task is replaced ("Self-hosting" recommends ${MIN_PRODUCTION_TASKS}).`);
  }
  if (options.spot && !spec.spotAllowed) {
    throw propError(scope, `${prop}.spot`, `Fargate Spot is not offered for ${spec.name}`,
      'Spot is for the services that tolerate losing a task at two minutes\' notice '
      + `(${SERVICES.filter(s => s.spotAllowed).map(s => s.name).join(', ')}) only; remove spot from this service.`);
  }
}

/** Checks a service's extra environment and secrets against what the library manages. */
export function checkedExtras(scope: Construct, spec: ServiceSpec, options: MembraneExtraEnvironment, managed: MembraneEnvironmentContract,
  forbiddenVariables: string[], source = `services.${spec.key}`): MembraneEnvironmentContract {
  const environment = options.environment ?? {};
  const secrets = options.secrets ?? {};
  for (const name of [...Object.keys(environment), ...Object.keys(secrets)]) {
    const prop = `${source}.${name in environment ? 'environment' : 'secrets'}.${name}`;
    if (forbiddenVariables.includes(name)) {
      throw propError(scope, prop, `${name} belongs to the other authentication mode than the one in 'auth'`,
        'Use exactly one of MembraneAuth.auth0 and MembraneAuth.usernamePassword, and set its values there.');
    }
    if (name in managed.environment || name in managed.secrets) {
      throw propError(scope, prop, `${name} is managed by membrane-cdk`, 'Set it through the construct\'s props instead (settings, domain, storage, '
        + 'cache, auth).');
    }
  }
  for (const [name, value] of Object.entries(environment)) {
    const credential = known(value) ? CREDENTIAL_VALUES.find(c => c.pattern.test(value)) : undefined;
    if (credential) {
      throw propError(scope, `${source}.environment.${name}`, `the value ${credential.what} and would be stored in plain text in the `
        + 'template', `Pass it in ${source}.secrets as an ecs.Secret instead.`);
    }
    if (SECRET_NAME_PATTERN.test(name)) {
      throw propError(scope, `${source}.environment.${name}`, `${name} looks like a credential and would be stored in plain text in the `
        + 'template',
      `Pass it in ${source}.secrets as an ecs.Secret instead.`);
    }
  }
  return { environment, secrets };
}

/**
 * A container health check command: ECS runs it for the services not behind the load balancer. An empty command (or
 * `CMD` / `CMD-SHELL` alone) never succeeds, so ECS would replace every task; on a service behind the load balancer it
 * would be silently ignored (the load balancer checks its health path).
 */
function validateHealthCheckCommand(scope: Construct, spec: ServiceSpec, command: string[] | undefined): void {
  if (command === undefined) return;
  const prop = `services.${spec.key}.healthCheckCommand`;
  if (spec.exposure === 'public-alb') {
    throw propError(scope, prop, `${spec.name} is behind the load balancer, whose health check of its path decides, so the command would be ignored`,
      'Remove it; container health check commands apply to the workers, the orchestrator and the custom code runner.');
  }
  if (!Array.isArray(command)) {
    throw propError(scope, prop, `${describeValue(command)} is not a list of strings`, 'Give e.g. [\'CMD-SHELL\', \'curl -f http://localhost:5000/ || exit 1\'].');
  }
  const args = ['CMD', 'CMD-SHELL'].includes(command[0]) ? command.slice(1) : command;
  if (!args.some(arg => !known(arg) || (typeof arg === 'string' && arg.trim() !== ''))) {
    throw propError(scope, prop, `${JSON.stringify(command)} runs no command, so the check would never pass and ECS would replace every task`,
      'Give [\'CMD\', <program>, <args>...] or [\'CMD-SHELL\', \'<shell command>\'], or leave it out for the default HTTP check.');
  }
}
