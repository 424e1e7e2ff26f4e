import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { MembraneChecks } from '../lib';

/**
 * The rule packs every construct of this library must pass: AwsSolutions, NIST 800-53 R5, HIPAA Security,
 * PCI DSS 3.2.1 and Membrane's own guidance. A finding fails the test unless a construct acknowledged it with
 * `Validations.of(construct).acknowledge({ id, reason })`.
 */
export function nagPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new NIST80053R5Checks(), new HIPAASecurityChecks(), new PCIDSS321Checks(), new MembraneChecks()];
}

/** One unacknowledged finding: `<rule> at <construct path>`. */
export function nagFindings(scope: IConstruct, packs: NagPack[] = nagPacks()): string[] {
  const findings: string[] = [];
  for (const pack of packs) {
    for (const violation of pack.validateScope(scope).violations) {
      for (const resource of violation.violatingResources) {
        findings.push(`${violation.ruleName} at ${resource.constructPath ?? resource.resourceLogicalId}`);
      }
    }
  }
  return findings.sort();
}

/**
 * Fails the test on any unacknowledged AwsSolutions or NIST 800-53 R5 finding, and on any acknowledgement
 * that no longer matches a finding (a stale acknowledgement hides nothing and misleads readers).
 */
export function expectNoNagFindings(scope: IConstruct): void {
  expect(nagVerdict(scope)).toEqual({ findings: [], stale: [] });
}

interface NodeWithMetadata { _metadata?: Array<{ type: string }> }

/**
 * The findings under `scope` with every acknowledgement removed: what the packs say before anyone explains.
 */
export function rawFindings(scope: IConstruct): string[] {
  const saved = new Map<NodeWithMetadata, Array<{ type: string }> | undefined>();
  for (const c of scope.node.findAll()) {
    const node = c.node as unknown as NodeWithMetadata;
    saved.set(node, node._metadata);
    node._metadata = node._metadata?.filter(m => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  }
  try {
    return nagFindings(scope);
  } finally {
    for (const [node, metadata] of saved) node._metadata = metadata;
  }
}

/** Whether the acknowledgement `<rule> at <path>` covers the finding `<rule> at <path>`: same rule, on its construct or below. */
function covers(acknowledgement: string, finding: string): boolean {
  const [rule, path] = acknowledgement.split(' at ');
  const [fRule, fPath] = finding.split(' at ');
  return fRule === rule && (fPath === path || fPath.startsWith(`${path}/`));
}

/**
 * The packs' verdict on `scope` from one run without acknowledgements (the packs are the slow part of the tests):
 * the findings no acknowledgement covers, and the acknowledgements that cover no finding (a stale acknowledgement hides
 * nothing and misleads readers).
 */
export function nagVerdict(scope: IConstruct): { readonly findings: string[]; readonly stale: string[] } {
  const raw = rawFindings(scope);
  const acks = acknowledgements(scope).map(a => a.slice(0, a.indexOf(': ')));
  return {
    findings: raw.filter(f => !acks.some(a => covers(a, f))),
    stale: acks.filter(a => !raw.some(f => covers(a, f))),
  };
}

/**
 * Every acknowledgement recorded under `scope`, as `<rule> at <construct path>: <reason>`.
 * Lets a test pin down which findings a construct acknowledges and where.
 */
export function acknowledgements(scope: IConstruct): string[] {
  const out: string[] = [];
  for (const node of scope.node.findAll()) {
    const entries = node.node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    const last = entries[entries.length - 1]?.data as Record<string, string> | undefined;
    for (const [id, reason] of Object.entries(last ?? {})) {
      out.push(`${id.replace(/^annotation::/, '')} at ${node.node.path}: ${reason}`);
    }
  }
  return out.sort();
}

/**
 * An app for a test: without the construct tree file (tree.json), which only the CDK console tools read and which costs
 * a walk of every construct on each synthesis.
 */
export function testApp(): App {
  return new App({ treeMetadata: false });
}

/** A stack in a fixed account and region, so templates are deterministic. */
export function testStack(id = 'Test'): Stack {
  return new Stack(testApp(), id, { env: { account: '123456789012', region: 'eu-central-1' } });
}

/**
 * The acknowledgements written for AwsSolutions, NIST 800-53 R5 and MembraneChecks: without the HIPAA Security and
 * PCI DSS 3.2.1 ones that `acknowledge` derives from a NIST acknowledgement of the same control.
 */
export function ownAcknowledgements(scope: IConstruct): string[] {
  return acknowledgements(scope).filter(a => !/^(HIPAA\.Security|PCI\.DSS\.321)-/.test(a));
}
