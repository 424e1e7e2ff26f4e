import { ResourceChange } from './compare';

/** A migration note: a list item of a changelog or notes file, or a commit's `BREAKING CHANGE:` footer. */
export interface MigrationNote {
  /** Where it was found, e.g. `CHANGELOG.md (Unreleased)` or `commit 1a2b3c4`. */
  readonly source: string;
  readonly text: string;
}

/**
 * The top-level list items of a Markdown text (`- `, `* ` or `1. ` at the start of a line), each with its indented
 * continuation lines: the form of a changelog entry, as commit-and-tag-version writes them too.
 */
export function markdownListItems(markdown: string, source: string): MigrationNote[] {
  return collectNotes(markdown.split(/\r?\n/), source, (line, inNote) => {
    if (/^([-*]|\d+\.)\s+/.test(line)) return { start: line };
    return inNote && (line.trim() === '' || /^\s/.test(line)) ? 'more' : 'end';
  });
}

/**
 * What a line is to `collectNotes`: the first line of a note (with the text to keep), a line of the note under way,
 * the end of the note under way, or the end of everything.
 */
export type NoteLine = { readonly start: string } | 'more' | 'end' | 'stop';

/** The notes in `lines`, each from a start line up to the next start, end or stop, as `classify` reads them. */
export function collectNotes(lines: string[], source: string, classify: (line: string, inNote: boolean) => NoteLine): MigrationNote[] {
  const notes: MigrationNote[] = [];
  let current: string[] | undefined;
  const flush = () => {
    if (current) notes.push({ source, text: current.join('\n').trim() });
    current = undefined;
  };
  for (const line of lines) {
    const kind = classify(line, current !== undefined);
    if (kind === 'stop') break;
    if (kind === 'more') {
      current?.push(line);
      continue;
    }
    flush();
    if (kind !== 'end') current = [kind.start];
  }
  flush();
  return notes;
}

/** The names a note may use for a resource: its logical id, or its construct path with or without the stack. */
export function namesOf(change: ResourceChange): string[] {
  const result = [change.logicalId];
  if (change.path) {
    result.push(change.path);
    const inStack = change.path.split('/').slice(1).join('/');
    if (inStack.includes('/')) result.push(inStack);
  }
  return result;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether a note names the resource: a whole name, not part of a longer id or path. */
export function names(note: MigrationNote, change: ResourceChange): boolean {
  return namesOf(change).some(name => new RegExp(`(?<![\\w/-])${escape(name)}(?![\\w/-])`).test(note.text));
}

/** Whether a note gives migration steps: it says how to migrate (the word "migrate" or "migration"). */
export function hasMigrationSteps(note: MigrationNote): boolean {
  return /\bmigrat(e|es|ing|ion)\b/i.test(note.text);
}

/** The first note that names the resource and says how to migrate it. */
export function noteFor(change: ResourceChange, notes: readonly MigrationNote[]): MigrationNote | undefined {
  return notes.find(note => names(note, change) && hasMigrationSteps(note));
}
