import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SUBNETS } from './defaults';
import { known, propError, requireInteger } from '../common/validation';

/** The largest and the smallest VPC EC2 creates: /16 to /28 ("CreateVpc"). */
const VPC_MASKS = { largest: 16, smallest: 28 } as const;

/** Checks the props of a `MembraneNetwork`, with `maxAzs` and `cidr` defaulted. */
export function validateNetworkProps(scope: Construct, natGateways: number | undefined, maxAzs: number, cidr: string): void {
  requireInteger(scope, 'maxAzs', maxAzs, 2, 3);
  requireInteger(scope, 'natGateways', natGateways, 1, maxAzs);
  validateCidr(scope, cidr, maxAzs);
}

/**
 * The VPC's range: an IPv4 network address (no host bits) with a mask EC2 accepts for a VPC, and room for the subnets of
 * every Availability Zone. aws-cdk-lib parses the range at synth time to carve the subnets, so it cannot be a token; a
 * range with host bits set gives subnets outside the VPC, and one without the room fails inside aws-cdk-lib.
 */
function validateCidr(scope: Construct, cidr: string, maxAzs: number): void {
  if (Token.isUnresolved(cidr)) {
    throw propError(scope, 'cidr', 'a range known only at deploy time cannot be split into subnets at synth time',
      'Give the CIDR block as a literal, e.g. \'10.0.0.0/16\'.');
  }
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  if (!match || octets.some(octet => octet > 255)) {
    throw propError(scope, 'cidr', `'${cidr}' is not an IPv4 CIDR block`, 'Give four numbers from 0 to 255 and a mask, e.g. \'10.0.0.0/16\'.');
  }
  const mask = Number(match[5]);
  if (mask < VPC_MASKS.largest || mask > VPC_MASKS.smallest) {
    throw propError(scope, 'cidr', `/${mask} is not a VPC size`,
      `A VPC's mask is /${VPC_MASKS.largest} to /${VPC_MASKS.smallest}; e.g. '10.0.0.0/16'.`);
  }
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const size = 2 ** (32 - mask);
  if (address % size !== 0) {
    const network = address - (address % size);
    const text = [24, 16, 8, 0].map(shift => Math.floor(network / 2 ** shift) % 256).join('.');
    throw propError(scope, 'cidr', `'${cidr}' has host bits set, so the subnets would be carved outside the VPC`,
      `Give the network address: '${text}/${mask}'.`);
  }
  if (!known(maxAzs)) return;
  const needed = addressesFor(maxAzs);
  if (needed > size) {
    const fits = 32 - Math.ceil(Math.log2(needed));
    throw propError(scope, 'cidr', `/${mask} has ${size} addresses, too few for the subnets of ${maxAzs} Availability Zones `
      + `(${SUBNETS.map(subnet => `${subnet.name} /${subnet.cidrMask}`).join(', ')} in each)`,
    `Give a /${fits} or larger block, e.g. '10.0.0.0/16'.`);
  }
}

/** Addresses the subnets of `azs` Availability Zones take, each block aligned to its size as aws-cdk-lib carves them. */
function addressesFor(azs: number): number {
  let next = 0;
  for (const subnet of SUBNETS) {
    const block = 2 ** (32 - subnet.cidrMask!);
    for (let az = 0; az < azs; az++) next = Math.ceil(next / block) * block + block;
  }
  return next;
}
