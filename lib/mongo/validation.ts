import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { MIN_MONGODB_VERSION } from './defaults';
import { MembraneAtlasProps } from './props';
import { known, propError } from '../common/validation';

/**
 * The dedicated Atlas tiers on AWS (Atlas Administration API, AWS hardware specification `instanceSize`): general
 * M10 to M700, low-CPU R40 to R700, and local NVMe SSD M40_NVME to M400_NVME ("NVMe Storage for Atlas Clusters").
 * The shared tiers (M0, M2, M5, Flex) are not dedicated clusters and are refused apart.
 */
const ATLAS_AWS_TIERS: readonly string[] = [
  'M10', 'M20', 'M30', 'M40', 'M50', 'M60', 'M80', 'M100', 'M140', 'M200', 'M300', 'M400', 'M700',
  'R40', 'R50', 'R60', 'R80', 'R200', 'R300', 'R400', 'R700',
  'M40_NVME', 'M50_NVME', 'M60_NVME', 'M80_NVME', 'M200_NVME', 'M400_NVME',
];

/** Checks the Atlas props that still synthesize but Atlas (or Membrane) refuses. Tokens are accepted as they are. */
export function validateAtlasProps(scope: IConstruct, props: MembraneAtlasProps): void {
  if (props.orgId === undefined || props.orgId === '') {
    throw propError(scope, 'mongo.orgId', 'it is missing', 'Give the Atlas organization ID (Atlas: Organization Settings).');
  }
  if (known(props.orgId) && !/^[0-9a-f]{24}$/.test(props.orgId)) {
    throw propError(scope, 'mongo.orgId', `'${props.orgId}' is not an Atlas organization ID`,
      'Give the 24 hexadecimal characters shown in Atlas: Organization Settings.');
  }
  checkInstanceSize(scope, props.instanceSize);
  checkMajorVersion(scope, props.mongoDbMajorVersion);
  checkClusterName(scope, props.clusterName);
  checkProjectName(scope, props.projectName);
  checkDatabaseName(scope, props.databaseName);
  // The profile names the secret cfn/atlas/profile/<profile>; secret names take letters, digits and /_+=.@- only.
  if (known(props.profile) && !/^[A-Za-z0-9/_+=.@-]{1,256}$/.test(props.profile)) {
    throw propError(scope, 'mongo.profile', `'${props.profile}' cannot name the secret cfn/atlas/profile/<profile>`,
      'Use letters, digits and /_+=.@- only (Secrets Manager secret names), e.g. \'default\' or \'membrane-prod\'.');
  }
  if (Token.isUnresolved(Stack.of(scope).region)) {
    throw propError(scope, 'mongo', 'the stack has no region, and the Atlas cluster and its endpoint are created in it',
      'Set env: { region } on the stack.');
  }
}

function checkInstanceSize(scope: IConstruct, size: string | undefined): void {
  if (!known(size) || ATLAS_AWS_TIERS.includes(size)) return;
  if (/^(M0|M2|M5|FLEX)$/i.test(size)) {
    throw propError(scope, 'mongo.instanceSize', `'${size}' is not an Atlas size of M10 or larger`,
      'Membrane needs a dedicated cluster ("Self-hosting on AWS": M10+); give e.g. \'M10\' or \'M30\'.');
  }
  throw propError(scope, 'mongo.instanceSize', `'${size}' is not an Atlas cluster tier on AWS`,
    'Give a dedicated tier: M10, M20, M30, M40, M50, M60, M80, M140, M200 or larger, a low-CPU R40+ or an NVMe M40_NVME+ tier.');
}

function checkMajorVersion(scope: IConstruct, version: string | undefined): void {
  if (!known(version)) return;
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) {
    throw propError(scope, 'mongo.mongoDbMajorVersion', `'${version}' is not a MongoDB major version`, 'Give major.minor, e.g. \'8.0\'.');
  }
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < MIN_MONGODB_VERSION[0] || (major === MIN_MONGODB_VERSION[0] && minor < MIN_MONGODB_VERSION[1])) {
    throw propError(scope, 'mongo.mongoDbMajorVersion', `MongoDB ${version} is older than 4.4, the oldest Membrane supports`,
      'Give \'8.0\' (the default) or another version from 4.4 on ("Frequently Asked Questions": MongoDB 4.4 or higher).');
  }
}

/**
 * Atlas cluster names: ASCII letters, digits and hyphens, starting and ending with a letter or digit, at most 64
 * characters (Atlas API error CLUSTER_NAME_INVALID); Atlas cuts host names to the first 23 characters, which must
 * not end in a hyphen (CLUSTER_NAME_PREFIX_INVALID); `atlas-` and six characters is reserved (ATLAS_RESERVED_CLUSTER_NAME).
 */
function checkClusterName(scope: IConstruct, name: string | undefined): void {
  if (!known(name)) return;
  const fix = 'Use ASCII letters, digits and hyphens, starting and ending with a letter or digit, at most 64 characters, e.g. \'membrane\'.';
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/.test(name)) {
    throw propError(scope, 'mongo.clusterName', `'${name}' is not an Atlas cluster name`, fix);
  }
  if (name.length > 23 && name[22] === '-') {
    throw propError(scope, 'mongo.clusterName', `'${name}': Atlas cuts host names to the first 23 characters, which here end in a hyphen`,
      'Move or remove the hyphen at the 23rd character, or give a name of at most 23 characters.');
  }
  if (/^atlas-[a-z0-9]{6}$/.test(name)) {
    throw propError(scope, 'mongo.clusterName', `'${name}' looks like an Atlas host name (atlas-xxxxxx), which Atlas reserves`, fix);
  }
}

/** Atlas project names: at most 64 letters, digits, spaces and ( ) @ & + : . _ - ' , characters. */
function checkProjectName(scope: IConstruct, name: string | undefined): void {
  if (known(name) && !/^[A-Za-z0-9 ()@&+:._',-]{1,64}$/.test(name)) {
    throw propError(scope, 'mongo.projectName', `'${name}' is not an Atlas project name`,
      'Use at most 64 letters, digits, spaces and ( ) @ & + : . _ - \' , characters; or leave it unset for a name unique per deployment.');
  }
}

/**
 * The database Membrane uses: MongoDB refuses `/\\. "$` and names of 64 characters or more ("Naming Restrictions"), and
 * the name is the path of MONGO_URI, so only letters, digits, `_` and `-` are taken. `admin`, `local` and `config` are
 * MongoDB's own.
 */
function checkDatabaseName(scope: IConstruct, name: string | undefined): void {
  if (!known(name)) return;
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) {
    throw propError(scope, 'mongo.databaseName', `'${name}' is not a database name MongoDB and a connection string take`,
      'Use at most 63 letters, digits, underscores and hyphens, e.g. \'membrane\'.');
  }
  if (['admin', 'local', 'config'].includes(name.toLowerCase())) {
    throw propError(scope, 'mongo.databaseName', `'${name}' is one of MongoDB's own databases`,
      'Give a database of Membrane\'s own, e.g. \'membrane\'.');
  }
}
