import { build } from './support';
import { describeCdkTest } from '../harness';
import { expectNoNagFindings } from '../rule-packs';

// MembraneScaling compliance: the rule packs and its acknowledgements.

describeCdkTest('MembraneScaling compliance', () => {
  test('passes AwsSolutions and NIST 800-53 R5 with only reasoned acknowledgements', () => {
    const { stack } = build();
    expectNoNagFindings(stack);
  });

});
