// What the box's DNS server does with a query, by who asks (pure). The home's devices get the box's own address
// for every name, the one on their own network; the box itself (a home router that hands out the box as everyone's
// DNS server hands it to the box too) gets real answers from upstream, so its chain RPC, NTP and apt keep working.

import { BlockList, isIPv4 } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { isLoopbackAddress, unmappedIPv4 } from '../address-ranges/index.js';
import { HOTSPOT_NET } from '../portal/index.js';

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

export type DnsAction =
  | { kind: 'answer'; ipv4: string }
  | { kind: 'forward' }
  | { kind: 'refuse'; why: 'off' | 'no-address' }
  | { kind: 'drop'; why: 'not-local' };

export interface DnsView {
  /** lan-dns is on. */
  on: boolean;
  interfaces: Interfaces;
  /** Whether a source is on the box's local networks (localSource of src/address-ranges, with the box's subnets). */
  local(ip: string): boolean;
}

const servedIPv4 = (ifs: Interfaces): NetworkInterfaceInfo[] =>
  Object.values(ifs).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4' && !i.internal && i.address !== HOTSPOT_NET.address));

/** The box's IPv4 address on the client's network; else its first LAN address (a client routed in from elsewhere). */
export function addressFor(client: string, ifs: Interfaces): string | undefined {
  const ip = unmappedIPv4(client);
  const mine = servedIPv4(ifs);
  if (isIPv4(ip)) {
    for (const i of mine) {
      const [net, bits] = (i.cidr ?? '').split('/');
      if (net === undefined || bits === undefined) continue;
      const one = new BlockList();
      one.addSubnet(net, Number(bits), 'ipv4');
      if (one.check(ip, 'ipv4')) return i.address;
    }
  }
  return mine[0]?.address;
}

/** Whether the query comes from the box itself: loopback, or one of its own addresses. */
export function fromBox(client: string, ifs: Interfaces): boolean {
  const ip = unmappedIPv4(client);
  return isLoopbackAddress(ip) || Object.values(ifs).some((list) => (list ?? []).some((i) => unmappedIPv4(i.address) === ip));
}

export function dnsAction(client: string, view: DnsView): DnsAction {
  if (fromBox(client, view.interfaces)) return { kind: 'forward' };
  if (!view.local(unmappedIPv4(client))) return { kind: 'drop', why: 'not-local' };
  if (!view.on) return { kind: 'refuse', why: 'off' };
  const ipv4 = addressFor(client, view.interfaces);
  return ipv4 ? { kind: 'answer', ipv4 } : { kind: 'refuse', why: 'no-address' };
}

/**
 * The IPv4 default gateways in /proc/net/route's text (the kernel's routing table: hex, little-endian): where the
 * box's own queries go when its resolver is the box itself. Bounded: at most `max` lines are read.
 */
export function defaultGateways(routeTable: string, max = 256): string[] {
  const RTF_GATEWAY = 0x2;
  const out: string[] = [];
  for (const line of routeTable.split('\n').slice(1, max + 1)) {
    const [, destination, gateway, flags, , , , mask] = line.trim().split(/\s+/);
    if (destination !== '00000000' || mask !== '00000000' || gateway === undefined || !/^[0-9A-Fa-f]{8}$/.test(gateway)) continue;
    if ((parseInt(flags ?? '0', 16) & RTF_GATEWAY) === 0) continue;
    const n = parseInt(gateway, 16);
    const ip = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
    if (!out.includes(ip)) out.push(ip);
  }
  return out;
}
