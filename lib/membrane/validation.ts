import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MembraneProps } from './props';
import { known, propError, requireProps } from '../common/validation';
import { MembraneVersion } from '../services';
import { MembraneStorageProps } from '../storage';

/** A host name relative to the zone: one or more DNS labels, lowercase, no scheme, no trailing dot. */
const RELATIVE_HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Checks of `Membrane`'s props that no building block can make: the ones about how the props fit together. */
export function validateMembraneProps(scope: Construct, props: MembraneProps): void {
  requireProps(scope, props, ['version', 'registryCredentials', 'domain', 'selfHostingToken', 'auth']);
  for (const [key, value] of Object.entries(props.tags ?? {})) {
    if (known(key) && (/^aws:/i.test(key) || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(key))) {
      throw propError(scope, `tags.${key}`, `'${key}' is not a tag key AWS accepts`,
        'Use 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with aws:.');
    }
    if (known(value) && !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u.test(value)) {
      throw propError(scope, `tags.${key}`, `the value '${value}' is not a tag value AWS accepts`,
        'Use up to 256 letters, digits, spaces and _ . : / = + - @.');
    }
  }
  if (props.firewall === false && props.firewallOptions) {
    throw propError(scope, 'firewallOptions', 'it is set but firewall is false', 'Remove firewallOptions, or leave firewall on.');
  }
  if (props.webAclArn && (props.firewall === true || props.firewallOptions)) {
    throw propError(scope, 'webAclArn', 'it brings a web ACL, and firewall or firewallOptions asks for the one this library creates',
      'Give webAclArn alone (your ACL), or firewall / firewallOptions alone.');
  }
  if ((props.mongoUri === undefined) === (props.mongo === undefined)) {
    throw propError(scope, props.mongo ? 'mongo' : 'mongoUri', props.mongo ? 'both mongoUri and mongo are given' : 'no MongoDB is given',
      'Give mongoUri (a secret with MONGO_URI) or mongo (MembraneMongo.fromSecret(secret) or MembraneMongo.atlas({ orgId })), not both.');
  }
  requireProps(scope, props.domain, ['zone'], 'domain.');
  if (!(props.version instanceof MembraneVersion)) {
    throw propError(scope, 'version', `${JSON.stringify(props.version)} is not a MembraneVersion`,
      "Use MembraneVersion.of('2026-01-14') (a plain string gives no image tag).");
  }
  const autoscaling = props.autoscaling ?? true;
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
  if (!autoscaling && props.scaling) {
    throw propError(scope, 'scaling', 'autoscaling is false', 'Remove scaling, or set autoscaling to true.');
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
}
