// The one table of destinations an exit refuses unless exit-private-destinations is on: loopback, private,
// link-local and other non-public ranges, for IPv4 and IPv6.

import { BlockList, isIP } from 'node:net';

const V4: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const V6: Array<[string, number]> = [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]];

const blocked = new BlockList();
for (const [a, p] of V4) blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of V6) blocked.addSubnet(a, p, 'ipv6');

/** Whether an exit must refuse this address (an IP literal). Anything that is not an IP is refused too. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return true;
  // BlockList judges IPv4-mapped IPv6 addresses (in any spelling) by the IPv4 rules.
  return blocked.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}
