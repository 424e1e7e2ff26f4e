import * as ecs from 'aws-cdk-lib/aws-ecs';
import { MembraneEnvironmentContract } from './environment';

/**
 * Merges environment contracts. A variable may appear in several contracts only with the same
 * value, and never both as plain environment and as a secret.
 */
export function mergeEnvironmentContracts(...contracts: MembraneEnvironmentContract[]): MembraneEnvironmentContract {
  const environment: { [name: string]: string } = {};
  const secrets: { [name: string]: ecs.Secret } = {};
  for (const contract of contracts) {
    for (const [name, value] of Object.entries(contract.environment)) {
      if (name in secrets) throw new Error(`${name} is both a secret and a plain environment variable`);
      if (name in environment && environment[name] !== value) {
        throw new Error(`${name} has two different values: '${environment[name]}' and '${value}'`);
      }
      environment[name] = value;
    }
    for (const [name, secret] of Object.entries(contract.secrets)) {
      if (name in environment) throw new Error(`${name} is both a secret and a plain environment variable`);
      if (name in secrets && secrets[name] !== secret) throw new Error(`${name} is provided by two different secrets`);
      secrets[name] = secret;
    }
  }
  return { environment, secrets };
}
