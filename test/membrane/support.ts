import { Stack } from 'aws-cdk-lib';
import { IMembraneService, Membrane, MembraneProps } from '../../lib';
import { containerOf, membraneInputs } from '../fixtures';
import { templateOf } from '../harness';
import { testApp } from '../rule-packs';

/** The required props of `Membrane` in a stack (`membraneInputs` of test/fixtures.ts). */
export const inputs = membraneInputs;

/** A Membrane with the required props and `overrides`, in a stack of its own, and its template. */
export function build(overrides: Partial<MembraneProps> = {}, region = 'eu-central-1') {
  const stack = new Stack(testApp(), 'Test', { env: { account: '123456789012', region } });
  const membrane = new Membrane(stack, 'Membrane', { ...inputs(stack), ...overrides });
  return { stack, membrane, template: templateOf(stack) };
}

/** Environment and secrets of a service's Membrane container, in one map. */
export function env(stack: Stack, svc: IMembraneService): Record<string, unknown> {
  const { environment, secrets } = containerOf(stack, svc);
  return { ...environment, ...secrets };
}
