import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
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

/**
 * How a value given where another type belongs reads in an error: strings quoted, objects by their class. JavaScript
 * and the other jsii languages reach the props without TypeScript's checks.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string '${value}'`;
  if (typeof value !== 'object' || value === null) return `${typeof value === 'undefined' ? 'undefined' : `the ${typeof value} ${String(value)}`}`;
  if (Array.isArray(value)) return 'an array';
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return !name || name === 'Object' ? 'a plain object' : `an object of class ${name}`;
}

/**
 * Fails on a prop that an earlier release had and a later one replaced (`removed` maps each to how to say the same
 * now): the types no longer have it, so a JavaScript caller's value would be ignored and what it asked for dropped.
 */
export function refuseRemovedProps(scope: IConstruct, props: object, removed: { readonly [name: string]: string }): void {
  for (const [name, fix] of Object.entries(removed)) {
    if ((props as Record<string, unknown>)[name] === undefined) continue;
    throw propError(scope, name, 'it was replaced after 0.1.0 (see CHANGELOG.md), and ignoring it would drop what it asked for', fix);
  }
}

/** An enum-like class (its constructor is private, so only its name and prototype are reachable). */
export interface ChoiceClass {
  readonly name: string;
  readonly prototype: object;
}

/**
 * Fails unless `value` is unset or an instance of the enum-like class `choice` (a boolean or a plain object of earlier
 * props, or JavaScript, would otherwise be read as the default); `usage` lists the factory methods.
 */
export function requireChoice(scope: IConstruct, prop: string, value: unknown, choice: ChoiceClass, usage: string): void {
  if (value === undefined || (typeof value === 'object' && value !== null && Object.prototype.isPrototypeOf.call(choice.prototype, value))) return;
  throw propError(scope, prop, `${describeValue(value)} is not a ${choice.name}`, `Use ${usage}.`);
}

/** Fails unless `value` is a number (a token of a number is one); a string where a number goes names the prop. */
export function requireNumber(scope: IConstruct, prop: string, value: unknown, example: number): void {
  if (value === undefined || typeof value === 'number' || Token.isUnresolved(value)) return;
  throw propError(scope, prop, `${describeValue(value)} is not a number`, `Give a number, e.g. ${prop.split('.').pop()}: ${example}.`);
}

/** Fails unless every value given is a `Duration` (a number of milliseconds or seconds is not one). */
export function requireDurations(scope: IConstruct, durations: { [prop: string]: unknown }): void {
  for (const [prop, value] of Object.entries(durations)) {
    if (value === undefined || value instanceof Duration) continue;
    throw propError(scope, prop, `${describeValue(value)} is not a Duration`, 'Give Duration.seconds(n), Duration.minutes(n) or Duration.millis(n).');
  }
}

/**
 * Fails unless `value` is a whole number of `unit` (and at least `min` of them): the environment variable or the
 * CloudFormation property takes that unit, and aws-cdk-lib's own conversion error would not name the prop. Tokens are
 * accepted as they are.
 */
export function requireWholeDuration(scope: IConstruct, prop: string, value: Duration | undefined, unit: 'milliseconds' | 'seconds',
  min = 0, fix?: string): void {
  if (value === undefined || value.isUnresolved()) return;
  const ms = value.toMilliseconds({ integral: false });
  const step = unit === 'seconds' ? 1000 : 1;
  const shortest = Duration.millis(min * step);
  if (!Number.isInteger(ms / step) || ms < shortest.toMilliseconds()) {
    throw propError(scope, prop, Number.isInteger(ms / step) ? `${value.toHumanString()} is shorter than ${shortest.toHumanString()}`
      : `${value.toHumanString()} is not a whole number of ${unit}`,
    fix ?? `Give Duration.${unit === 'seconds' ? 'seconds' : 'millis'}(n) with a whole n${min > 0 ? ` >= ${min}` : ''}.`);
  }
}

/** Whether `value` is a Secrets Manager secret (`secretsmanager.ISecret`). */
function isSecret(value: unknown): boolean {
  const secret = value as secretsmanager.ISecret | undefined;
  return typeof secret === 'object' && secret !== null && typeof secret.secretArn === 'string' && typeof secret.grantRead === 'function';
}

/**
 * Fails unless every value given is a Secrets Manager secret (`ISecret`): a secret's name or ARN as a string, or an
 * `ecs.Secret` (a container's reference to a secret), is not one, and aws-cdk-lib would fail inside with a TypeError.
 */
