/**
 * Values that make up the storage part of the Membrane environment.
 */
export interface StorageEnvironmentInputs {
  readonly region: string;
  readonly tmpBucket: string;
  readonly connectorsBucket: string;
  readonly staticBucket: string;
  readonly staticUrl: string;
  readonly legacyNames: boolean;
}

/**
 * The storage environment contract ("Self-hosting", common environment variables; "Self-hosting on AWS", IAM
 * roles: no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
 */
export function storageEnvironment(inputs: StorageEnvironmentInputs): { [name: string]: string } {
  return {
    STORAGE_PROVIDER: 's3',
    AWS_REGION: inputs.region,
    TMP_STORAGE_BUCKET: inputs.tmpBucket,
    CONNECTORS_STORAGE_BUCKET: inputs.connectorsBucket,
    STATIC_STORAGE_BUCKET: inputs.staticBucket,
    BASE_STATIC_URI: inputs.staticUrl,
    ...(inputs.legacyNames ? {
      TMP_S3_BUCKET: inputs.tmpBucket,
      CONNECTORS_S3_BUCKET: inputs.connectorsBucket,
      STATIC_S3_BUCKET: inputs.staticBucket,
    } : {}),
  };
}
