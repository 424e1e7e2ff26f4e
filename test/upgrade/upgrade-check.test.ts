import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from '../../lib/upgrade/cli';
import { ChangeKind, STATEFUL_RESOURCE_TYPES, Template, TemplateResource } from '../../lib/upgrade/compare';
import { markdownListItems, MigrationNote } from '../../lib/upgrade/notes';
import { checkUpgrade, formatReport } from '../../lib/upgrade/report';
import { breakingChangeNotes, checkAgainstBaseline, exampleTemplates, HOW_TO_ADD_NOTE, pendingNotes } from '../../upgrade/check';
import { nextVersion, releaseChangelog, unreleasedNotes } from '../../upgrade/release';

/** A resource as `cdk synth` writes it: its construct path in the metadata. */
function resource(type: string, path: string, properties: Record<string, unknown> = {}, policy?: string): TemplateResource {
  return {
    Type: type,
    Properties: properties,
    ...(policy ? { DeletionPolicy: policy, UpdateReplacePolicy: policy } : {}),
    Metadata: { 'aws:cdk:path': `Consumer/${path}/Resource` },
  };
}
const template = (resources: Record<string, TemplateResource>): Template => ({ Resources: resources });
const check = (oldTemplate: Template, newTemplate: Template | undefined, notes: MigrationNote[] = []) =>
  checkUpgrade([{ stack: 'Consumer', oldTemplate, newTemplate }], notes);
const note = (text: string): MigrationNote => ({ source: 'CHANGELOG.md (Unreleased)', text });

const tmpBucket = resource('AWS::S3::Bucket', 'Membrane/Storage/TmpBucket', { VersioningConfiguration: { Status: 'Enabled' } }, 'Retain');
const securityGroup = resource('AWS::EC2::SecurityGroup', 'Membrane/Services/Api/SecurityGroup', { GroupDescription: 'api' });
const released = template({ MembraneStorageTmpBucketA1B2C3D4: tmpBucket, MembraneServicesApiSecurityGroup0A1B2C3D: securityGroup });
// What renaming the bucket's construct id (TmpBucket -> TemporaryBucket) does to the template.
const renamed = template({
  MembraneStorageTemporaryBucketE5F6A7B8: resource('AWS::S3::Bucket', 'Membrane/Storage/TemporaryBucket', tmpBucket.Properties, 'Retain'),
  MembraneServicesApiSecurityGroup0A1B2C3D: securityGroup,
});

