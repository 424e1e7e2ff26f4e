import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MembraneProps } from './props';
import { MembraneBucketBackup } from '../backup';
import {
  describeValue, known, propError, refuseRemovedProps, requireChoice, requireDurations, requireHostedZone, requireNumber, requireProps,
  requireSecrets, requireUsableKey, warn,
} from '../common/validation';
import { MembraneFirewall } from '../ingress';
import { MembraneAutoscaling } from '../scaling';
import { requireAuth, requireVersion } from '../services/private/props-validation';
import { MembraneStorageProps } from '../storage';

/** A host name relative to the zone: one or more DNS labels, lowercase, no scheme, no trailing dot. */
const RELATIVE_HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * Tags `tags` may hold. AWS allows 50 user tags per resource ("Tag restrictions"; tags starting with `aws:` do not
 * count); aws-cdk-lib adds up to three of its own to what Membrane creates (`Name`, `aws-cdk:subnet-name` and
 * `aws-cdk:subnet-type` on the subnets), which leaves 47.
 */
export const MAX_TAGS = 47;
/** The longest tag key and value AWS accepts, in Unicode characters ("Tag restrictions"). */
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
/** The characters AWS accepts in tags across services. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Every prop of `Membrane`: the compiler keeps this list complete, and a prop not in it is a typo or a removed prop. */
const MEMBRANE_PROPS: { readonly [K in keyof Required<MembraneProps>]: true } = {
  version: true,
  registryCredentials: true,
  registry: true,
  domain: true,
  mongoUri: true,
  mongo: true,
  selfHostingToken: true,
  auth: true,
  vpc: true,
  natGateways: true,
  storage: true,
  storageOptions: true,
  logsBucket: true,
  cache: true,
  cacheOptions: true,
  workerCacheOptions: true,
  settings: true,
  services: true,
  deployment: true,
  cpuArchitecture: true,
  autoscaling: true,
  alarmTopic: true,
  encryptionKey: true,
  enableExecuteCommand: true,
  queuedTaskProtection: true,
  taskProtectionImage: true,
  loadBalancerIdleTimeout: true,
  retainData: true,
  secretRemovalPolicy: true,
  secretReplicaRegions: true,
  jwtSecret: true,
  encryptionSecret: true,
  exposure: true,
  firewall: true,
  sharedEngineEnvironment: true,
  vpcEndpoints: true,
  tags: true,
  backup: true,
};

/** Props of earlier releases that became one choice each, and how to say the same now. */
const REMOVED_PROPS: { readonly [name: string]: string } = {
  firewallOptions: 'Give firewall: MembraneFirewall.managed({ ...firewallOptions }).',
  webAclArn: 'Give firewall: MembraneFirewall.webAcl(webAclArn).',
  backupOptions: 'Give backup: MembraneBucketBackup.awsBackup({ ...backupOptions }).',
  scaling: 'Give autoscaling: MembraneAutoscaling.enabled({ ...scaling }).',
};

