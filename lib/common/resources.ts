import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/**
 * A token that differs for every creation of the stack and stays the same through its updates: the UUID that ends
 * `AWS::StackId` (`arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<uuid>`). A physical name that
 * includes it does not collide with a retained resource of an earlier creation of the same stack (a rolled-back first
 * create, or a deleted stack), which fails a fixed name with "already exists".
 */
export function creationUniqueSuffix(scope: Construct): string {
  return Fn.select(2, Fn.split('/', Stack.of(scope).stackId));
}

/**
 * The last group of the stack's UUID (12 hexadecimal digits, 48 random bits), for names too short for the whole
 * `creationUniqueSuffix` (a backup vault takes 50 characters, an Atlas project 64).
 */
export function creationUniqueShortSuffix(scope: Construct): string {
  return Fn.select(4, Fn.split('-', creationUniqueSuffix(scope)));
}

/**
 * `RETAIN` as CloudFormation's `RetainExceptOnCreate` (`RETAIN_ON_UPDATE_OR_DELETE`); any other policy as it is. A
 * resource is kept on update and delete, but removed when the stack operation that created it rolls back: a failed
 * first create leaves nothing behind that bills (an Atlas cluster), collides with the retry, or fills an account quota.
 */
export function retainedExceptOnCreate(policy: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : policy;
}

/**
 * A log group (retained unless told otherwise, except when its own creation rolls back), encrypted with `encryptionKey`
 * when given (whose key policy then admits the regional CloudWatch Logs service), else with CloudWatch Logs' own keys and
 * an acknowledgement saying so.
 */
export function createLogGroup(scope: Construct, id: string, retention: logs.RetentionDays, contents: string,
  encryptionKey?: kms.IKey, removalPolicy: RemovalPolicy = RemovalPolicy.RETAIN, logGroupName?: string): logs.LogGroup {
  if (encryptionKey) {
    encryptionKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${Stack.of(scope).region}.amazonaws.com`));
  }
  const group = new logs.LogGroup(scope, id, { logGroupName, retention, encryptionKey, removalPolicy: retainedExceptOnCreate(removalPolicy) });
  if (!encryptionKey) {
    acknowledge(group, {
      id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      reason: `CloudWatch Logs encrypts ${contents} at rest with service-managed keys; pass encryptionKey to use a customer-managed key.`,
    });
  }
  return group;
}

/** Options for `createGeneratedSecret`. */
export interface GeneratedSecretOptions {
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
  readonly encryptionKey?: kms.IKey;
  /** Store the value under this JSON key instead of as the whole secret string. */
  readonly jsonKey?: string;
  /** Why the secret is not rotated automatically. */
  readonly noRotationReason: string;
  /** Regions with a read-only replica (AWS managed key there). */
  readonly replicaRegions?: string[];
}

/** A random 64-character alphanumeric secret (safe inside URIs and JSON), with its findings acknowledged. */
export function createGeneratedSecret(scope: Construct, id: string, options: GeneratedSecretOptions): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, id, {
    description: options.description,
    encryptionKey: options.encryptionKey,
    removalPolicy: retainedExceptOnCreate(options.removalPolicy),
    replicaRegions: options.replicaRegions?.map(region => ({ region })),
    generateSecretString: {
      passwordLength: 64,
      excludePunctuation: true,
      ...(options.jsonKey ? { secretStringTemplate: '{}', generateStringKey: options.jsonKey } : {}),
    },
  });
  acknowledgeSecretFindings(secret, options.noRotationReason, options.encryptionKey !== undefined);
  return secret;
}

/** Acknowledges the rotation findings (with the reason) and, without a customer-managed key, the KMS finding. */
export function acknowledgeSecretFindings(secret: secretsmanager.ISecret, noRotationReason: string, customerManagedKey: boolean): void {
  acknowledge(secret,
    { id: 'AwsSolutions-SMG4', reason: noRotationReason },
    { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason: noRotationReason },
  );
  if (!customerManagedKey) {
    acknowledge(secret, {
      id: 'NIST.800.53.R5-SecretsManagerUsingKMSKey',
      reason: 'Encrypted with the AWS managed aws/secretsmanager key by default; pass encryptionKey to use a customer-managed key.',
    });
  }
}

/**
 * Acknowledges NIST IAMNoInlinePolicy on a role whose CDK grants produced a DefaultPolicy. Call it after
 * granting; roles without grants get no acknowledgement.
 */
export function acknowledgeGrantPolicy(role: iam.IRole | undefined): void {
  if (role?.node.tryFindChild('DefaultPolicy')) {
    acknowledge(role, {
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: 'The policy holds only CDK grants to this task\'s own log groups, secrets and buckets; as a managed policy it could be attached to '
        + 'other principals.',
    });
  }
}
