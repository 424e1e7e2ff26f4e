import * as s3 from 'aws-cdk-lib/aws-s3';
import { known } from './validation';

/**
 * Whether `bucket` is versioned, where that shows: a bucket created in this app (an `s3.Bucket`, whose versioning
 * configuration is in its template). `undefined` for a bucket imported by name or ARN, or a status given as a token.
 */
export function isVersioned(bucket: s3.IBucket): boolean | undefined {
  const cfn = bucket.node.defaultChild;
  if (!(bucket instanceof s3.Bucket) || !(cfn instanceof s3.CfnBucket)) return undefined;
  const config = cfn.versioningConfiguration as s3.CfnBucket.VersioningConfigurationProperty | undefined;
  if (config === undefined) return false;
  if (!known(config) || !known(config.status)) return undefined;
  return config.status === 'Enabled';
}
