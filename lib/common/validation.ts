import { Annotations, Duration, Token } from 'aws-cdk-lib';
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
