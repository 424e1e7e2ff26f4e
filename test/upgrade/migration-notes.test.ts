import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { check, released, renamed } from './support';
import { breakingChangeNotes, pendingNotes } from '../../upgrade/check';
import { nextVersion, releaseChangelog, unreleasedNotes } from '../../upgrade/release';

describe('upgrade check: migration notes', () => {
  test('only the Unreleased section of the changelog counts, as list items', () => {
    const dir = mkdtempSync(join(tmpdir(), 'upgrade-notes-'));
    try {
      const changelog = join(dir, 'CHANGELOG.md');
      writeFileSync(changelog, [
        '# Changelog', '', '## Unreleased', '', '<!-- guide -->', '',
        '- `Membrane/Cache/ReplicationGroup` is replaced. To migrate,', '  upgrade in place first.', '',
        'A paragraph naming `Membrane/Cache/SlowLog`, to migrate.', '',
        '## 0.1.0 (2026-11-30)', '', '- `Membrane/Storage/TmpBucket` was renamed. To migrate, copy the objects.', '',
      ].join('\n'));
      const notes = pendingNotes(changelog, join(dir, 'baseline'));
      expect(notes).toEqual([{
        source: 'CHANGELOG.md (Unreleased)', text: '- `Membrane/Cache/ReplicationGroup` is replaced. To migrate,\n  upgrade in place first.',
      }]);
      expect(check(released, renamed, notes).uncovered).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('a BREAKING CHANGE footer is read up to an issue reference, as the changelog prints it', () => {
    const message = [
      'feat(storage): rename the tmp bucket', '', 'Why it changed.', '',
      'BREAKING CHANGE: `Membrane/Storage/TmpBucket` is replaced.', 'Migration: copy the objects with `aws s3 sync`.', '',
      'Refs #12', 'after the reference',
    ].join('\n');
    expect(breakingChangeNotes(message, 'commit 1a2b3c4')).toEqual([{
      source: 'commit 1a2b3c4', text: '`Membrane/Storage/TmpBucket` is replaced.\nMigration: copy the objects with `aws s3 sync`.',
    }]);
    expect(breakingChangeNotes('fix(cache): no note\n\nBody only.', 'commit 1a2b3c4')).toEqual([]);
  });

  // The check must read the notes exactly as `npx projen release` will print them, or a note could pass the check and
  // be missing from the changelog: commit-and-tag-version (the release's changelog writer) renders the same commits.
  test('the footers it reads are the ones commit-and-tag-version writes into the changelog', () => {
    const repo = mkdtempSync(join(tmpdir(), 'upgrade-catv-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    const messages = [
      ['feat(storage): rename the tmp bucket', '', 'BREAKING CHANGE: `Membrane/Storage/TmpBucket` is replaced.', 'Migration: sync it.', '',
        'Second paragraph.', 'Refs #12', 'not in the note'],
      ['fix(cache): valkey', '', 'Body.', '', 'BREAKING-CHANGE: MembraneCacheReplicationGroup7C80D2D9 to migrate: modify in place',
        'fixes the cache, closes #3', 'not either'],
      ['chore: tidy', '', 'Nothing breaking here.'],
    ].map(lines => lines.join('\n'));
    try {
      git('init', '-q');
      writeFileSync(join(repo, 'package.json'), '{ "name": "x", "version": "0.1.0" }\n');
      git('add', '.');
      git('commit', '-q', '-m', 'chore: start');
      git('tag', 'v0.1.0');
      for (const message of messages) git('commit', '-q', '--allow-empty', '-m', message);
      const catv = require.resolve('commit-and-tag-version/bin/cli.js');
      const changelog = execFileSync(process.execPath, [catv, '--dry-run', '--skip.commit', '--skip.tag'], { cwd: repo, encoding: 'utf-8' });
      const breaking = /### ⚠ BREAKING CHANGES\n([\s\S]*?)\n### /.exec(changelog)?.[1] ?? '';
      const notes = messages.flatMap(message => breakingChangeNotes(message, 'commit'));
      expect(notes.map(n => n.text)).toEqual([
        '`Membrane/Storage/TmpBucket` is replaced.\nMigration: sync it.\n\nSecond paragraph.',
        'MembraneCacheReplicationGroup7C80D2D9 to migrate: modify in place',
      ]);
      for (const n of notes) expect(breaking).toContain(n.text);
      expect(breaking).not.toContain('not in the note');
      expect(breaking).not.toContain('not either');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('release changelog', () => {
  const changelog = [
    '# Changelog', '', 'Intro.', '', '## Unreleased', '', '<!-- guide -->', '', '- `Membrane/Storage/TmpBucket` is replaced. To migrate, sync.', '',
    '## 0.1.0 (2026-11-30)', '', '### Features', '', '* first', '',
  ].join('\n');

  test('the release section gets the Unreleased notes below its heading, and Unreleased starts empty with its guide', () => {
    const generated = '\n## [0.2.0](https://github.com/org/membrane-cdk/compare/v0.1.0...v0.2.0) (2026-12-01)\n\n\n### Bug Fixes\n\n* **cache:** fix\n';
    const { changelog: next, section } = releaseChangelog(changelog, generated);
    expect(section).toBe([
      '## [0.2.0](https://github.com/org/membrane-cdk/compare/v0.1.0...v0.2.0) (2026-12-01)', '',
      '- `Membrane/Storage/TmpBucket` is replaced. To migrate, sync.', '', '### Bug Fixes', '', '* **cache:** fix', '',
    ].join('\n'));
    expect(next).toBe(['# Changelog', '', 'Intro.', '', '## Unreleased', '', '<!-- guide -->', '', section.trimEnd(), '',
      '## 0.1.0 (2026-11-30)', '', '### Features', '', '* first', ''].join('\n'));
  });

  test('the first release is 0.1.0; migration notes under Unreleased make a patch release a minor one', () => {
    expect(nextVersion('none', true, '')).toBe('0.1.0');
    expect(nextVersion('patch', false, '')).toBe('patch');
    expect(nextVersion('minor', false, '')).toBe('minor');
    const notes = unreleasedNotes(changelog);
    expect(notes).toBe('- `Membrane/Storage/TmpBucket` is replaced. To migrate, sync.');
    expect(nextVersion('patch', false, notes)).toBe('minor');
    expect(unreleasedNotes(changelog.replace(/- `Membrane[^\n]*\n/, ''))).toBe('');
  });

  test('without an Unreleased section the release stops', () => {
    expect(() => releaseChangelog('# Changelog\n', '## 0.2.0 (2026-12-01)\n')).toThrow(/no "## Unreleased" section/);
  });
});
