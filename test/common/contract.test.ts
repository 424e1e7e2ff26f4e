import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { mergeEnvironmentContracts } from '../../lib/common/contract';
import { testStack } from '../rule-packs';

describe('mergeEnvironmentContracts', () => {
  const stack = testStack();
  const a = ecs.Secret.fromSecretsManager(new secretsmanager.Secret(stack, 'A'));
  const b = ecs.Secret.fromSecretsManager(new secretsmanager.Secret(stack, 'B'));

  test('unions variables and secrets; the same value twice is fine', () => {
    const merged = mergeEnvironmentContracts(
      { environment: { X: '1', SHARED: 'same' }, secrets: { S1: a } },
      { environment: { Y: '2', SHARED: 'same' }, secrets: { S2: b } },
    );
    expect(merged.environment).toEqual({ X: '1', Y: '2', SHARED: 'same' });
    expect(merged.secrets).toEqual({ S1: a, S2: b });
  });

  test('rejects one variable with two values', () => {
    expect(() => mergeEnvironmentContracts({ environment: { X: '1' }, secrets: {} }, { environment: { X: '2' }, secrets: {} }))
      .toThrow("X has two different values: '1' and '2'");
  });

  test('rejects one variable both plain and secret, in either order', () => {
    expect(() => mergeEnvironmentContracts({ environment: { X: '1' }, secrets: {} }, { environment: {}, secrets: { X: a } }))
      .toThrow('X is both a secret and a plain environment variable');
    expect(() => mergeEnvironmentContracts({ environment: {}, secrets: { X: a } }, { environment: { X: '1' }, secrets: {} }))
      .toThrow('X is both a secret and a plain environment variable');
  });

  test('rejects one secret variable from two different secrets', () => {
    expect(() => mergeEnvironmentContracts({ environment: {}, secrets: { X: a } }, { environment: {}, secrets: { X: b } }))
      .toThrow('X is provided by two different secrets');
  });
});
