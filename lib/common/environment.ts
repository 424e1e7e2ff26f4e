import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * What a building block contributes to the Membrane containers' configuration.
 *
 * Plain values go to `environment`; anything that carries a credential goes to `secrets`,
 * which ECS injects from Secrets Manager at task start so it never appears in the template.
 */
export interface MembraneEnvironmentContract {
  /**
   * Plain (non-secret) environment variables.
   */
  readonly environment: { [name: string]: string };

  /**
   * Environment variables resolved from Secrets Manager by ECS at task start.
   */
  readonly secrets: { [name: string]: ecs.Secret };
}

/**
 * Merges environment contracts. A variable may appear in several contracts only with the same
 * value, and never both as plain environment and as a secret.
 *
 * @internal
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

/**
 * Storage as the Membrane services need it: its environment contract and a way to grant a task role
 * access. Implemented by `MembraneStorage`; implement it yourself to bring existing buckets.
 */
export interface IMembraneStorage extends IConstruct {
  /** STORAGE_PROVIDER, AWS_REGION, the three bucket names and BASE_STATIC_URI. */
  readonly environmentContract: MembraneEnvironmentContract;

  /** Lets `grantee` read and write Membrane's objects. */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant;
}

/**
 * A Redis cache as the Membrane services need it: its environment contract, its network placement and
 * security-group access. Implemented by `MembraneCache`.
 */
export interface IMembraneCache extends ec2.IConnectable, IConstruct {
  /** The URI (as a secret) and the Redis client settings. */
  readonly environmentContract: MembraneEnvironmentContract;

  /** The VPC the cache lives in; the services run in the same VPC. */
  readonly vpc: ec2.IVpc;
}
