import { MembraneScalingOptions } from './props';

/**
 * Whether `Membrane` autoscales: `MembraneAutoscaling.onMembraneMetrics({...})` (a `MembraneScaling` on the metrics
 * Membrane emits, the default) or `MembraneAutoscaling.none()` (every service runs its desired count).
 */
export class MembraneAutoscaling {
  /**
   * Autoscale on Membrane's metrics, with the targets and bounds of its "Autoscaling Configuration" and "Self-hosting"
   * pages unless `options` change them.
   */
  public static onMembraneMetrics(options: MembraneScalingOptions = {}): MembraneAutoscaling {
    return new MembraneAutoscaling(options);
  }

  /** No autoscaling: every service runs the `desiredCount` of its service options. */
  public static none(): MembraneAutoscaling {
    return new MembraneAutoscaling(undefined);
  }

  /** @param options Options of the `MembraneScaling`. */
  private constructor(
    /**
     * Options of the `MembraneScaling`.
     *
     * @default - none: no autoscaling
     */
    public readonly options?: MembraneScalingOptions,
  ) {}
}