describe('upgrade check: which resources an upgrade replaces or removes', () => {
  test('a renamed construct id of a bucket fails the check, naming the bucket by construct path and logical id', () => {
    const result = check(released, renamed);
    expect(result.uncovered).toEqual([expect.objectContaining({
      logicalId: 'MembraneStorageTmpBucketA1B2C3D4',
      path: 'Consumer/Membrane/Storage/TmpBucket',
      kind: ChangeKind.REMOVED,
      added: ['MembraneStorageTemporaryBucketE5F6A7B8'],
      kept: 'the old one stays in the account (DeletionPolicy Retain)',
    })]);
    const report = formatReport(result, HOW_TO_ADD_NOTE);
    expect(report).toContain('upgrade check FAILED: 1 stateful resource would be replaced or removed without a migration note');
    expect(report).toContain('Consumer: AWS::S3::Bucket removed, Consumer/Membrane/Storage/TmpBucket (MembraneStorageTmpBucketA1B2C3D4)');
    expect(report).toContain('adds MembraneStorageTemporaryBucketE5F6A7B8 of the same type (a renamed construct id?)');
  });

  test.each([
    ['the construct path without the stack', '- `Membrane/Storage/TmpBucket` is now `Membrane/Storage/TemporaryBucket`. To migrate, copy it.'],
    ['the full construct path', '- Consumer/Membrane/Storage/TmpBucket is replaced; migration: `aws s3 sync s3://<old> s3://<new>`.'],
    ['the logical id', '- MembraneStorageTmpBucketA1B2C3D4 is renamed.\n  Migration steps: copy the objects before deploying.'],
  ])('a changelog entry naming it by %s with migration steps lets it pass', (_, entry) => {
    const result = check(released, renamed, markdownListItems(entry, 'CHANGELOG.md (Unreleased)'));
    expect(result.uncovered).toEqual([]);
    expect(formatReport(result, HOW_TO_ADD_NOTE)).toContain('Migration note: CHANGELOG.md (Unreleased)');
  });

  test('an entry naming it without migration steps, or naming a longer id, does not let it pass', () => {
    expect(check(released, renamed, [note('`Membrane/Storage/TmpBucket` is renamed.')]).uncovered).toHaveLength(1);
    expect(check(released, renamed, [note('`Membrane/Storage/TmpBucketPolicy` is replaced. To migrate, nothing.')]).uncovered)
      .toHaveLength(1);
    expect(check(released, renamed, [note('`Storage/TmpBucket` is replaced. To migrate, copy the objects.')]).uncovered).toHaveLength(1);
  });

  test('a stateless replacement is listed with the property that causes it, and passes', () => {
    const result = check(released, template({
      MembraneStorageTmpBucketA1B2C3D4: tmpBucket,
      MembraneServicesApiSecurityGroup0A1B2C3D: { ...securityGroup, Properties: { GroupDescription: 'the API service' } },
    }));
    expect(result.changes).toEqual([expect.objectContaining({
      change: expect.objectContaining({
        logicalId: 'MembraneServicesApiSecurityGroup0A1B2C3D',
        kind: ChangeKind.REPLACED,
        causes: ['GroupDescription'],
      }),
    })]);
    expect(result.uncovered).toEqual([]);
    const report = formatReport(result, HOW_TO_ADD_NOTE);
    expect(report).toMatch(/replaced +AWS::EC2::SecurityGroup {2}Consumer\/Membrane\/Services\/Api\/SecurityGroup/);
    expect(report).toContain('GroupDescription changes');
    expect(report).toContain('upgrade check passed: 1 resource replaced or removed');
  });

  test('a property change that replaces a stateful resource fails, and says the old one is kept', () => {
    const result = check(released, template({
      MembraneStorageTmpBucketA1B2C3D4: { ...tmpBucket, Properties: { ...tmpBucket.Properties, BucketName: 'membrane-tmp' } },
      MembraneServicesApiSecurityGroup0A1B2C3D: securityGroup,
    }));
    expect(result.uncovered).toEqual([expect.objectContaining({
      logicalId: 'MembraneStorageTmpBucketA1B2C3D4',
      kind: ChangeKind.REPLACED,
      causes: ['BucketName'],
      kept: 'the old one stays in the account (UpdateReplacePolicy Retain)',
    })]);
  });

  test('an ECS service with Service Connect that would be replaced fails: CloudFormation cannot create its replacement', () => {
    const service = (props: Record<string, unknown>) => resource('AWS::ECS::Service', 'Membrane/Services/Worker/Service', {
      Cluster: 'c', TaskDefinition: 't', ServiceConnectConfiguration: { Enabled: true, Namespace: 'n' }, ...props,
    });
    const before = template({ MembraneServicesWorkerService0A1B2C3D: service({ LaunchType: 'FARGATE' }) });
    // Moving to Fargate Spot drops LaunchType, which the resource specification says replaces the service.
    const spot = template({
      MembraneServicesWorkerService0A1B2C3D: service({ CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] }),
    });
    expect(check(before, spot).uncovered).toEqual([expect.objectContaining({
      logicalId: 'MembraneServicesWorkerService0A1B2C3D',
      kind: ChangeKind.REPLACED,
      causes: ['LaunchType'],
      holds: expect.stringMatching(/Service Connect names are still the old service's: the update fails/),
    })]);
    expect(check(before, spot, [note('`Membrane/Services/Worker/Service`: migration: recreate the service')]).uncovered).toEqual([]);
    // Without Service Connect, a replaced service is only listed.
    const plain = (props: Record<string, unknown>) => resource('AWS::ECS::Service', 'Membrane/Services/Worker/Service', { Cluster: 'c', ...props });
    expect(check(template({ S: plain({ LaunchType: 'FARGATE' }) }), template({ S: plain({}) })).uncovered).toEqual([]);
  });

  test('an in-place update is not listed', () => {
    const result = check(released, template({
      MembraneStorageTmpBucketA1B2C3D4: { ...tmpBucket, Properties: { VersioningConfiguration: { Status: 'Suspended' } } },
      MembraneServicesApiSecurityGroup0A1B2C3D: securityGroup,
    }));
    expect(result.changes).toEqual([]);
  });

  test('removing a stateful resource fails; one that is deleted says nothing is kept', () => {
    const logGroup = resource('AWS::Logs::LogGroup', 'Membrane/Cache/SlowLog', { RetentionInDays: 30 }, 'Delete');
    const result = check(template({ ...released.Resources, MembraneCacheSlowLog1A2B3C4D: logGroup }), released);
    expect(result.uncovered).toEqual([expect.objectContaining({ logicalId: 'MembraneCacheSlowLog1A2B3C4D', kind: ChangeKind.REMOVED, added: [] })]);
    expect(result.uncovered[0].kept).toBeUndefined();
  });

  test('a stack that is no longer there removes all of its resources', () => {
    const result = checkUpgrade([{ stack: 'Gone', oldTemplate: released }, { stack: 'New', newTemplate: released }], []);
    expect(result.uncovered.map(c => c.logicalId)).toEqual(['MembraneStorageTmpBucketA1B2C3D4']);
    expect(result.changes).toHaveLength(2);
    expect(formatReport(result, HOW_TO_ADD_NOTE)).toContain('New: new stack, nothing to compare');
  });

  // The list: bucket, cache, secret, KMS key, backup vault or plan, log group, Atlas project or cluster,
  // Elastic IP, Service Connect namespace.
  test.each([
    'AWS::S3::Bucket', 'AWS::ElastiCache::ReplicationGroup', 'AWS::SecretsManager::Secret', 'AWS::KMS::Key', 'AWS::Backup::BackupVault',
    'AWS::Backup::BackupPlan', 'AWS::Logs::LogGroup', 'MongoDB::Atlas::Project', 'MongoDB::Atlas::Cluster', 'AWS::EC2::EIP',
    'AWS::ServiceDiscovery::HttpNamespace',
  ])('removing %s fails', type => {
    expect(STATEFUL_RESOURCE_TYPES[type]).toBeDefined();
    const result = check(template({ Stateful: resource(type, 'Membrane/Stateful') }), template({}));
    expect(result.uncovered.map(c => c.logicalId)).toEqual(['Stateful']);
  });
});

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

