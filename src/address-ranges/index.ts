// The one table of non-public address ranges (loopback, private, link-local, shared, reserved), for IPv4 and IPv6:
// what an exit refuses unless exit-private-destinations is on, and what a router's external address must not be.

import { BlockList, isIP, isIPv4 } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

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

// Whether a router's external address is one the internet can reach. A router that reports a private, shared or
// reserved address sits behind another NAT (double NAT or carrier-grade NAT): a mapping on it reaches nobody outside.
/** The IPv4 ranges of PRIVATE_RANGES, plus the documentation ranges (never routed on the internet). */
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

// Whether a connection's source is on the box's own networks, for services that a home network may use but the
// internet must not. Carrier-grade NAT (100.64/10) is not one: addresses there are shared with strangers.
const LOCAL_RANGES: ReadonlyArray<readonly [address: string, prefix: number]> = [
  ['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['169.254.0.0', 16],
  ['::1', 128], ['fc00::', 7], ['fe80::', 10],
];
const localLists = { ipv4: new BlockList(), ipv6: new BlockList() } as const;
for (const [address, prefix] of LOCAL_RANGES) {
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  localLists[family].addSubnet(address, prefix, family);
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack socket reports IPv4 peers) as plain IPv4. */
export function unmappedIPv4(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m && isIPv4(m[1] as string) ? (m[1] as string) : ip;
}

/** Loopback (127/8, ::1), IPv4-mapped forms included: this machine itself. */
export function isLoopbackAddress(ip: string): boolean {
  const a = unmappedIPv4(ip);
  return a === '::1' || (isIPv4(a) && a.startsWith('127.'));
}

/** "a.b.c.d/n" or "v6/n" as a BlockList rule, or undefined when it is not a CIDR. */
function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const slash = cidr.indexOf('/');
  const address = unmappedIPv4(cidr.slice(0, slash));
  const family = isIP(address);
  const bits = cidr.slice(slash + 1);
  if (slash < 0 || family === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return undefined;
  return { address, prefix: Number(bits), family: family === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * True for loopback, private (RFC 1918), link-local (169.254/16, fe80::/10) and unique local (fc00::/7) addresses,
 * and for any address inside one of `interfaceSubnets` (CIDR strings, as os.networkInterfaces() gives them; one
 * that is not a CIDR is ignored: it cannot contain anything). False for anything that is not an IP literal.
 */
export function localSource(ip: string, interfaceSubnets: readonly string[] = []): boolean {
  return localSourceRule(interfaceSubnets)(ip);
}

/** localSource with the subnets read once, for a caller that asks per packet. */
export function localSourceRule(interfaceSubnets: readonly string[]): (ip: string) => boolean {
  const subnets = new BlockList();
  for (const cidr of interfaceSubnets) {
    const c = parseCidr(cidr);
    if (c) subnets.addSubnet(c.address, c.prefix, c.family);
  }
  return (ip) => {
    const address = unmappedIPv4(ip);
    const family = isIP(address);
    if (family === 0) return false;
    const kind = family === 4 ? 'ipv4' : 'ipv6';
    return localLists[kind].check(address, kind) || subnets.check(address, kind);
  };
}

const toInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const toDotted = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/**
 * The IPv4 networks of the machine's ports as network/prefix, loopback's included (this machine's own clients). A
 * network outside the private ranges on a port (a server's uplink, a public block) is the internet, not a home
 * network, and is left out.
 */
export function interfaceSubnets(ifs: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const nets = Object.values(ifs).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4')).map((i) => {
    const prefix = i.netmask.split('.').reduce((n, part) => n + Number(part).toString(2).replace(/0/g, '').length, 0);
    const network = toDotted(prefix === 0 ? 0 : (toInt(i.address) & toInt(i.netmask)) >>> 0);
    return { cidr: `${network}/${prefix}`, local: i.internal || isPrivateAddress(network) };
  });
  return [...new Set(nets.filter((n) => n.local).map((n) => n.cidr))];
}
