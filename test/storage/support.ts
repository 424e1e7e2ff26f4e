import { MembraneStorage } from '../../lib';
import { templateOf } from '../harness';
import { testStack } from '../rule-packs';

/** A MembraneStorage with `props` in a stack of its own, and its template. */
export function build(props: ConstructorParameters<typeof MembraneStorage>[2] = {}) {
  const stack = testStack();
  const storage = new MembraneStorage(stack, 'Storage', props);
  return { stack, storage, template: templateOf(stack) };
}
