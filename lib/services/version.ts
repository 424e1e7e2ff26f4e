import { Token } from 'aws-cdk-lib';

/**
 * A Membrane release: the tag of the `core/*` images.
 *
 * Membrane publishes `:latest` and date-based immutable tags such as `2026-01-14` ("Self-hosting"), and
 * recommends the immutable tags for production.
 */
export class MembraneVersion {
  /**
   * The moving `latest` tag. Legal, but a redeploy can silently change the running version, and
   * ECS cannot roll back to a previous image: synthesis warns.
   */
  public static readonly LATEST = new MembraneVersion('latest');

  /**
   * A specific image tag, e.g. `MembraneVersion.of('2026-01-14')`.
   */
  public static of(tag: string): MembraneVersion {
    if (!Token.isUnresolved(tag) && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
      throw new Error(`MembraneVersion.of('${tag}'): not a valid image tag. Use the release date tag Membrane publishes, e.g. `
        + 'MembraneVersion.of(\'2026-01-14\').');
    }
    return new MembraneVersion(tag);
  }

  private constructor(
    /** The image tag. */
    public readonly tag: string,
  ) {}

  /** Whether the tag moves between releases (`latest`). */
  public get isMutable(): boolean {
    return this.tag === 'latest';
  }
}

/**
 * Hosts of Membrane's private image registry.
 */
export class MembraneRegistry {
  /** The current registry ("Self-hosting", getmembrane.com documentation). */
  public static readonly GETMEMBRANE = 'harbor.getmembrane.com';
  /** The registry named by the older integration.app documentation ("Service Deployment"). */
  public static readonly INTEGRATION_APP = 'harbor.integration.app';

  private constructor() {}
}
