import * as ecs from 'aws-cdk-lib/aws-ecs';

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
