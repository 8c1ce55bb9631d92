// The one table of destinations an exit refuses unless exit-private-destinations is on: loopback, private,
// link-local and other non-public ranges, for IPv4 and IPv6.

import { BlockList, isIP } from 'node:net';

export const PRIVATE_RANGES: ReadonlyArray<readonly [address: string, prefix: number, why: string]> = [
  ['0.0.0.0', 8, 'this network (0.0.0.0 is "any address")'],
  ['10.0.0.0', 8, 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'private (RFC 1918)'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved and broadcast'],
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'IPv4-compatible (deprecated)'],
  ['::ffff:0:0', 96, 'IPv4-mapped'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
];

// One list per family: a BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules too, and every IPv4
// address would then fall under ::ffff:0:0/96.
const lists = { ipv4: new BlockList(), ipv6: new BlockList() } as const;
for (const [address, prefix] of PRIVATE_RANGES) {
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  lists[family].addSubnet(address, prefix, family);
}

/** Whether an exit must refuse this address (an IP literal). Anything that is not an IP literal is refused too. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return true;
  const kind = family === 4 ? 'ipv4' : 'ipv6';
  return lists[kind].check(ip, kind);
}

/** The 4 or 16 bytes of an IP literal (as DNS and SOCKS carry it); IPv6 in any spelling, zone dropped. */
export function ipBytes(ip: string): Buffer {
  const family = isIP(ip);
  if (family === 4) return Buffer.from(ip.split('.').map(Number));
  if (family !== 6) throw new RangeError(`${ip} is not an IP address`);
  // The URL parser writes IPv6 in its shortest form with hex groups only (an embedded IPv4 part becomes two).
  const short = new URL(`http://[${ip.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  const [head = '', tail = ''] = short.split('::');
  const left = head ? head.split(':') : [];
  const right = short.includes('::') && tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
