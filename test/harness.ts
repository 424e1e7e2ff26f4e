import { Stack } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { nagVerdict } from './rule-packs';
import { Membrane, MembraneCache, MembraneEcsServices, MembraneNetwork, MembraneScaling, MembraneStorage } from '../lib';

/**
 * Every stack a test inspects (through `templateOf` or `annotationsOf`) was built without an error, so the
 * library's constructs in it must also pass the rule packs. Inside `describeCdkTest`, those two functions record
 * the stack and, after each test, AwsSolutions, NIST 800-53 R5, HIPAA Security, PCI DSS 3.2.1 and MembraneChecks
 * run on each stack not checked yet. Findings on the test's own scaffolding (a bare VPC, a role or bucket made for
 * the test) are not the library's and are left out; stacks built only to see a constructor throw are never
 * inspected, so never checked. Inspections outside a `describeCdkTest` test (at collection time, or in a plain
 * `describe`) record nothing.
 */
const inspected = new Set<Stack>();
const checked = new WeakSet<Stack>();
const allowed = new WeakMap<Stack, string[]>();
let recording = false;

const LIBRARY_CONSTRUCTS = [Membrane, MembraneNetwork, MembraneStorage, MembraneCache, MembraneEcsServices, MembraneScaling];

function inspect(stack: Stack): void {
  if (recording) inspected.add(stack);
}

/**
 * `Template.fromStack(stack)`, recording `stack` for the rule-pack check after the test. Outside a test of a
 * `describeCdkTest` (at collection time, in a plain `describe`) it records nothing.
 */
export function templateOf(stack: Stack): Template {
  inspect(stack);
  return Template.fromStack(stack);
}

/** `Annotations.fromStack(stack)`, recording `stack` like `templateOf`. */
export function annotationsOf(stack: Stack): Annotations {
  inspect(stack);
  return Annotations.fromStack(stack);
}

/** Marks a stack for the rule-pack check even if the test never inspects its template. */
export function nagChecked<S extends Stack>(stack: S): S {
  inspected.add(stack);
  return stack;
}

/**
 * Declares the findings a deliberately risky configuration must raise for its user (e.g. a single-AZ cache):
 * they must occur, and nothing else may.
 */
export function expectFindings<S extends Stack>(stack: S, ...rules: string[]): S {
  allowed.set(stack, [...(allowed.get(stack) ?? []), ...rules]);
  return nagChecked(stack);
}

/** Construct paths of the library's own constructs in `stack`. */
function libraryPaths(stack: IConstruct): string[] {
  return stack.node.findAll().filter(c => LIBRARY_CONSTRUCTS.some(type => c instanceof type)).map(c => `${c.node.path}/`);
}

function check(stack: Stack): void {
  const roots = libraryPaths(stack);
  const verdict = nagVerdict(stack);
  const findings = verdict.findings.filter(f => roots.some(root => `${f.split(' at ')[1]}/`.startsWith(root)));
  const expected = allowed.get(stack) ?? [];
  const unexpected = findings.filter(f => !expected.includes(f.split(' at ')[0]));
  const missing = expected.filter(rule => !findings.some(f => f.startsWith(`${rule} at `)));
  expect({ unexpected, missing, stale: verdict.stale }).toEqual({ unexpected: [], missing: [], stale: [] });
}

/**
 * `describe`, plus: after each test, the library's constructs in every stack the test inspected pass the rule
 * packs with no unacknowledged finding and no stale acknowledgement.
 */
export function describeCdkTest(name: string, body: () => void): void {
  describe(name, () => {
    beforeAll(() => { recording = true; });
    afterAll(() => { recording = false; });
    afterEach(() => {
      const stacks = [...inspected].filter(s => !checked.has(s));
      inspected.clear();
      for (const stack of stacks) {
        checked.add(stack);
        check(stack);
      }
    });
    body();
  });
}
