import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { MembraneEnvironmentContract } from '../common/environment';

/**
 * Storage as the Membrane services need it. Implemented by `MembraneStorage`; bring existing buckets with
 * `MembraneStorage.fromBuckets(...)`.
 */
export interface IMembraneStorage extends IConstruct {
  /** STORAGE_PROVIDER, AWS_REGION, the three bucket names and BASE_STATIC_URI. */
  readonly environmentContract: MembraneEnvironmentContract;

  /** Public base URL of the static files (`BASE_STATIC_URI`), e.g. `https://static.example.com`. */
  readonly staticUrl: string;

  /** Lets `grantee` read and write Membrane's objects. */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant;
}
