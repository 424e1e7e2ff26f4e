// `npx projen upgrade-check`: the example app's templates (every stack, the us-east-1 companion included) against the
// last release's, stored in upgrade/baseline/ by `npx projen release`. Lists every resource the upgrade replaces or
// removes and fails when a stateful one has no migration note: a list item under "## Unreleased" in CHANGELOG.md, or a
// `BREAKING CHANGE:` footer of a commit since the baseline (both end up in the release's changelog section).
// `-- --update` rewrites the baseline: the release does that; by hand it hides what the next release replaces.
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { basename, join, relative } from 'path';
import { Template } from '../lib/upgrade/compare';
import { collectNotes, markdownListItems, MigrationNote } from '../lib/upgrade/notes';
import { checkUpgrade, formatReport, UpgradeCheckResult } from '../lib/upgrade/report';
import { exampleApp } from '../test/example-app';

export const ROOT = join(__dirname, '..');
export const BASELINE_DIR = join(__dirname, 'baseline');
export const CHANGELOG = join(ROOT, 'CHANGELOG.md');

export const HOW_TO_ADD_NOTE = [
  'Intended? Then tell users how to migrate, naming the resource by its logical id or construct path (e.g.',
  'Membrane/Storage/TmpBucket) and saying how to migrate it (the word "migrate" or "migration"), in one of:',
  '  - a list item under "## Unreleased" in CHANGELOG.md, or',
  '  - a "BREAKING CHANGE:" footer in the commit message (the release copies it into the changelog).',
  'Not intended? Restore the construct id or the property that causes it. See docs/upgrading.md.',
].join('\n');

/**
 * The example app's templates by stack (as cdk.out names them), with the construct paths `cdk synth` writes as
 * metadata, so that a removed resource is named by its path too.
 */
export function exampleTemplates(): Map<string, Template> {
  const saved = process.env.CDK_CONTEXT_JSON;
  // The CDK CLI hands context to the app this way; path metadata is what `cdk synth` adds by default.
  process.env.CDK_CONTEXT_JSON = JSON.stringify({ ...JSON.parse(saved ?? '{}'), 'aws:cdk:enable-path-metadata': true });
  try {
    const assembly = exampleApp().app.synth();
    return new Map(assembly.stacks.map(stack => [basename(stack.templateFile, '.template.json'), stack.template as Template]));
  } finally {
    if (saved === undefined) delete process.env.CDK_CONTEXT_JSON;
    else process.env.CDK_CONTEXT_JSON = saved;
  }
}

/** The stored templates of the last release, by stack. */
export function readBaseline(dir = BASELINE_DIR): Map<string, Template> {
  const files = existsSync(dir) ? readdirSync(dir).filter(f => f.endsWith('.template.json')).sort() : [];
  return new Map(files.map(f => [basename(f, '.template.json'), JSON.parse(readFileSync(join(dir, f), 'utf-8'))]));
}

/** Replaces the stored templates with these (the release's last step). */
export function writeBaseline(templates: Map<string, Template>, dir = BASELINE_DIR): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir).filter(name => name.endsWith('.template.json'))) rmSync(join(dir, f));
  for (const [stack, template] of templates) writeFileSync(join(dir, `${stack}.template.json`), `${JSON.stringify(template, undefined, 2)}\n`);
}

/** The body of the changelog's `## Unreleased` section: the notes for the next release. */
export function unreleasedSection(changelog: string): string {
  return /^## Unreleased[^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(changelog)?.[1] ?? '';
}

