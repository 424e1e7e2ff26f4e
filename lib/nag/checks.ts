import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { RULES } from './private/rules';
import { render, StackIndex } from './private/stack-index';

/**
 * cdk-nag rules from Membrane's own self-hosting guidance.
 *
 * ```ts
 * Validations.of(app).addPlugins(new MembraneChecks());   // as a synth plugin (aws-cdk-lib 2.258+)
 * new MembraneChecks().validateScope(stack);               // in tests
 * ```
 *
 * Rules: Membrane-CustomCodeRunnerNotPublic, -RedisTls, -NoServerlessCache, -RedisTlsVerificationFlag,
 * -NoPlaintextSecrets, -ImmutableImageTags, -TmpBucketExpiry, -PublicListenersHttpsOnly,
 * -OrchestratorHighAvailability, -LoadBalancerIdleTimeout, -EdgeForwardsOnlyNamedPaths.
 */
export class MembraneChecks extends NagPack {
  /** Name of the pack. */
  public readonly name = 'Membrane';
  private indexes = new Map<Stack, StackIndex>();

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'Membrane';
  }

  /** Validates a construct tree directly (tests, or CDK versions without the plugin context). */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.indexes = new Map();
    return super.validateScope(scope);
  }

  /** Entry point of the CDK validation framework. */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.indexes = new Map();
    return super.validate(context);
  }

  protected checkResource(node: CfnResource): void {
    const stack = Stack.of(node);
    let index = this.indexes.get(stack);
    if (!index) {
      index = new StackIndex(stack);
      this.indexes.set(stack, index);
    }
    const rendered = index.resources.get(stack.resolve(node.logicalId)) ?? render(node);
    const stackIndex = index;
    for (const spec of RULES) {
      this.applyRule({
        ruleSuffixOverride: spec.id,
        info: spec.info,
        explanation: spec.explanation,
        level: NagMessageLevel.ERROR,
        node,
        rule: () => spec.rule(rendered, stackIndex),
      });
    }
  }
}
