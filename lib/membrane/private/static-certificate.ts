import { Annotations, Stack, Stage, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { propError } from '../../common/validation';

/** aws-cdk-lib's feature flag for the strength of cross-stack references (strong, weak or both). */
const CROSS_STACK_REFERENCES_FLAG = '@aws-cdk/core:defaultCrossStackReferences';

/** CloudFront takes certificates from this region only. */
export const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';

/** The static host's certificate, and the companion stack that holds it when the Membrane stack is in another region. */
export interface StaticCertificate {
  readonly certificate: acm.ICertificate;
  readonly stack?: Stack;
}

/**
 * A DNS-validated certificate for CloudFront: in the Membrane stack when it is in us-east-1, else in a companion stack
 * in us-east-1 (same account, same app), which the Membrane stack then depends on. The certificate ARN crosses regions
 * through aws-cdk-lib's cross-region references (an SSM parameter written in the Membrane stack's region by a custom
 * resource of the companion stack). `cdk deploy` deploys the companion first; us-east-1 must be bootstrapped.
 */
export function staticCertificate(scope: Construct, id: string, domainName: string, zone: route53.IHostedZone,
  prop: string): StaticCertificate {
  const stack = Stack.of(scope);
  const validation = (z: route53.IHostedZone) => acm.CertificateValidation.fromDns(z);
  if (stack.region === CLOUDFRONT_CERTIFICATE_REGION) {
    return { certificate: new acm.Certificate(scope, id, { domainName, validation: validation(zone) }) };
  }
  if (Token.isUnresolved(zone.hostedZoneId) || Token.isUnresolved(zone.zoneName)) {
    throw propError(scope, prop, 'the static host\'s certificate must be created in us-east-1, which needs the zone\'s literal id and name, but '
      + 'this zone is a resource of a stack', 'Import the zone (route53.HostedZone.fromHostedZoneAttributes or fromLookup), or give '
      + 'domain.staticCertificate (in us-east-1), or set domain.createStaticCertificate: false.');
  }
  const stage = Stage.of(scope);
  if (!stage) throw new Error(`${scope.node.path}: a companion stack in us-east-1 needs the app or stage of this stack`);
  const companionId = `${stack.node.id}-${scope.node.id}-StaticCertificate`.replace(/[^A-Za-z0-9-]/g, '');
  const companion = (stage.node.tryFindChild(companionId) as Stack | undefined) ?? new Stack(stage, companionId, {
    env: { account: Token.isUnresolved(stack.account) ? undefined : stack.account, region: CLOUDFRONT_CERTIFICATE_REGION },
    description: `CloudFront certificate of ${domainName} for ${stack.stackName} (membrane-cdk; CloudFront reads certificates in us-east-1 only)`,
    crossRegionReferences: true,
    terminationProtection: stack.terminationProtection,
  });
  // Newer aws-cdk-lib warns on the consuming stack that the reference strength is not configured and defaults to
  // strong. Strong is what this reference needs: the companion cannot drop a certificate the distribution still uses.
  // The warning can only be acknowledged on the consuming stack; an explicit setting of the flag is left alone.
  if (stack.node.tryGetContext(CROSS_STACK_REFERENCES_FLAG) === undefined) {
    Annotations.of(stack).acknowledgeWarning('@aws-cdk/core:crossStackReferencesDefaultStrong', 'The static certificate\'s ARN comes from '
      + 'the us-east-1 companion stack through a strong cross-region reference, which keeps the certificate while CloudFront uses it.');
  }
  const imported = route53.HostedZone.fromHostedZoneAttributes(companion, 'Zone', { hostedZoneId: zone.hostedZoneId, zoneName: zone.zoneName });
  const certificate = new acm.Certificate(companion, 'Certificate', { domainName, validation: validation(imported) });
  return { certificate, stack: companion };
}
