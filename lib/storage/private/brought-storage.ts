import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantStorageReadWrite, storageContract } from './grants';
import { MembraneEnvironmentContract } from '../../common/environment';
import { DEFAULT_LEGACY_ENVIRONMENT_NAMES } from '../defaults';
import { IMembraneStorage } from '../interfaces';
import { MembraneStorageBuckets } from '../props';
import { validateStorageBuckets } from '../validation';

/** Buckets created elsewhere (`MembraneStorage.fromBuckets`). */
export class BroughtStorage extends Construct implements IMembraneStorage {
  public readonly tmpBucket: s3.IBucket;
  public readonly connectorsBucket: s3.IBucket;
  public readonly staticBucket: s3.IBucket;
  public readonly staticUrl: string;
  public readonly environmentContract: MembraneEnvironmentContract;

  constructor(scope: Construct, id: string, buckets: MembraneStorageBuckets) {
    super(scope, id);
    validateStorageBuckets(this, buckets);
    this.tmpBucket = buckets.tmpBucket;
    this.connectorsBucket = buckets.connectorsBucket;
    this.staticBucket = buckets.staticBucket;
    this.staticUrl = buckets.staticUrl.replace(/\/$/, '');
    this.environmentContract = storageContract(this, buckets.legacyEnvironmentNames ?? DEFAULT_LEGACY_ENVIRONMENT_NAMES);
  }

  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return grantStorageReadWrite(this, grantee);
  }
}
