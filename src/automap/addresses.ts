// Whether a router's external address is one the internet can reach. A router that reports a private, shared or
// reserved address sits behind another NAT (double NAT or carrier-grade NAT): a mapping on it reaches nobody outside.

import { BlockList, isIPv4 } from 'node:net';
import { PRIVATE_RANGES } from '../proxy/addresses.js';

/** The exit's table of non-public IPv4 ranges, plus the documentation ranges (never routed on the internet). */
export const NON_PUBLIC_IPV4: ReadonlyArray<readonly [address: string, prefix: number, why: string]> = [
  ...PRIVATE_RANGES.filter(([address]) => isIPv4(address)),
  ['192.0.2.0', 24, 'documentation (TEST-NET-1)'],
  ['198.51.100.0', 24, 'documentation (TEST-NET-2)'],
  ['203.0.113.0', 24, 'documentation (TEST-NET-3)'],
];

const ranges = NON_PUBLIC_IPV4.map(([address, prefix, why]) => {
  const block = new BlockList();
  block.addSubnet(address, prefix, 'ipv4');
  return { block, why };
});

/** Why an IPv4 address is not public ("private (RFC 1918)", …), or undefined when it is public or not IPv4. */
export function whyNotPublic(ip: string): string | undefined {
  if (!isIPv4(ip)) return undefined;
  return ranges.find(({ block }) => block.check(ip, 'ipv4'))?.why;
}

/** True for an IPv4 literal outside every non-public range; false for anything else, IPv6 included. */
export function isPublicIPv4(ip: string): boolean {
  return isIPv4(ip) && whyNotPublic(ip) === undefined;
}
