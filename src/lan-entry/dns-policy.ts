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

/** What the DNS server knows of the box, read off its network ports once per look at them (dnsView). */
export interface DnsView {
  /** lan-dns is on. */
  on: boolean;
  /** Whether a source is the box itself (loopback or one of its addresses). */
  fromBox(ip: string): boolean;
  /** Whether a source is on the box's local networks. */
  local(ip: string): boolean;
  /** The box's address to give this client. */
  addressFor(ip: string): string | undefined;
}

/** The box's IPv4 addresses to answer with, each with its network, never the setup hotspot's. */
function servedNetworks(ifs: Interfaces): { address: string; net: BlockList }[] {
  return Object.values(ifs).flatMap((list) => (list ?? []).flatMap((i) => {
    const [net, bits] = (i.cidr ?? '').split('/');
    if (i.family !== 'IPv4' || i.internal || i.address === HOTSPOT_NET.address || net === undefined || bits === undefined) return [];
    const one = new BlockList();
    one.addSubnet(net, Number(bits), 'ipv4');
    return [{ address: i.address, net: one }];
  }));
}

/**
 * The view of the box's ports `ifs`: its address on each client's network, else its first LAN address (a client
 * routed in from another local network); whether a source is the box itself. `local` is the local-networks rule.
 */
export function dnsView(on: boolean, ifs: Interfaces, local: (ip: string) => boolean): DnsView {
  const served = servedNetworks(ifs);
  const own = new Set(Object.values(ifs).flatMap((list) => (list ?? []).map((i) => unmappedIPv4(i.address))));
  return {
    on,
    local,
    fromBox: (client) => {
      const ip = unmappedIPv4(client);
      return isLoopbackAddress(ip) || own.has(ip);
    },
    addressFor: (client) => {
      const ip = unmappedIPv4(client);
      return (isIPv4(ip) ? served.find((s) => s.net.check(ip, 'ipv4'))?.address : undefined) ?? served[0]?.address;
    },
  };
}

export function dnsAction(client: string, view: DnsView): DnsAction {
  if (view.fromBox(client)) return { kind: 'forward' };
  if (!view.local(unmappedIPv4(client))) return { kind: 'drop', why: 'not-local' };
  if (!view.on) return { kind: 'refuse', why: 'off' };
  const ipv4 = view.addressFor(client);
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
