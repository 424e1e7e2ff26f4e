import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { released, renamed, template, tmpBucket } from './support';
import { main } from '../../lib/upgrade/cli';

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
