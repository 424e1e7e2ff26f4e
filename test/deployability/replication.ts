import { CfnTemplate, resourceRefs, valuesAt } from './template';

type Statement = { Effect?: string; Action?: string | string[]; Resource?: unknown };

/** The policy statements that apply to role `roleId`: its inline policies and the policies attached to it. */
function statementsOf(template: CfnTemplate, roleId: string): Statement[] {
  const role = template.Resources[roleId];
  const inline = valuesAt(role.Properties, ['Policies', '*', 'PolicyDocument', 'Statement']);
  const attached = Object.values(template.Resources)
    .filter(r => ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy'].includes(r.Type))
    .filter(r => resourceRefs([r.Properties?.Roles, r.Properties?.RoleName], template).some(ref => ref.id === roleId))
    .flatMap(r => valuesAt(r.Properties, ['PolicyDocument', 'Statement']));
  return [...inline, ...attached].flatMap(s => (Array.isArray(s) ? s : [s])) as Statement[];
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

/** Whether a resource of a statement names `key`: `*`, the same value, or a reference to the same key resource. */
function names(resource: unknown, key: unknown, template: CfnTemplate): boolean {
  if (resource === '*') return true;
  if (JSON.stringify(resource) === JSON.stringify(key)) return true;
  const a = resourceRefs(resource, template).map(r => r.id);
  const b = resourceRefs(key, template).map(r => r.id);
  return a.length === 1 && b.length === 1 && a[0] === b[0] && template.Resources[a[0]].Type === 'AWS::KMS::Key';
}

/** A value as a list of parts: `Fn::Join` with '' flattened, neighbouring strings merged, other intrinsics as they are. */
function parts(value: unknown): unknown[] {
  const join = (value as Record<string, unknown> | undefined)?.['Fn::Join'];
  const flat = Array.isArray(join) && join[0] === '' && Array.isArray(join[1]) ? (join[1] as unknown[]).flatMap(parts) : [value];
  return flat.reduce<unknown[]>((merged, part) => {
    const last = merged.length - 1;
    if (typeof part === 'string' && typeof merged[last] === 'string') merged[last] = `${merged[last]}${part}`;
    else merged.push(part);
    return merged;
  }, []);
}

/**
 * The key an alias ARN (`arn:...:alias/<name>`) stands for, when the template creates that alias: its `TargetKeyId`.
 * IAM does not match alias ARNs in a policy's `Resource`, so a grant names the key itself.
 */
function keyBehindAlias(key: unknown, template: CfnTemplate): unknown {
  const keyParts = parts(key);
  const at = keyParts.findIndex(p => typeof p === 'string' && p.includes(':alias/'));
  if (at < 0) return key;
  const aliasName = JSON.stringify([(keyParts[at] as string).slice((keyParts[at] as string).indexOf(':alias/') + 1), ...keyParts.slice(at + 1)]);
  const alias = Object.values(template.Resources)
    .find(r => r.Type === 'AWS::KMS::Alias' && JSON.stringify(parts(r.Properties?.AliasName)) === aliasName);
  return alias?.Properties?.TargetKeyId ?? key;
}

function allows(statements: Statement[], action: string, key: unknown, template: CfnTemplate): boolean {
  const target = keyBehindAlias(key, template);
  return statements.some(s => s.Effect === 'Allow'
    && [s.Action ?? []].flat().some(a => glob(a).test(action))
    && [s.Resource ?? []].flat().some(r => names(r, target, template)));
}

/**
 * Check d: S3 replication of a bucket encrypted with SSE-KMS (or DSSE-KMS) under a key of its own is configured
 * whole. S3 skips objects encrypted with AWS KMS unless the rule opts in with
 * `SourceSelectionCriteria.SseKmsEncryptedObjects`, needs `Destination.EncryptionConfiguration.ReplicaKmsKeyID` to
 * encrypt the replicas, and the replication role must be allowed `kms:Decrypt` on the source key and `kms:Encrypt`
 * on the replica key (Amazon S3 User Guide, "Replicating encrypted objects (SSE-C, SSE-S3, SSE-KMS, DSSE-KMS)").
 * A role that is not in the template is not checked.
 */
export function incompleteKmsReplication(stack: string, template: CfnTemplate): string[] {
  const findings: string[] = [];
  for (const [id, bucket] of Object.entries(template.Resources)) {
    const config = bucket.Properties?.ReplicationConfiguration as { Role?: unknown; Rules?: Array<Record<string, unknown>> } | undefined;
    if (bucket.Type !== 'AWS::S3::Bucket' || !config) continue;
    const keys = valuesAt(bucket.Properties, ['BucketEncryption', 'ServerSideEncryptionConfiguration', '*', 'ServerSideEncryptionByDefault'])
      .map(d => d as { SSEAlgorithm?: string; KMSMasterKeyID?: unknown })
      .filter(d => (d.SSEAlgorithm ?? '').startsWith('aws:kms') && d.KMSMasterKeyID !== undefined)
      .map(d => d.KMSMasterKeyID);
    if (keys.length === 0) continue;
    const at = `${stack}/${id} (AWS::S3::Bucket, SSE-KMS)`;
    const roles = resourceRefs(config.Role, template).map(r => r.id).filter(r => template.Resources[r].Type === 'AWS::IAM::Role');
    const statements = roles.flatMap(r => statementsOf(template, r));
    for (const key of keys) {
      if (roles.length > 0 && !allows(statements, 'kms:Decrypt', key, template)) {
        findings.push(`${at}: the replication role ${roles.join(', ')} may not kms:Decrypt with the bucket key ${JSON.stringify(key)}`);
      }
    }
    (config.Rules ?? []).forEach((rule, i) => {
      const name = `rule ${rule.Id ?? i}`;
      if (valuesAt(rule, ['SourceSelectionCriteria', 'SseKmsEncryptedObjects', 'Status'])[0] !== 'Enabled') {
        findings.push(`${at}: ${name} lacks SourceSelectionCriteria.SseKmsEncryptedObjects.Status Enabled, `
          + 'so S3 replicates none of its SSE-KMS objects');
      }
      const replicaKey = valuesAt(rule, ['Destination', 'EncryptionConfiguration', 'ReplicaKmsKeyID'])[0];
      if (replicaKey === undefined) {
        findings.push(`${at}: ${name} lacks Destination.EncryptionConfiguration.ReplicaKmsKeyID, the key S3 encrypts the replicas with`);
      } else if (roles.length > 0 && !allows(statements, 'kms:Encrypt', replicaKey, template)) {
        const role = roles.join(', ');
        findings.push(`${at}: the replication role ${role} may not kms:Encrypt with the replica key ${JSON.stringify(replicaKey)} of ${name}`);
      }
    });
  }
  return findings;
}
