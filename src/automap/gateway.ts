// The default IPv4 gateway (the router to ask for a mapping) from Linux's /proc/net/route. Addresses there are
// the raw network-order bytes printed as one host-order hex number, so a little-endian machine shows 192.168.1.1
// as 0101A8C0.

import { open } from 'node:fs/promises';
import { endianness } from 'node:os';

export const MAX_ROUTE_TEXT = 64 * 1024;
const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

export interface DefaultGateway {
  iface: string;
  gateway: string;
}

function hexAddress(hex: string, littleEndian: boolean): string | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const bytes = Buffer.from(hex, 'hex');
  return [...(littleEndian ? bytes.reverse() : bytes)].join('.');
}

/**
 * The default route with the lowest metric that is up and goes through a gateway, or undefined. Lines that do not
 * parse are skipped (the kernel writes the file; an odd line is not a reason to give up on the others); text beyond
 * MAX_ROUTE_TEXT is not read.
 */
export function parseDefaultGateway(text: string, littleEndian = endianness() === 'LE'): DefaultGateway | undefined {
  let best: (DefaultGateway & { metric: number }) | undefined;
  for (const line of text.slice(0, MAX_ROUTE_TEXT).split('\n').slice(1)) {
    const [iface, destination, gateway, flags, , , metric, mask] = line.trim().split(/\s+/);
    if (!iface || destination !== '00000000' || mask !== '00000000' || !flags || !/^[0-9A-Fa-f]{1,4}$/.test(flags)) continue;
    const f = parseInt(flags, 16);
    const address = hexAddress(gateway ?? '', littleEndian);
    const m = Number(metric);
    if ((f & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY) || !address || address === '0.0.0.0' || !Number.isInteger(m)) continue;
    if (!best || m < best.metric) best = { iface, gateway: address, metric: m };
  }
  return best && { iface: best.iface, gateway: best.gateway };
}

/**
 * Reads the routing table (or another file, for tests) and returns its default gateway. Through /proc/self: the
 * systemd unit's ProcSubset=pid hides /proc/net, never the process's own directory.
 */
export async function readDefaultGateway(path = '/proc/self/net/route'): Promise<DefaultGateway | undefined> {
  const file = await open(path, 'r');
  try {
    const buf = Buffer.alloc(MAX_ROUTE_TEXT);
    let filled = 0;
    // procfs may hand the text over in several reads.
    for (let n = -1; n !== 0 && filled < MAX_ROUTE_TEXT; filled += n) n = (await file.read(buf, filled, MAX_ROUTE_TEXT - filled, null)).bytesRead;
    return parseDefaultGateway(buf.toString('latin1', 0, filled));
  } finally {
    await file.close();
  }
}
