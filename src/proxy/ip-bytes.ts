// IP literals as bytes, as DNS and SOCKS carry them.

import { isIP } from 'node:net';

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
