import { ChangeKind, replacedOrRemoved, ResourceChange, Template } from './compare';
import { MigrationNote, noteFor } from './notes';

/** One stack's templates: the deployed (or released) one and the new one. */
export interface StackTemplates {
  readonly stack: string;
  /** Undefined for a stack the old side does not have (a new stack: nothing to compare). */
  readonly oldTemplate?: Template;
  /** Undefined for a stack the new side no longer has (all of its resources are removed). */
  readonly newTemplate?: Template;
}

/** A replaced or removed resource and the migration note that covers it, if it is stateful. */
export interface CheckedChange {
  readonly change: ResourceChange;
  readonly note?: MigrationNote;
}

/** What the guard found. */
export interface UpgradeCheckResult {
  readonly stacks: readonly string[];
  /** Stacks only the new side has. */
  readonly newStacks: readonly string[];
  readonly changes: readonly CheckedChange[];
  /** Stateful resources replaced or removed without a note naming them with migration steps: these fail the check. */
  readonly uncovered: readonly ResourceChange[];
}

/** Compares every stack and matches each stateful replacement or removal with a migration note. */
export function checkUpgrade(stacks: readonly StackTemplates[], notes: readonly MigrationNote[]): UpgradeCheckResult {
  const changes: CheckedChange[] = [];
  for (const { stack, oldTemplate, newTemplate } of stacks) {
    if (!oldTemplate) continue;
    for (const change of replacedOrRemoved(stack, oldTemplate, newTemplate)) {
      changes.push({ change, note: change.holds ? noteFor(change, notes) : undefined });
    }
  }
  return {
    stacks: stacks.map(s => s.stack),
    newStacks: stacks.filter(s => !s.oldTemplate).map(s => s.stack),
    changes,
    uncovered: changes.filter(c => c.change.holds && !c.note).map(c => c.change),
  };
}

const label = (change: ResourceChange) => `${change.path ?? '(no construct path)'} (${change.logicalId})`;

function details(change: ResourceChange): string {
  const parts: string[] = [];
  if (change.kind !== ChangeKind.REMOVED) {
    const causes = change.causes.join(', ');
    parts.push(change.causes.length ? `${causes} ${change.causes.length > 1 ? 'change' : 'changes'}` : 'a referenced resource is replaced');
  } else if (change.added.length) {
    parts.push(`the new template adds ${change.added.join(', ')} of the same type (a renamed construct id?)`);
  }
  if (change.kept) parts.push(change.kept);
  else if (change.holds) parts.push(change.kind === ChangeKind.REMOVED ? 'CloudFormation deletes it' : 'CloudFormation deletes the old one');
  if (change.type === 'AWS::ECS::TaskDefinition' && change.kind === ChangeKind.REPLACED) {
    parts.push('a new revision: the service rolls its tasks onto it, as on every upgrade');
  }
  return parts.join('; ');
}

/**
 * The guard's report: per stack, every resource replaced or removed; for a stateful one, the note that covers it or
 * the failure. `howToAddNote` says where notes go (the changelog for this repository, a notes file for a consumer).
 */
export function formatReport(result: UpgradeCheckResult, howToAddNote: string): string {
  const lines: string[] = [];
  for (const stack of result.stacks) {
    if (result.newStacks.includes(stack)) {
      lines.push(`${stack}: new stack, nothing to compare`);
      continue;
    }
    const changes = result.changes.filter(c => c.change.stack === stack);
    const count = changes.length;
    lines.push(`${stack}: ${count ? `${count} resource${count > 1 ? 's' : ''} replaced or removed` : 'nothing replaced or removed'}`);
    for (const { change, note } of changes) {
      lines.push(`  ${change.kind.padEnd(15)} ${change.type}  ${label(change)}`);
      const detail = details(change);
      if (detail) lines.push(`  ${''.padEnd(15)} ${detail}`);
      if (change.holds) {
        lines.push(`  ${''.padEnd(15)} STATEFUL: ${change.holds}. ${note ? `Migration note: ${note.source}` : 'NO migration note names it'}`);
      }
    }
  }
  lines.push('');
  const count = result.changes.length;
  if (result.uncovered.length === 0) {
    lines.push(`upgrade check passed: ${count} resource${count === 1 ? '' : 's'} replaced or removed, `
      + 'no stateful one without a migration note.');
  } else {
    lines.push(`upgrade check FAILED: ${result.uncovered.length} stateful resource${result.uncovered.length > 1 ? 's' : ''} would be replaced `
      + 'or removed without a migration note:');
    for (const change of result.uncovered) lines.push(`  ${change.stack}: ${change.type} ${change.kind}, ${label(change)}`);
    lines.push(howToAddNote);
  }
  return lines.join('\n');
}
