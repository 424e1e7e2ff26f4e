import { duplicateNames, retainedFixedNames, retainedInDeletedParent } from './names';
import { exclusiveAssociations, replacedNames, staleSecretReads } from './replacement';
import { incompleteKmsReplication } from './replication';
import { deployedStacks, DeployedStack } from './template';
import { MembraneCacheEngine } from '../../lib';
import { exampleApp } from '../example-app';
import { FULL_STACK, fullApp, fullAppVariant } from '../full-app';
import { describeCdkTest } from '../harness';

/**
 * The deployability checks (see checks.test.ts for what each one catches) over the apps as they deploy: the
 * example app (production, development and its us-east-1 companion stack, in one account, region and hosted
 * zone) and the full app (every exposure mode, MongoDB Atlas, a worker cache, replication, backup copies and a
 * customer-managed key, in several stacks side by side). Each app is synthesized once.
 */
const APPS: Record<string, DeployedStack[]> = {
  example: deployedStacks(exampleApp().app),
  full: deployedStacks(fullApp()),
};
const STACKS = Object.entries(APPS).flatMap(([app, stacks]) => stacks.map(s => [`${app} ${s.name}`, s] as const));

describeCdkTest('deployability of the example and full apps', () => {
  test.each(Object.keys(APPS))('a: the %s app claims no name or host twice', app => {
    expect(duplicateNames(APPS[app])).toEqual([]);
  });

  test.each(STACKS)('b: %s retains no resource with a fixed name', (_name, stack) => {
    expect(retainedFixedNames(stack)).toEqual([]);
  });

  test.each(STACKS)('b: %s retains nothing inside a parent it deletes', (_name, stack) => {
    expect(retainedInDeletedParent(stack)).toEqual([]);
  });

  test.each(STACKS)('c(i): in %s each target group belongs to one load balancer', (_name, stack) => {
    expect(exclusiveAssociations(stack.name, stack.template)).toEqual([]);
  });

  test.each(STACKS)('c(ii): %s has no task definition that would keep a stale secret', (_name, stack) => {
    expect(staleSecretReads(stack.name, stack.template)).toEqual([]);
  });

  test.each(STACKS)('d: %s replicates SSE-KMS buckets whole', (_name, stack) => {
    expect(incompleteKmsReplication(stack.name, stack.template)).toEqual([]);
  });
});

describeCdkTest('deployability of an update: a changed setting replaces the dependants with their parents', () => {
  const base = APPS.full.find(s => s.name === FULL_STACK)!;
  const variants: Array<[string, DeployedStack]> = [
    ['exposure internet-facing -> internal', deployedStacks(fullAppVariant({ exposure: 'internal' })).find(s => s.name === FULL_STACK)!],
    ['cache engine valkey -> redis', deployedStacks(fullAppVariant({ engine: MembraneCacheEngine.REDIS })).find(s => s.name === FULL_STACK)!],
  ];
  // Both ways: the update to the variant, and back.
  const updates = variants.flatMap(([change, variant]) => [
    [change, base, variant] as const,
    [`${change} (back)`, variant, base] as const,
  ]);

  test.each(updates)('c(i): %s moves no target group between load balancers', (_change, before, after) => {
    expect(exclusiveAssociations(after.name, after.template, before.template)).toEqual([]);
  });

  test.each(updates)('c: %s replaces no resource that keeps its name', (_change, before, after) => {
    expect(replacedNames(before, after)).toEqual([]);
  });
});