describe('membrane-upgrade-check (the consumer command)', () => {
  let dir: string;
  let output: string;
  const run = (...args: string[]) => {
    output = '';
    return main(args, text => {
      output += text;
    });
  };
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'upgrade-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true }));

  test('the same template passes', () => {
    expect(run('--old', file('deployed.json', released), '--new', file('Membrane.template.json', released))).toBe(0);
    expect(output).toContain('Membrane: nothing replaced or removed');
  });

  test('a replaced bucket fails naming it; a notes file naming it with migration steps lets it pass', () => {
    const replaced = template({ ...released.Resources, MembraneStorageTmpBucketA1B2C3D4: { ...tmpBucket, Properties: { BucketName: 'tmp' } } });
    // The whole `aws cloudformation get-template` answer, as CI may save it.
    const deployed = file('deployed.json', { TemplateBody: released, StagesAvailable: ['Original', 'Processed'] });
    const next = file('cdk.out/Membrane.template.json', replaced);
    expect(run('--old', deployed, '--new', next)).toBe(1);
    expect(output).toContain('Membrane: AWS::S3::Bucket replaced, Consumer/Membrane/Storage/TmpBucket (MembraneStorageTmpBucketA1B2C3D4)');
    const notes = file('UPGRADE-NOTES.md', '# Upgrade notes\n\n- MembraneStorageTmpBucketA1B2C3D4: migrate by copying the objects first.\n');
    expect(run('--old', deployed, `--new=${next}`, '--notes', notes)).toBe(0);
    expect(output).toContain(`Migration note: ${notes}`);
  });

  test('directories are paired by stack name, like cdk.out', () => {
    file('deployed/Membrane.template.json', released);
    file('deployed/Gone.template.json', released);
    file('cdk.out/Membrane.template.json', renamed);
    expect(run('--old', join(dir, 'deployed'), '--new', join(dir, 'cdk.out'))).toBe(1);
    expect(output).toContain('Gone: AWS::S3::Bucket removed');
    expect(output).toContain('Membrane: AWS::S3::Bucket removed');
  });

  test.each([
    [['--old', 'x.json'], /give --new once/],
    [['--old', 'missing.json', '--new', 'missing.json'], /missing.json: no such file or directory/],
    [['--bogus'], /unknown argument '--bogus'/],
  ])('bad arguments exit with 2 and the usage: %j', (args, message) => {
    expect(run(...args)).toBe(2);
    expect(output).toMatch(message);
    expect(output).toContain('Usage: membrane-upgrade-check');
  });

  test('a YAML template body or a file that is no template exits with 2', () => {
    expect(run('--old', file('yaml.json', { TemplateBody: 'Resources: {}' }), '--new', file('new.json', released))).toBe(2);
    expect(output).toContain('the TemplateBody is not JSON');
    expect(run('--old', file('other.json', { name: 'x' }), '--new', file('new.json', released))).toBe(2);
    expect(output).toContain('not a CloudFormation template');
  });
});

