// Which site a request to the box's port 80 is for, read from its first bytes: its Host (port 443 needs no such
// reading here: the Node's proxy reads TLS SNI itself). Pure and bounded; doors.ts feeds it what came so far.

import { headerValues, parseAuthority, parseHead } from '../proxy/index.js';

/** The most of a request head read before giving up on it. */
export const MAX_HTTP_HEAD = 16 * 1024;

export type Peek = { kind: 'incomplete' } | { kind: 'bad'; why: string } | { kind: 'target'; host: string };

/** The Host of a plain HTTP request (the port is the door's: a device that came to port 80 asked for port 80). */
export function httpTarget(buf: Buffer): Peek {
  const r = parseHead(buf, MAX_HTTP_HEAD);
  if (r.kind === 'incomplete') return r;
  if (r.kind === 'too-large') return { kind: 'bad', why: 'the request head is too large' };
  if (r.kind === 'malformed') return { kind: 'bad', why: r.why };
  const hosts = headerValues(r.head, 'host');
  if (hosts.length !== 1) return { kind: 'bad', why: hosts.length === 0 ? 'the request has no Host header' : 'the request has more than one Host header' };
  const t = parseAuthority(hosts[0] as string, 80);
  return t ? { kind: 'target', host: t.host.toLowerCase() } : { kind: 'bad', why: 'the Host header is not a host name' };
}
