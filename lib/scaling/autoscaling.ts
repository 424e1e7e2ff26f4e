import { MembraneScalingOptions } from './props';

/**
 * The choice of `Membrane`'s `autoscaling` prop: `MembraneAutoscaling.enabled({...})` (the construct `MembraneScaling`,
 * the default) or `MembraneAutoscaling.none()` (`options` unset: every service runs its desired count). To scale a
 * `MembraneEcsServices` of your own, use `MembraneScaling` directly.
 */
export class MembraneAutoscaling {
  /**
   * Autoscaling with `MembraneScaling`: the workers and the custom code runner on the metrics Membrane emits, the API
   * on CPU and memory, with the targets and bounds of Membrane's "Autoscaling Configuration" and "Self-hosting" pages.
   *
   * @param options the targets, bounds, strategies and alarms that differ from those pages
   */
  public static enabled(options: MembraneScalingOptions = {}): MembraneAutoscaling {
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
