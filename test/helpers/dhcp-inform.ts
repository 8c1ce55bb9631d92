// A DHCPINFORM (RFC 2131 §3.4) from a host that already has its address: "which options would you give me?". The
// packet is built and the answer parsed here; a few lines of plain JavaScript inside the host's namespace send it
// from UDP port 68 and print the answer in hex.

import type { Host } from './netns.js';

/** RFC 2131's layout: op … file (figure 1), the magic cookie at 236, the options from 240. */
const LAYOUT = { bootRequest: 1, bootReply: 2, cookie: 0x63825363, cookieAt: 236, optionsAt: 240, minSize: 300 } as const;
/** A reply bigger than an Ethernet frame is not one. */
const MAX_PACKET = 1500;
export const DHCP = { MESSAGE_TYPE: 53, PARAMETER_LIST: 55, PAD: 0, END: 255, INFORM: 8, ACK: 5 } as const;

export interface DhcpPacket {
  op: number;
  xid: number;
  ciaddr: string;
  /** Options by code; a code sent twice is joined (RFC 3396). */
  options: Map<number, Buffer>;
}

const ipBytes = (ip: string): number[] => ip.split('.').map(Number);
const ipText = (b: Buffer, at: number): string => [...b.subarray(at, at + 4)].join('.');

/** A DHCPINFORM from `address` (hardware address `mac`, aa:bb:…) asking for the options in `wanted`. */
export function informPacket(xid: number, address: string, mac: string, wanted: readonly number[]): Buffer {
  const p = Buffer.alloc(LAYOUT.minSize);
  p.writeUInt8(LAYOUT.bootRequest, 0);
  p.writeUInt8(1, 1); // Ethernet
  p.writeUInt8(6, 2);
  p.writeUInt32BE(xid >>> 0, 4);
  Buffer.from(ipBytes(address)).copy(p, 12);
  Buffer.from(mac.split(':').map((h) => parseInt(h, 16))).copy(p, 28);
  p.writeUInt32BE(LAYOUT.cookie, LAYOUT.cookieAt);
  Buffer.from([DHCP.MESSAGE_TYPE, 1, DHCP.INFORM, DHCP.PARAMETER_LIST, wanted.length, ...wanted, DHCP.END]).copy(p, LAYOUT.optionsAt);
  return p;
}

/** Parses a DHCP packet, or throws when it is not one; never reads past the packet. */
export function parseDhcp(p: Buffer): DhcpPacket {
  if (p.length < LAYOUT.optionsAt || p.length > MAX_PACKET) throw new Error(`A DHCP packet has ${LAYOUT.optionsAt} to ${MAX_PACKET} bytes, not ${p.length}`);
  if (p.readUInt32BE(LAYOUT.cookieAt) !== LAYOUT.cookie) throw new Error('No DHCP magic cookie');
  const options = new Map<number, Buffer>();
  let i = LAYOUT.optionsAt;
  while (i < p.length) {
    const code = p[i] ?? DHCP.END;
    if (code === DHCP.END) break;
    if (code === DHCP.PAD) { i++; continue; }
    const len = p[i + 1];
    if (len === undefined || i + 2 + len > p.length) throw new Error(`Option ${code} runs past the packet`);
    const value = p.subarray(i + 2, i + 2 + len);
    options.set(code, Buffer.concat([options.get(code) ?? Buffer.alloc(0), value]));
    i += 2 + len;
  }
  return { op: p[0] ?? 0, xid: p.readUInt32BE(4), ciaddr: ipText(p, 12), options };
}

// Runs in the host: binds UDP 68 (the answer comes to the client port, unicast or broadcast), sends, prints the
// first answer in hex, or exits 3 after the timeout.
const NS_SIDE = `
const dgram = require('node:dgram');
const [server, hex, ms] = process.argv.slice(1);
const s = dgram.createSocket('udp4');
const timer = setTimeout(() => { console.error('no answer'); process.exit(3); }, Number(ms));
s.on('message', (m, from) => { if (from.port === 67) { clearTimeout(timer); console.log(m.toString('hex')); s.close(); } });
s.bind(68, '0.0.0.0', () => s.send(Buffer.from(hex, 'hex'), 67, server));
`;

/** Sends a DHCPINFORM from `host` (address `address`) to `server` and returns the server's DHCPACK. */
export async function dhcpInform(host: Host, address: string, server: string, wanted: readonly number[], timeoutMs = 5000): Promise<DhcpPacket> {
  const link = await host.exec('ip', ['-j', 'link', 'show']);
  const mac = (JSON.parse(link.stdout) as Array<{ ifname: string; address?: string }>).find((l) => l.ifname !== 'lo')?.address ?? '00:00:00:00:00:00';
  const xid = Math.floor(Math.random() * 2 ** 32);
  const r = await host.exec('node', ['-e', NS_SIDE, server, informPacket(xid, address, mac, wanted).toString('hex'), String(timeoutMs)], { timeoutMs: timeoutMs + 5000 });
  if (r.code !== 0) throw new Error(`DHCPINFORM to ${server} got no answer (${r.code}): ${r.stderr.trim()}`);
  const reply = parseDhcp(Buffer.from(r.stdout.trim(), 'hex'));
  if (reply.op !== LAYOUT.bootReply || reply.xid !== xid >>> 0) throw new Error(`The answer to DHCPINFORM is not ours (op ${reply.op}, xid ${reply.xid})`);
  return reply;
}
