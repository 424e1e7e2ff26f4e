// `ts-node upgrade/release.ts next-version` (projen's bump:next-version): the version bump commit-and-tag-version
// suggests, except that the first release is 0.1.0 and that notes under "## Unreleased" (migration notes: something
// breaks) make it at least a minor release, as a `BREAKING CHANGE:` footer does while the library is 0.x.
//
// `ts-node upgrade/release.ts commit` (`npx projen release:commit`), the last step of `npx projen release` before the
// tag (projen's publish:git): after
// `bump` wrote the version and commit-and-tag-version's section for it (dist/version.txt, dist/changelog.md) and the
// build passed (the upgrade check included), it
//   1. writes the release's section into CHANGELOG.md: the notes under "## Unreleased" (migration notes written before
//      the release), then the generated Breaking changes / Features / Bug fixes; "## Unreleased" starts empty again;
//   2. stores the example app's templates as the next upgrade-check baseline (upgrade/baseline/);
//   3. commits both as `chore(release): <version>`. publish:git then tags that commit. Nothing is pushed or published.
import { execFileSync } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { BASELINE_DIR, CHANGELOG, exampleTemplates, lastRelease, ROOT, unreleasedSection, writeBaseline } from './check';

/** The comment that explains the Unreleased section; it stays when the notes move into a release. */
const UNRELEASED_GUIDE = /^\s*<!--[\s\S]*?-->\s*/;

/**
 * CHANGELOG.md with the release's section: `generated` is commit-and-tag-version's section for the version (its
 * heading first); the notes under "## Unreleased" go right below that heading. Returns the new changelog and the
 * release's section (the tag's message).
 */
export function releaseChangelog(changelog: string, generated: string): { changelog: string; section: string } {
  // commit-and-tag-version appends to an existing file: only the first (newest) section is this release's.
  const sections = generated.trim().split(/^(?=## )/m).filter(s => s.trim());
  if (!sections.length || !sections[0].startsWith('## ')) throw new Error(`no release section in the generated changelog:\n${generated}`);
  const [heading, ...body] = sections[0].trimEnd().split('\n');
  const match = /^(?<before>[\s\S]*?^## Unreleased[^\n]*\n)(?<unreleased>[\s\S]*?)(?<after>^## [\s\S]*|(?![\s\S]))/m.exec(changelog);
  if (!match?.groups) throw new Error('CHANGELOG.md has no "## Unreleased" section');
  const { before, unreleased, after } = match.groups;
  const guide = UNRELEASED_GUIDE.exec(unreleased)?.[0].trim() ?? '';
  const notes = unreleased.replace(UNRELEASED_GUIDE, '').trim();
  const section = [heading, notes, body.join('\n').trim()].filter(Boolean).join('\n\n');
  const newChangelog = [before.trimEnd(), guide, section, after.trim()].filter(Boolean).join('\n\n');
  return { changelog: `${newChangelog}\n`, section: `${section}\n` };
}

/** The notes under "## Unreleased", without the guide comment. */
export function unreleasedNotes(changelog: string): string {
  return unreleasedSection(changelog).replace(UNRELEASED_GUIDE, '').trim();
}

/** The bump to release: `suggested` is commit-and-tag-version's (major, minor, patch or none). */
export function nextVersion(suggested: string, firstRelease: boolean, notes: string): string {
  if (firstRelease) return '0.1.0';
  return notes && suggested === 'patch' ? 'minor' : suggested;
}

function release(): void {
  const dist = join(ROOT, 'dist');
  const version = readFileSync(join(dist, 'version.txt'), 'utf-8').trim();
  const { changelog, section } = releaseChangelog(readFileSync(CHANGELOG, 'utf-8'), readFileSync(join(dist, 'changelog.md'), 'utf-8'));
  writeFileSync(CHANGELOG, changelog);
  // The tag's message (publish:git tags with dist/changelog.md) gets the migration notes too.
  writeFileSync(join(dist, 'changelog.md'), section);
  writeBaseline(exampleTemplates());
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, stdio: 'inherit' });
  git('add', '--all', CHANGELOG, BASELINE_DIR);
  git('commit', '-m', `chore(release): ${version}`);
}

if (require.main === module) {
  const command = process.argv[2];
  if (command === 'next-version') {
    const notes = unreleasedNotes(readFileSync(CHANGELOG, 'utf-8'));
    process.stdout.write(nextVersion(process.env.SUGGESTED_BUMP ?? 'none', lastRelease() === undefined, notes));
  } else if (command === 'commit') {
    release();
  } else {
    throw new Error(`usage: ts-node upgrade/release.ts next-version|commit (not '${command}')`);
  }
}
