import { readFileSync } from 'fs';
import { join } from 'path';
import { check, note, released, renamed, resource, securityGroup, template, tmpBucket } from './support';
import { ChangeKind, STATEFUL_RESOURCE_TYPES, Template } from '../../lib/upgrade/compare';
import { markdownListItems } from '../../lib/upgrade/notes';
import { checkUpgrade, formatReport } from '../../lib/upgrade/report';
import { checkAgainstBaseline, exampleTemplates, HOW_TO_ADD_NOTE } from '../../upgrade/check';

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
