import { MembraneBackupOptions } from './props';

/**
 * The choice of `Membrane`'s `backup` prop: whether it backs up the buckets it creates, with
 * `MembraneBucketBackup.awsBackup({...})` (the construct `MembraneBackup` over the connectors and static buckets) or
 * `MembraneBucketBackup.none()` (`options` unset). To back up buckets of your own, use `MembraneBackup` directly.
 */
export class MembraneBucketBackup {
  /**
   * Back up the connectors and static buckets with AWS Backup: continuous backup with point-in-time restore and daily
   * recovery points in a vault with its own KMS key ("Self-hosting": all buckets should be backed up regularly).
   *
   * @param options retention of the backups, their vault's key and a copy to a vault in another region
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
