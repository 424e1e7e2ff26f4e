import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';

/** Namespace of every warning this library emits, so users can acknowledge them precisely. */
export const WARNING_NAMESPACE = '@org/membrane-cdk';

/**
 * Builds the synth-time error for a bad prop: it names the construct, the prop, what is wrong and the fix.
 */
export function propError(scope: IConstruct, prop: string, problem: string, fix: string): Error {
  return new Error(`${scope.node.path}: invalid '${prop}': ${problem}. ${fix}`);
}

/** Adds a namespaced, acknowledgeable warning for a risky-but-legal choice. */
export function warn(scope: IConstruct, id: string, message: string): void {
  Annotations.of(scope).addWarningV2(`${WARNING_NAMESPACE}:${id}`, message);
}

/**
 * Whether a prop's value is known at synth time. Every numeric or pattern check (and every warning) goes
 * through it: a token (a CloudFormation parameter, an attribute, a `Lazy`) is accepted as it is and never
 * compared, because aws-cdk-lib encodes a number token as a huge negative number.
 */
export function known<T>(value: T | undefined): value is T {
  return value !== undefined && !Token.isUnresolved(value);
}

/**
 * Fails when a required prop is missing: TypeScript checks that, but JavaScript and the other jsii languages
 * do not, and a missing prop would otherwise surface as `Cannot read properties of undefined` or, worse, as
 * tasks that can never start.
 */
export function requireProps<T extends object>(scope: IConstruct, props: T | undefined, names: Array<keyof T & string>, prefix = ''): void {
  for (const name of names) {
    if (props?.[name] === undefined || props[name] === null) {
      throw propError(scope, `${prefix}${name}`, 'it is required', `Give ${prefix}${name}; see its documentation in API.md.`);
    }
  }
}

/** Fails unless `value` is a whole number within [min, max]; tokens are accepted as they are. */
export function requireInteger(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (!known(value)) return;
  if (!Number.isInteger(value) || (known(min) && value < min) || (known(max) && value > max)) {
    throw propError(scope, prop, `${value} is not a whole number from ${min} to ${max}`, `Set '${prop}' to a value from ${min} to ${max}.`);
  }
}

/** Fails unless `value` is a number within [min, max]; tokens are accepted as they are. */
export function requireRange(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number, fix: string): void {
  if (!known(value)) return;
  if (!(value >= min && value <= max)) {
    throw propError(scope, prop, `${value} is outside ${min} to ${max}`, fix);
  }
}

/** Fails when both bounds are known and `low` is above `high`. */
export function requireOrdered(scope: IConstruct, prop: string, low: number | undefined, highProp: string, high: number | undefined,
  fix: string): void {
  if (known(low) && known(high) && low > high) {
    throw propError(scope, prop, `${low} is above ${highProp} ${high}`, fix);
  }
}

/** Fails unless `value` is a whole number of days of at least `minDays`; tokens are accepted as they are. */
export function requireWholeDays(scope: IConstruct, prop: string, value: Duration | undefined, minDays: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < minDays) {
    throw propError(scope, prop, `${value.toHumanString()} is not a whole number of days of at least ${minDays}`,
      `Use Duration.days(n) with n >= ${minDays}.`);
  }
}

/**
 * Warns when a secret imported by name has a name that ends like the random suffix of a secret ARN
 * (`-` and six characters, e.g. `membrane/auth0-client-secret`): Secrets Manager then reads the name as a complete
 * ARN, the `-??????` pattern of the granted policy never matches, and the tasks cannot start.
 */
export function warnOnSuffixLikeSecretName(scope: IConstruct, prop: string, secret: secretsmanager.ISecret | undefined): void {
  if (!secret || secret.secretFullArn !== undefined || !known(secret.secretName)) return;
  if (/-[A-Za-z0-9]{6}$/.test(secret.secretName)) {
    warn(scope, 'secretNameLikeArnSuffix', `${prop}: the secret name '${secret.secretName}' ends in '-' and six characters, which Secrets Manager `
      + 'reads as the random suffix of a complete ARN, so the task execution role\'s grant would not match. Rename the secret, or import it '
      + 'with secretsmanager.Secret.fromSecretCompleteArn.');
  }
}

/**
 * Whether `cidr` is an IPv4 CIDR block: four octets from 0 to 255 and a mask from `minMask` to 32, e.g. '203.0.113.0/24'.
 * (ec2.Peer.ipv4 accepts any mask, e.g. /33, which EC2 refuses at deployment.)
 */
export function isIpv4Cidr(cidr: string, minMask = 0): boolean {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return false;
  const mask = Number(match[5]);
  return match.slice(1, 5).every(octet => Number(octet) <= 255) && mask >= minMask && mask <= 32;
}

/** Whether `cidr` is an IPv6 CIDR block: up to eight groups of hexadecimal digits (one `::` at most) and a mask from 0 to 128. */
export function isIpv6Cidr(cidr: string): boolean {
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(cidr);
  if (!match || Number(match[2]) > 128) return false;
  const halves = match[1].split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap(half => (half === '' ? [] : half.split(':')));
  return groups.every(group => /^[0-9a-fA-F]{1,4}$/.test(group)) && (halves.length === 2 ? groups.length < 8 : groups.length === 8);
}
