import { Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { MembraneStorageBuckets, MembraneStorageProps } from './props';
import { known, propError, requireUsableKey, requireWholeDays } from '../common/validation';
import { isVersioned } from '../common/versioning';

/** Longest suffix appended to `bucketNamePrefix`. */
export const LONGEST_BUCKET_SUFFIX = '-access-logs';

/** A KMS key ARN (not an alias: IAM grants on an alias ARN do not let the role use the key). */
const KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/[A-Za-z0-9-]+$/;

/** Checks the props of a `MembraneStorage` that would synthesize but fail at deployment or at run time. */
export function validateStorageProps(scope: IConstruct, props: MembraneStorageProps): void {
  requireUsableKey(scope, 'encryptionKey', props.encryptionKey);
  const prefix = props.bucketNamePrefix;
  if (prefix !== undefined && !Token.isUnresolved(prefix)) {
    const maxLength = 63 - LONGEST_BUCKET_SUFFIX.length;
    if (/^(xn--|sthree-|amzn-s3-demo-)/.test(prefix)) {
      throw propError(scope, 'bucketNamePrefix', `'${prefix}' starts with a prefix S3 reserves`,
        'S3 refuses bucket names starting with xn--, sthree- or amzn-s3-demo-; choose another prefix.');
    }
    if (!/^[a-z0-9][a-z0-9-]*$/.test(prefix) || prefix.length > maxLength) {
      throw propError(scope, 'bucketNamePrefix', `'${prefix}' cannot start valid S3 bucket names`,
        `Use lowercase letters, digits and hyphens, starting with a letter or digit, at most ${maxLength} characters.`);
    }
  }
  requireWholeDays(scope, 'tmpObjectExpiration', props.tmpObjectExpiration, 1);
  requireWholeDays(scope, 'noncurrentVersionExpiration', props.noncurrentVersionExpiration, 1);
  requireWholeDays(scope, 'accessLogsExpiration', props.accessLogsExpiration, 1);
  checkDomain(scope, props);
  checkReplication(scope, props);
}

/** Checks the buckets given to `MembraneStorage.fromBuckets`. */
export function validateStorageBuckets(scope: IConstruct, buckets: MembraneStorageBuckets): void {
  if (!Token.isUnresolved(buckets.staticUrl) && !/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(buckets.staticUrl)) {
    throw propError(scope, 'staticUrl', `'${buckets.staticUrl}' is not an https URL`, 'Give the URL the static files are served from, e.g. '
      + 'https://static.example.com.');
  }
}

function checkDomain(scope: IConstruct, props: MembraneStorageProps): void {
  const domain = props.domain;
  if (!domain || !known(domain.domainName)) return;
  if (!/^([a-z0-9-]+\.)+[a-z0-9-]+$/i.test(domain.domainName)) {
    throw propError(scope, 'domain.domainName', `'${domain.domainName}' is not a domain name`,
      'Give a fully qualified host name without scheme or path, e.g. static.example.com.');
  }
  const zoneName = domain.zone?.zoneName;
  if (known(zoneName)) {
    const zone = zoneName.replace(/\.$/, '').toLowerCase();
    const name = domain.domainName.toLowerCase();
    if (name !== zone && !name.endsWith(`.${zone}`)) {
      throw propError(scope, 'domain.domainName', `'${domain.domainName}' is not in the hosted zone '${zone}', where its alias records are created`,
        `Give a name ending in .${zone}, or the hosted zone of ${domain.domainName} as domain.zone.`);
    }
  }
}

function checkReplication(scope: IConstruct, props: MembraneStorageProps): void {
  const replication = props.replication;
  if (!replication) return;
  const keyArn = replication.destinationEncryptionKeyArn;
  const keyRegion = known(keyArn) ? KEY_ARN.exec(keyArn)?.[1] : undefined;
  if (known(keyArn) && keyRegion === undefined) {
    throw propError(scope, 'replication.destinationEncryptionKeyArn', `'${keyArn}' is not a KMS key ARN`,
      'Give arn:aws:kms:<destination region>:<account>:key/<key id> (an alias ARN cannot be granted to the replication role).');
  }
  if (keyArn !== undefined && !props.encryptionKey) {
    throw propError(scope, 'replication.destinationEncryptionKeyArn', 'it is set, but the buckets are not encrypted with encryptionKey (SSE-KMS)',
      'Remove it (S3-managed encryption needs no replica key), or give encryptionKey.');
  }
  const destinations = [
    ['replication.connectorsDestination', replication.connectorsDestination, 'connectors'],
    ['replication.staticDestination', replication.staticDestination, 'static'],
  ] as const;
  for (const [prop, destination, suffix] of destinations) {
    if (isVersioned(destination) === false) {
      throw propError(scope, prop, `${destination.node.path} is not versioned, and S3 replicates only into versioned buckets`,
        'Create the destination bucket with versioned: true.');
    }
    const source = props.bucketNamePrefix === undefined ? undefined : `${props.bucketNamePrefix}-${suffix}`;
    if (known(source) && known(destination.bucketName) && destination.bucketName === source) {
      throw propError(scope, prop, `'${source}' is the ${suffix} bucket itself`, 'Give a bucket in another region to replicate into.');
    }
    // An imported bucket without a region reports the stack's: only a region that shows is compared.
    const region = destination.env.region;
    const regionShows = destination instanceof s3.Bucket || region !== Stack.of(scope).region;
    if (keyRegion !== undefined && regionShows && known(region) && region !== keyRegion) {
      throw propError(scope, 'replication.destinationEncryptionKeyArn', `the key is in ${keyRegion}, but ${prop} is in ${region}`,
        `S3 encrypts the replicas with a key of the destination bucket's region: give a key of ${region}.`);
    }
    if (props.encryptionKey && keyArn === undefined && !destination.encryptionKey) {
      throw propError(scope, 'replication.destinationEncryptionKeyArn', 'it is missing, and the buckets are encrypted with encryptionKey (SSE-KMS): '
        + 'S3 replicates SSE-KMS objects only when the rule names the key that encrypts the replicas',
      'Give the ARN of a KMS key in the destination buckets\' region that lets this account encrypt (kms:Encrypt, kms:GenerateDataKey).');
    }
  }
}
