import { RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { createGeneratedSecret } from '../../common/resources';
import { MembraneEcsServicesProps } from '../props';

const SECRET_NO_ROTATION = 'Rotating SECRET signs every user out and rotating ENCRYPTION_SECRET requires re-encrypting stored credentials '
  + '("Frequently Asked Questions" asks for a planned 90-day rotation); an unattended rotation Lambda would break running sessions and data, so '
  + 'rotation is a runbook step.';

/** `SECRET` and `ENCRYPTION_SECRET`, and which of them were generated here. */
export interface MembraneSecrets {
  readonly jwtSecret: secretsmanager.ISecret;
  readonly encryptionSecret: secretsmanager.ISecret;
  readonly generatedJwtSecret?: secretsmanager.ISecret;
  readonly generatedEncryptionSecret?: secretsmanager.ISecret;
}

/** `SECRET` and `ENCRYPTION_SECRET`: the given ones, or generated and retained (`JwtSecret`, `EncryptionSecret` in `scope`). */
export function createSecrets(scope: Construct, props: MembraneEcsServicesProps): MembraneSecrets {
  const generate = (secretId: string, description: string) => createGeneratedSecret(scope, secretId, {
    description,
    encryptionKey: props.encryptionKey,
    removalPolicy: props.secretRemovalPolicy ?? RemovalPolicy.RETAIN,
    replicaRegions: props.secretReplicaRegions,
    noRotationReason: SECRET_NO_ROTATION,
  });
  const generatedJwtSecret = props.jwtSecret ? undefined : generate('JwtSecret', 'Membrane SECRET (JWT signing)');
  const generatedEncryptionSecret = props.encryptionSecret
    ? undefined
    : generate('EncryptionSecret', 'Membrane ENCRYPTION_SECRET (credentials encryption)');
  return {
    generatedJwtSecret,
    generatedEncryptionSecret,
    jwtSecret: (props.jwtSecret ?? generatedJwtSecret)!,
    encryptionSecret: (props.encryptionSecret ?? generatedEncryptionSecret)!,
  };
}
