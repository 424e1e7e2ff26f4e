import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A CloudFormation value as cdk-nag writes it in a finding id: `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attr>`,
 * `Fn::Join` joined, strings as they are. Lets an acknowledgement name exactly the resource it is about.
 */
export function nagReference(scope: IConstruct, value: string): string {
  const visit = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const v = node as { 'Ref'?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
    if (v['Fn::Join']) return v['Fn::Join'][1].map(visit).join(v['Fn::Join'][0]);
    if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'][0]}.${v['Fn::GetAtt'][1]}>`;
    if (v.Ref) return `<${v.Ref}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}

/**
 * Acknowledges one rule-pack finding on `scope`, like `Validations.of(scope).acknowledge({ id, reason })`.
 *
 * aws-cdk-lib refuses ids with more than one `::`, yet cdk-nag names findings on literal or imported ARNs that
 * way (`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::bucket/*]`). Such an id is recorded in the same
 * metadata entry `Validations` writes, unqualified (cdk-nag strips the qualifier before it compares).
 */
export function acknowledgeFinding(scope: IConstruct, id: string, reason: string): void {
  if (id.split('::').length <= 2) {
    Validations.of(scope).acknowledge({ id, reason });
    return;
  }
  const key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY;
  const entries = scope.node.metadata.filter(m => m.type === key);
  const acknowledged = { ...(entries[entries.length - 1]?.data as Record<string, string> | undefined), [id]: reason };
  scope.node.addMetadata(key, acknowledged);
}

/**
 * The rule packs that check the same control under the same rule name as NIST 800-53 R5 (cdk-nag 3):
 * an acknowledgement of `NIST.800.53.R5-<control>` holds, with its reason, for these packs' rule too.
 */
const SAME_CONTROL: { readonly [control: string]: readonly string[] } = {
  ALBWAFEnabled: ['PCI.DSS.321'],
  CloudWatchAlarmAction: ['HIPAA.Security'],
  CloudWatchLogGroupEncrypted: ['HIPAA.Security', 'PCI.DSS.321'],
  EC2RestrictedCommonPorts: ['HIPAA.Security', 'PCI.DSS.321'],
  EC2RestrictedSSH: ['HIPAA.Security', 'PCI.DSS.321'],
  ELBDeletionProtectionEnabled: ['HIPAA.Security'],
  ELBv2ACMCertificateRequired: ['HIPAA.Security', 'PCI.DSS.321'],
  ElastiCacheRedisClusterAutomaticBackup: ['HIPAA.Security'],
  IAMNoInlinePolicy: ['HIPAA.Security', 'PCI.DSS.321'],
  S3BucketLoggingEnabled: ['HIPAA.Security', 'PCI.DSS.321'],
  S3BucketReplicationEnabled: ['HIPAA.Security', 'PCI.DSS.321'],
  S3BucketVersioningEnabled: ['HIPAA.Security', 'PCI.DSS.321'],
  S3DefaultEncryptionKMS: ['HIPAA.Security', 'PCI.DSS.321'],
  SecretsManagerRotationEnabled: ['HIPAA.Security'],
  SecretsManagerUsingKMSKey: ['HIPAA.Security', 'PCI.DSS.321'],
  VPCNoUnrestrictedRouteToIGW: ['HIPAA.Security', 'PCI.DSS.321'],
};

/** One acknowledgement: the rule id and why the finding is accepted. */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * Acknowledges rule-pack findings on `scope`, like `Validations.of(scope).acknowledge(...)`, and extends each NIST
 * 800-53 R5 acknowledgement to the HIPAA Security and PCI DSS 3.2.1 rules of the same control, with the same reason.
 */
export function acknowledge(scope: IConstruct, ...acks: Acknowledgement[]): void {
  const all = acks.flatMap(ack => {
    const control = /^NIST\.800\.53\.R5-(\w+)$/.exec(ack.id)?.[1];
    return [ack, ...(control ? SAME_CONTROL[control] ?? [] : []).map(pack => ({ id: `${pack}-${control}`, reason: ack.reason }))];
  });
  Validations.of(scope).acknowledge(...all);
}