/** Checks of `Membrane`'s props that no building block can make: the ones about how the props fit together. */
export function validateMembraneProps(scope: Construct, props: MembraneProps): void {
  requireProps(scope, props, ['version', 'registryCredentials', 'domain', 'selfHostingToken', 'auth']);
  refuseRemovedProps(scope, props, REMOVED_PROPS);
  warnOnUnknownProps(scope, props);
  validateTypes(scope, props);
  validateTags(scope, props.tags ?? {});
  if ((props.mongoUri === undefined) === (props.mongo === undefined)) {
    throw propError(scope, props.mongo ? 'mongo' : 'mongoUri', props.mongo ? 'both mongoUri and mongo are given' : 'no MongoDB is given',
      'Give mongoUri (a secret with MONGO_URI) or mongo (MembraneMongo.fromSecret(secret) or MembraneMongo.atlas({ orgId })), not both.');
  }
  requireProps(scope, props.domain, ['zone'], 'domain.');
  requireVersion(scope, props.version);
  if (props.storage && props.storageOptions) {
    throw propError(scope, 'storageOptions', 'it configures a new storage, but storage is given', 'Remove storageOptions or storage.');
  }
  // The type has no domain; JavaScript callers can still pass one, which would be silently replaced.
  if ((props.storageOptions as MembraneStorageProps | undefined)?.domain) {
    throw propError(scope, 'storageOptions.domain', 'the static domain comes from domain.staticHost',
      'Remove storageOptions.domain; set domain.staticHost / domain.staticCertificate.');
  }
  if (props.cache && props.cacheOptions) {
    throw propError(scope, 'cacheOptions', 'it configures a new cache, but cache is given', 'Remove cacheOptions or cache.');
  }
  if (props.natGateways !== undefined && (props.vpc || props.cache)) {
    throw propError(scope, 'natGateways', `it sizes a new network, but the ${props.vpc ? 'vpc' : 'cache\'s VPC'} is used`,
      'Remove natGateways, or let Membrane create the network.');
  }
  if (props.vpcEndpoints !== undefined && (props.vpc || props.cache)) {
    throw propError(scope, 'vpcEndpoints', `it adds endpoints to a new network, but the ${props.vpc ? 'vpc' : 'cache\'s VPC'} is used`,
      'Add the endpoints to your VPC (MembraneNetwork shows which), or let Membrane create the network.');
  }
  const domain = props.domain;
  const zoneName = Token.isUnresolved(domain.zone.zoneName) ? undefined : domain.zone.zoneName.replace(/\.$/, '');
  for (const [prop, value, example] of [
    ['apiHost', domain.apiHost, 'api'], ['uiHost', domain.uiHost, 'ui'], ['consoleHost', domain.consoleHost, 'console'],
    ['staticHost', domain.staticHost, 'static'],
  ] as const) {
    if (!known(value)) continue;
    if (!RELATIVE_HOST.test(value) || (zoneName !== undefined && (value === zoneName || value.endsWith(`.${zoneName}`)))) {
      throw propError(scope, `domain.${prop}`, `'${value}' is not a host name relative to the zone`,
        `Give the part before the zone, e.g. '${example}' for ${example}.${zoneName ?? '<zone>'}.`);
    }
  }
  for (const [hostProp, pathProp] of [['uiHost', 'uiBasePath'], ['consoleHost', 'consoleBasePath']] as const) {
    if (domain[hostProp] !== undefined && domain[pathProp] !== undefined) {
      throw propError(scope, `domain.${hostProp}`, `${pathProp} serves it on the API host, so ${hostProp} would be ignored`,
        `Remove domain.${hostProp} or domain.${pathProp}.`);
    }
  }
  validateBackup(scope, props);
}

/** A backup needs a storage this construct creates: it does not know the buckets of a brought one. */
function validateBackup(scope: Construct, props: MembraneProps): void {
  if (props.backup?.options && props.storage) {
    throw propError(scope, 'backup', 'the storage is brought (storage), so this construct does not know its buckets',
      'Back the brought buckets up with new MembraneBackup(scope, id, { buckets: [connectors, static] }), or leave backup unset.');
  }
}

/**
 * Checks of the values JavaScript and the other jsii languages can get wrong without a compiler: each would otherwise
 * fail inside aws-cdk-lib with a TypeError that names no prop.
 */