export function requireSecrets(scope: IConstruct, secrets: { [prop: string]: unknown }): void {
  for (const [prop, value] of Object.entries(secrets)) {
    if (value === undefined || isSecret(value)) continue;
    const reference = value instanceof ecs.Secret
      || (typeof (value as ecs.Secret)?.arn === 'string' && typeof (value as ecs.Secret).grantRead === 'function');
    const what = reference ? 'an ecs.Secret (a container\'s reference to a secret)' : describeValue(value);
    throw propError(scope, prop, `${what} is not a Secrets Manager secret`, typeof value === 'string'
      ? `Give the secret itself: secretsmanager.Secret.fromSecretNameV2(this, '<id>', '${value}') (or fromSecretCompleteArn for an ARN).`
      : 'Give the secret itself (a secretsmanager.ISecret, e.g. secretsmanager.Secret.fromSecretNameV2): the library makes the ECS reference.');
  }
}

/** Fails unless `zone` is a Route 53 hosted zone (a zone name as a string is not one). */
export function requireHostedZone(scope: IConstruct, prop: string, zone: unknown): void {
  const candidate = zone as { zoneName?: unknown; hostedZoneId?: unknown } | undefined;
  if (zone === undefined || (typeof zone === 'object' && zone !== null && typeof candidate!.zoneName === 'string'
    && typeof candidate!.hostedZoneId === 'string')) return;
  throw propError(scope, prop, `${describeValue(zone)} is not a hosted zone`, typeof zone === 'string'
    ? `Import it: route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { zoneName: '${zone}', hostedZoneId: '<id>' }), or fromLookup.`
    : 'Give a route53.IHostedZone, e.g. route53.HostedZone.fromHostedZoneAttributes(this, \'Zone\', { zoneName, hostedZoneId }).');
}

/**
 * Fails when `key` cannot encrypt what this library stores: a key of another region (KMS keys are regional, and S3,
 * Secrets Manager, CloudWatch Logs and ElastiCache use keys of their own region only), or a key that is not a symmetric
 * encryption key (they take SYMMETRIC_DEFAULT keys only). Checked where it shows: an imported key's ARN, a key's stack, a
 * key's spec and usage. Tokens are accepted as they are.
 */
export function requireUsableKey(scope: IConstruct, prop: string, key: kms.IKey | undefined): void {
  if (key === undefined) return;
  const region = Stack.of(scope).region;
  const arnRegion = known(key.keyArn) ? /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(key.keyArn)?.[1] : undefined;
  const keyRegion = arnRegion ?? (known(key.env?.region) ? key.env.region : undefined);
  if (known(region) && keyRegion !== undefined && keyRegion !== region) {
    throw propError(scope, prop, `the key is in ${keyRegion}, but KMS keys are regional and the buckets, secrets, logs and cache of this stack `
      + `are in ${region}`, `Give a key of ${region} (a multi-Region replica key there works).`);
  }
  const cfn = key.node.defaultChild;
  if (cfn instanceof kms.CfnKey) {
    const spec = cfn.keySpec;
    const usage = cfn.keyUsage;
    if ((known(spec) && spec !== kms.KeySpec.SYMMETRIC_DEFAULT) || (known(usage) && usage !== kms.KeyUsage.ENCRYPT_DECRYPT)) {
      const kind = known(spec) && spec !== kms.KeySpec.SYMMETRIC_DEFAULT ? spec : usage;
      throw propError(scope, prop, `the key is a ${kind} key, but S3, Secrets `
        + 'Manager, CloudWatch Logs and ElastiCache encrypt with symmetric encryption keys only',
      'Give a key with keySpec KeySpec.SYMMETRIC_DEFAULT and keyUsage KeyUsage.ENCRYPT_DECRYPT (the defaults of kms.Key).');
    }
  }
}

/** Fails unless `value` is a whole number within [min, max]; tokens are accepted as they are. */
export function requireInteger(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (!known(value)) return;
  requireNumber(scope, prop, value, min);
  if (!Number.isInteger(value) || (known(min) && value < min) || (known(max) && value > max)) {
    throw propError(scope, prop, `${value} is not a whole number from ${min} to ${max}`, `Set '${prop}' to a value from ${min} to ${max}.`);
  }
}

/** Fails unless `value` is a number within [min, max]; tokens are accepted as they are. */
export function requireRange(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number, fix: string): void {
  if (!known(value)) return;
  requireNumber(scope, prop, value, min);
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
