import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { propError } from './validation';

/** Who creates the DNS record or CloudFront alias of a host name, and through which prop. */
interface HostClaim {
  readonly scope: IConstruct;
  readonly prop: string;
  /**
   * Made by a construct for a building block it creates (Membrane for its storage and services): the first claim of
   * the same host below it is that block taking the claim over, not a second claim.
   */
  delegated: boolean;
}

/** The claims of each app (the root of the construct tree), by host name. */
const CLAIMS = new WeakMap<IConstruct, Map<string, HostClaim>>();

/** Options of `claimHost`. */
export interface HostClaimOptions {
  /** The claim is made for a building block this construct creates, which claims the host again. @default false */
  readonly delegate?: boolean;
}

/**
 * Records that `scope` creates a DNS record or a CloudFront alias for `host` (given by `prop`), and fails when another
 * construct anywhere in the app already does: Route 53 refuses a second record of one name in a zone, and CloudFront
 * refuses an alias another distribution has, in any account. Whichever stack deploys second would fail. The claims
 * are compared across the whole app, every stack and every hosted zone of the name. A host that is a token cannot be
 * compared and is not claimed.
 */
export function claimHost(scope: IConstruct, prop: string, host: string, options: HostClaimOptions = {}): void {
  if (Token.isUnresolved(host)) return;
  const name = host.toLowerCase().replace(/\.$/, '');
  const root = scope.node.root;
  const claims = CLAIMS.get(root) ?? new Map<string, HostClaim>();
  CLAIMS.set(root, claims);
  const earlier = claims.get(name);
  if (!earlier) {
    claims.set(name, { scope, prop, delegated: options.delegate ?? false });
    return;
  }
  if (earlier.delegated && earlier.scope !== scope && scope.node.scopes.includes(earlier.scope)) {
    earlier.delegated = false;
    return;
  }
  if (earlier.scope === scope && earlier.prop === prop) return;
  throw propError(scope, prop, `'${name}' is also claimed by ${earlier.scope.node.path} ('${earlier.prop}'): both would create its DNS `
    + 'record or CloudFront alias, and whichever deploys second fails (Route 53: the record already exists; CloudFront: the alias is '
    + 'already associated with another distribution, in any account)',
  'Give each Membrane deployment and each of its services host names of their own, e.g. \'dev-api\' and \'dev-static\' for a second '
    + 'environment in the same zone.');
}

/** `claimHost` for several props of one construct: each distinct host once, under the first prop that names it. */
export function claimHosts(scope: IConstruct, claims: ReadonlyArray<readonly [prop: string, host: string]>, options: HostClaimOptions = {}): void {
  const seen = new Set<string>();
  for (const [prop, host] of claims) {
    if (seen.has(host)) continue;
    seen.add(host);
    claimHost(scope, prop, host, options);
  }
}
