// Whether a peer is on the hotspot's network: the server side of hotspot-net.ts (node:net stays out of the page).

import { BlockList, isIPv4 } from 'node:net';
import { HOTSPOT_NET } from './hotspot-net.js';

const hotspotRange = new BlockList();
hotspotRange.addSubnet(HOTSPOT_NET.address, HOTSPOT_NET.prefix, 'ipv4');

/** Whether a plain IPv4 address (no ::ffff: form) is on the hotspot's network. */
export function inHotspotNet(ip: string): boolean {
  return isIPv4(ip) && hotspotRange.check(ip, 'ipv4');
}
