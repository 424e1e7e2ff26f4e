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

/** Fails unless `value` is a whole number within [min, max]; tokens are accepted as they are. */
export function requireInteger(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw propError(scope, prop, `${value} is not a whole number from ${min} to ${max}`, `Set '${prop}' to a value from ${min} to ${max}.`);
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