function validateTypes(scope: Construct, props: MembraneProps): void {
  requireSecrets(scope, {
    registryCredentials: props.registryCredentials,
    mongoUri: props.mongoUri,
    selfHostingToken: props.selfHostingToken,
    jwtSecret: props.jwtSecret,
    encryptionSecret: props.encryptionSecret,
  });
  requireAuth(scope, props.auth);
  if (typeof props.domain !== 'object') {
    throw propError(scope, 'domain', `${describeValue(props.domain)} is not a domain`,
      'Give { zone } with the hosted zone, and the host names to change.');
  }
  requireHostedZone(scope, 'domain.zone', props.domain.zone);
  requireChoice(scope, 'firewall', props.firewall, MembraneFirewall,
    'MembraneFirewall.managed({ mode, rateLimit }) (what true was), MembraneFirewall.webAcl(arn) or MembraneFirewall.none() (what false was)');
  requireChoice(scope, 'autoscaling', props.autoscaling, MembraneAutoscaling,
    'MembraneAutoscaling.enabled({ ...options }) (what true was) or MembraneAutoscaling.none() (what false was)');
  requireChoice(scope, 'backup', props.backup, MembraneBucketBackup,
    'MembraneBucketBackup.awsBackup({ ...options }) (what true was) or MembraneBucketBackup.none() (what false was)');
  requireNumber(scope, 'natGateways', props.natGateways, 2);
  requireDurations(scope, { loadBalancerIdleTimeout: props.loadBalancerIdleTimeout });
  requireUsableKey(scope, 'encryptionKey', props.encryptionKey);
}

/** Warns on a prop `Membrane` does not know (a typo, or a prop of another construct): it would be silently ignored. */
function warnOnUnknownProps(scope: Construct, props: MembraneProps): void {
  const known_ = Object.keys(MEMBRANE_PROPS);
  for (const [name, value] of Object.entries(props)) {
    if (name in MEMBRANE_PROPS || value === undefined) continue;
    const near = known_.find(k => k.toLowerCase() === name.toLowerCase()) ?? known_.find(k => editDistance(k, name) <= 2);
    warn(scope, 'unknownProp', `'${name}' is not a prop of Membrane and is ignored.${near ? ` Did you mean '${near}'?` : ''} See MembraneProps `
      + 'in API.md for the props.');
  }
}

/** The number of single-character insertions, deletions and substitutions between two names. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** AWS's tag rules ("Tag restrictions"): at most `MAX_TAGS` here, keys of 1 to 128 characters not starting with aws:, values up to 256. */
function validateTags(scope: Construct, tags: { [key: string]: string }): void {
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) {
    throw propError(scope, 'tags', `${count} tags are more than ${MAX_TAGS}: AWS allows 50 per resource, and aws-cdk-lib adds up to 3 of its own `
      + '(Name, aws-cdk:subnet-name, aws-cdk:subnet-type)', `Keep ${MAX_TAGS} tags or fewer, counting the ones Tags.of() adds to the stack.`);
  }
  for (const [key, value] of Object.entries(tags)) {
    if (known(key)) {
      const length = [...key].length;
      const problem = /^aws:/i.test(key) ? 'starts with aws:, which AWS reserves'
        : length === 0 || length > MAX_TAG_KEY ? `is ${length} characters long, not 1 to ${MAX_TAG_KEY}`
          : !TAG_CHARACTERS.test(key) ? 'has characters AWS does not accept in tags' : undefined;
      if (problem) {
        throw propError(scope, `tags.${key}`, `the key '${key}' ${problem}`,
          `Use 1 to ${MAX_TAG_KEY} letters, digits, spaces and _ . : / = + - @, not starting with aws:.`);
      }
    }
    if (known(value)) {
      if (typeof value !== 'string') throw propError(scope, `tags.${key}`, `${describeValue(value)} is not a string`, 'Give tag values as strings.');
      const length = [...value].length;
      const problem = length > MAX_TAG_VALUE ? `is ${length} characters long, more than ${MAX_TAG_VALUE}`
        : !TAG_CHARACTERS.test(value) ? 'has characters AWS does not accept in tags' : undefined;
      if (problem) {
        throw propError(scope, `tags.${key}`, `the value '${value.length > 40 ? `${value.slice(0, 40)}...` : value}' ${problem}`,
          `Use up to ${MAX_TAG_VALUE} letters, digits, spaces and _ . : / = + - @.`);
      }
    }
  }
}
