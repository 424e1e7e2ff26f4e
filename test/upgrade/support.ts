import { Template, TemplateResource } from '../../lib/upgrade/compare';
import { MigrationNote } from '../../lib/upgrade/notes';
import { checkUpgrade } from '../../lib/upgrade/report';

/** A resource as `cdk synth` writes it: its construct path in the metadata. */
export function resource(type: string, path: string, properties: Record<string, unknown> = {}, policy?: string): TemplateResource {
  return {
    Type: type,
    Properties: properties,
    ...(policy ? { DeletionPolicy: policy, UpdateReplacePolicy: policy } : {}),
    Metadata: { 'aws:cdk:path': `Consumer/${path}/Resource` },
  };
}
export const template = (resources: Record<string, TemplateResource>): Template => ({ Resources: resources });
export const check = (oldTemplate: Template, newTemplate: Template | undefined, notes: MigrationNote[] = []) =>
  checkUpgrade([{ stack: 'Consumer', oldTemplate, newTemplate }], notes);
export const note = (text: string): MigrationNote => ({ source: 'CHANGELOG.md (Unreleased)', text });

/** A released template of two resources, a retained bucket and a security group, and the same after a rename. */
export const tmpBucket = resource('AWS::S3::Bucket', 'Membrane/Storage/TmpBucket', { VersioningConfiguration: { Status: 'Enabled' } }, 'Retain');
export const securityGroup = resource('AWS::EC2::SecurityGroup', 'Membrane/Services/Api/SecurityGroup', { GroupDescription: 'api' });
export const released = template({ MembraneStorageTmpBucketA1B2C3D4: tmpBucket, MembraneServicesApiSecurityGroup0A1B2C3D: securityGroup });
// What renaming the bucket's construct id (TmpBucket -> TemporaryBucket) does to the template.
export const renamed = template({
  MembraneStorageTemporaryBucketE5F6A7B8: resource('AWS::S3::Bucket', 'Membrane/Storage/TemporaryBucket', tmpBucket.Properties, 'Retain'),
  MembraneServicesApiSecurityGroup0A1B2C3D: securityGroup,
});