// How conventional-commits-parser 4 (the parser of commit-and-tag-version 12, which writes the changelog) reads a
// breaking-change note: it starts at a `BREAKING CHANGE:` line and takes every following line, up to a line with an
// issue reference (`#12`, after an action word like `fixes` if the line has one) or a `-field-` line.
// test/upgrade/migration-notes.test.ts runs commit-and-tag-version to hold this.
const NOTE_START = /^[\s|*]*(?:BREAKING CHANGE|BREAKING-CHANGE)[:\s]+(.*)/i;
const ACTIONS = 'close|closes|closed|fix|fixes|fixed|resolve|resolves|resolved';
const REFERENCE_SENTENCES = new RegExp(`(${ACTIONS})(?:\\s+(.*?))(?=(?:${ACTIONS})|$)`, 'gi');
const FIELD = /^-(.*?)-$/;
const hasIssueReference = (line: string) => {
  const sentences = [...line.matchAll(REFERENCE_SENTENCES)].map(match => match[2]);
  return (sentences.length ? sentences : [line]).some(sentence => /#[\w-]*\d/.test(sentence));
};

/** The `BREAKING CHANGE:` notes of a commit message, as the changelog will print them. */
export function breakingChangeNotes(message: string, source: string): MigrationNote[] {
  return collectNotes(message.split(/\r?\n/).slice(1), source, line => {
    if (FIELD.test(line)) return 'stop';
    const start = NOTE_START.exec(line);
    if (start) return { start: start[1] };
    return hasIssueReference(line) ? 'end' : 'more';
  });
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The commit that last wrote the baseline (the last release), as `<hash> <subject>`; undefined if it is not committed. */
export function baselineCommit(dir = BASELINE_DIR): string | undefined {
  try {
    return git('log', '-1', '--format=%h %s', '--', relative(ROOT, dir)).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The last release's tag (`v0.1.0`), if there is one. */
export function lastRelease(): string | undefined {
  try {
    return git('describe', '--tags', '--abbrev=0', '--match', 'v*').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `BREAKING CHANGE:` notes of the commits since the baseline was written and since the last release (the release
 * commit rewrites the baseline, but leaves it untouched when no template changed).
 */
export function commitNotesSinceBaseline(dir = BASELINE_DIR): MigrationNote[] {
  const since = baselineCommit(dir)?.split(' ')[0];
  if (!since) return [];
  const release = lastRelease();
  return git('log', '--format=%h%x00%B%x1e', `${since}..HEAD`, ...(release ? [`^${release}`] : [])).split('\x1e')
    .map(entry => entry.replace(/^\n/, ''))
    .filter(entry => entry.includes('\0'))
    .flatMap(entry => {
      const [hash, message] = entry.split('\0');
      return breakingChangeNotes(message, `commit ${hash}`);
    });
}

/** The migration notes that count for the next release. */
export function pendingNotes(changelogFile = CHANGELOG, dir = BASELINE_DIR): MigrationNote[] {
  const changelog = existsSync(changelogFile) ? readFileSync(changelogFile, 'utf-8') : '';
  return [
    ...markdownListItems(unreleasedSection(changelog), `${basename(changelogFile)} (Unreleased)`),
    ...commitNotesSinceBaseline(dir),
  ];
}

/** Compares the templates with the baseline, stack by stack (a stack the baseline lacks is new). */
export function checkAgainstBaseline(templates: Map<string, Template>, baseline: Map<string, Template>,
  notes: readonly MigrationNote[]): UpgradeCheckResult {
  const stacks = [...new Set([...baseline.keys(), ...templates.keys()])].sort();
  return checkUpgrade(stacks.map(stack => ({ stack, oldTemplate: baseline.get(stack), newTemplate: templates.get(stack) })), notes);
}

function run(args: readonly string[]): number {
  const templates = exampleTemplates();
  if (args.includes('--update')) {
    writeBaseline(templates);
    process.stdout.write(`upgrade/baseline: ${[...templates.keys()].join(', ')} written\n`);
    return 0;
  }
  const baseline = readBaseline();
  if (baseline.size === 0) {
    process.stderr.write('upgrade/baseline has no templates: `npx projen release` writes them (see docs/upgrading.md)\n');
    return 1;
  }
  process.stdout.write(`Upgrade check: the example app against upgrade/baseline (written by ${baselineCommit() ?? 'an uncommitted change'}; `
    + `last release: ${lastRelease() ?? 'none'})\n\n`);
  const result = checkAgainstBaseline(templates, baseline, pendingNotes());
  process.stdout.write(`${formatReport(result, HOW_TO_ADD_NOTE)}\n`);
  return result.uncovered.length ? 1 : 0;
}

if (require.main === module) process.exitCode = run(process.argv.slice(2));