describe('upgrade check of the example app (one real synthesis)', () => {
  let templates: Map<string, Template>;
  beforeAll(() => {
    templates = exampleTemplates();
  });

  test('every stack of the example app is compared, with construct paths, the us-east-1 companion included', () => {
    expect(templates.size).toBeGreaterThanOrEqual(3);
    const regions = [...templates.values()].map(t => JSON.stringify(t).includes('us-east-1'));
    expect(regions).toContain(true);
    for (const t of templates.values()) {
      for (const r of Object.values(t.Resources ?? {})) expect(r.Metadata?.['aws:cdk:path']).toEqual(expect.any(String));
    }
    const unchanged = checkAgainstBaseline(templates, templates, []);
    expect(unchanged.changes).toEqual([]);
  });

  test('a renamed construct id of the production tmp bucket fails naming it; a changelog entry lets it pass', () => {
    const production = templates.get('Membrane')!;
    const [logicalId] = Object.entries(production.Resources!)
      .find(([, r]) => r.Type === 'AWS::S3::Bucket' && r.Metadata?.['aws:cdk:path'] === 'Membrane/Membrane/Storage/TmpBucket/Resource')!;
    const next = new Map(templates);
    next.set('Membrane', JSON.parse(JSON.stringify(production)
      .replace(new RegExp(logicalId, 'g'), 'MembraneStorageTemporaryBucket0A1B2C3D')
      .replace('"Membrane/Membrane/Storage/TmpBucket/Resource"', '"Membrane/Membrane/Storage/TemporaryBucket/Resource"')));

    const failed = checkAgainstBaseline(next, templates, []);
    expect(failed.uncovered).toEqual([expect.objectContaining({ stack: 'Membrane', logicalId, path: 'Membrane/Membrane/Storage/TmpBucket' })]);
    expect(formatReport(failed, HOW_TO_ADD_NOTE)).toContain(`Membrane: AWS::S3::Bucket removed, Membrane/Membrane/Storage/TmpBucket (${logicalId})`);

    const entry = markdownListItems('- `Membrane/Storage/TmpBucket` is now `TemporaryBucket`. To migrate, copy its objects first.', 'CHANGELOG.md');
    expect(checkAgainstBaseline(next, templates, entry).uncovered).toEqual([]);
  });
});

// The stored baseline is what the release wrote: valid templates of the example app's stacks.
test('the stored baseline holds a template per example stack', () => {
  const dir = join(__dirname, '..', '..', 'upgrade', 'baseline');
  for (const stack of ['Membrane', 'MembraneDev']) {
    expect(JSON.parse(readFileSync(join(dir, `${stack}.template.json`), 'utf-8')).Resources).toEqual(expect.any(Object));
  }
});
