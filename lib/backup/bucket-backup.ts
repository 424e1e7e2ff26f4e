import { MembraneBackupOptions } from './props';

/**
 * Whether `Membrane` backs up the buckets it creates: `MembraneBucketBackup.awsBackup({...})` (a `MembraneBackup` of
 * the connectors and static buckets) or `MembraneBucketBackup.none()`.
 */
export class MembraneBucketBackup {
  /**
   * Back up the connectors and static buckets with AWS Backup: continuous backup with point-in-time restore and daily
   * recovery points in a vault with its own KMS key ("Self-hosting": all buckets should be backed up regularly).
   */
  public static awsBackup(options: MembraneBackupOptions = {}): MembraneBucketBackup {
    return new MembraneBucketBackup(options);
  }

  /** No backup (a throw-away environment, or buckets backed up some other way). */
  public static none(): MembraneBucketBackup {
    return new MembraneBucketBackup(undefined);
  }

  /** @param options Options of the `MembraneBackup`. */
  private constructor(
    /**
     * Options of the `MembraneBackup`.
     *
     * @default - none: no backup
     */
    public readonly options?: MembraneBackupOptions,
  ) {}
}
