/**
 * The example app's context keys (`cdk synth -c <key>=<value>`, or cdk.context.json), in one place. The README's
 * "Example app context" table documents each of them (a test checks that it lists exactly these).
 *
 * No key at all: the placeholders below, so that `npm ci && npx cdk synth` works offline. Any key given: every key
 * the synthesized stacks need must be given too, and a key the app does not know (a misspelling) is an error, so a
 * half-given or misspelled set never deploys a placeholder.
 */
export const EXAMPLE_CONTEXT_KEYS = {
  region: { stack: 'both', placeholder: 'eu-central-1' },
  zoneName: { stack: 'both', placeholder: 'example.com' },
  hostedZoneId: { stack: 'both', placeholder: 'Z0000000000EXAMPLE' },
  auth0Domain: { stack: 'production', placeholder: 'login.example.com' },
  auth0ClientId: { stack: 'production', placeholder: 'example-client-id' },
  staticCertificateArn: {
    stack: 'production',
    placeholder: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
  },
  // A real release, not a placeholder: optional, this is the release the example is tested with.
  membraneVersion: { stack: 'optional', placeholder: '2026-01-14' },
} as const;

export type ExampleContextKey = keyof typeof EXAMPLE_CONTEXT_KEYS;

/** What the example stacks take from the context. */
export interface ExampleContext {
  /** True when no key was given and every value is a placeholder (offline synth only: nothing to deploy). */
  readonly placeholders: boolean;
  readonly region: string;
  readonly zoneName: string;
  readonly hostedZoneId: string;
  readonly membraneVersion: string;
  /** The production stack's keys; absent when none of them was given (the app then builds only `MembraneDev`). */
  readonly production?: {
    readonly auth0Domain: string;
    readonly auth0ClientId: string;
    readonly staticCertificateArn: string;
  };
}

const KEYS = Object.keys(EXAMPLE_CONTEXT_KEYS) as ExampleContextKey[];
const keysOf = (stack: string) => KEYS.filter(key => EXAMPLE_CONTEXT_KEYS[key].stack === stack);
/** The keys only the production stack `Membrane` needs. */
export const PRODUCTION_KEYS = keysOf('production');

/**
 * Context keys that are not the app's: aws-cdk-lib's feature flags (`@aws-cdk/...:...`), the CLI's `aws:cdk:*`
 * settings, cached context lookups (`hosted-zone:account=...`), and the CLI's own entries in cdk.context.json.
 */
function foreign(key: string): boolean {
  return /[:@/]/.test(key) || key === 'acknowledged-issue-numbers' || key === 'cli-telemetry';
}

const normalized = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * The example app's inputs from its context (`app.node.getAllContext()`): the placeholders when none of the app's keys
 * is given, otherwise the given values; throws, naming the keys, when some are missing, unknown or empty.
 */
export function exampleContext(context: Record<string, unknown>): ExampleContext {
  const given = Object.keys(context).filter(key => !foreign(key));
  if (given.length === 0) {
    const value = (key: ExampleContextKey) => EXAMPLE_CONTEXT_KEYS[key].placeholder;
    return {
      placeholders: true,
      region: value('region'),
      zoneName: value('zoneName'),
      hostedZoneId: value('hostedZoneId'),
      membraneVersion: value('membraneVersion'),
      production: {
        auth0Domain: value('auth0Domain'),
        auth0ClientId: value('auth0ClientId'),
        staticCertificateArn: value('staticCertificateArn'),
      },
    };
  }

  const problems: string[] = [];
  const unknown = given.filter(key => !(KEYS as string[]).includes(key));
  if (unknown.length > 0) {
    problems.push('unknown ' + unknown.map(key => {
      const known = KEYS.find(candidate => normalized(candidate) === normalized(key));
      return known ? `'${key}' (did you mean '${known}'?)` : `'${key}'`;
    }).join(', '));
  }
  const empty = KEYS.filter(key => key in context && (typeof context[key] !== 'string' || (context[key] as string).trim() === ''));
  if (empty.length > 0) problems.push(`not a non-empty string: ${empty.map(key => `'${key}'`).join(', ')}`);
  // The production stack is built when any of its keys is given; MembraneDev always.
  const buildProduction = PRODUCTION_KEYS.some(key => key in context);
  const required = [...keysOf('both'), ...(buildProduction ? PRODUCTION_KEYS : [])];
  const missing = required.filter(key => !(key in context));
  if (missing.length > 0) problems.push(`missing ${missing.map(key => `'${key}'`).join(', ')}`);
  if (problems.length > 0) {
    throw new Error(`Example app context: ${problems.join('; ')}. Give ${keysOf('both').join(', ')}, and `
      + `${PRODUCTION_KEYS.join(', ')} for the production stack 'Membrane' (-c <key>=<value>), or no key for an offline `
      + 'synth with placeholders (README: "Example app context").');
  }

  const value = (key: ExampleContextKey) => (context[key] as string | undefined) ?? EXAMPLE_CONTEXT_KEYS[key].placeholder;
  return {
    placeholders: false,
    region: value('region'),
    zoneName: value('zoneName'),
    hostedZoneId: value('hostedZoneId'),
    membraneVersion: value('membraneVersion'),
    production: buildProduction ? {
      auth0Domain: value('auth0Domain'),
      auth0ClientId: value('auth0ClientId'),
      staticCertificateArn: value('staticCertificateArn'),
    } : undefined,
  };
}
