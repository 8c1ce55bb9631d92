// Pure SOCKS5 codec (RFC 1928): greeting, request and reply, both ways. No authentication besides "none":
// the proxy listens on loopback or on the owner's own network.

import { isIP } from 'node:net';
import { ipBytes } from './ip-bytes.js';

export const SOCKS_VERSION = 0x05;
export const NO_AUTH = 0x00;
export const NO_ACCEPTABLE_METHOD = 0xff;
export const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;

/** Longest greeting and request: what a reader ever needs to buffer. */
export const MAX_GREETING = 2 + 255;
export const MAX_REQUEST = 4 + 1 + 255 + 2;

export type Parsed<T> = { kind: 'incomplete' } | { kind: 'invalid'; why: string } | ({ kind: 'ok'; length: number } & T);

export function parseGreeting(buf: Buffer): Parsed<{ methods: number[] }> {
  if (buf.length < 2) return { kind: 'incomplete' };
  if (buf[0] !== SOCKS_VERSION) return { kind: 'invalid', why: 'not SOCKS version 5' };
  const n = buf[1] as number;
  if (n === 0) return { kind: 'invalid', why: 'no authentication methods offered' };
  if (buf.length < 2 + n) return { kind: 'incomplete' };
  return { kind: 'ok', length: 2 + n, methods: [...buf.subarray(2, 2 + n)] };
}

export function encodeGreeting(methods: number[]): Buffer {
  return Buffer.from([SOCKS_VERSION, methods.length, ...methods]);
}

/** An address and port as SOCKS carries them: `host` is an IPv4 or IPv6 literal or a domain name. */
export interface SocksAddress {
  host: string;
  port: number;
}

export interface SocksRequest extends SocksAddress {
  command: number;
  /** The address type is one SOCKS5 does not define (reply 0x08); host and port are then empty. */
  badAddressType?: boolean;
}

const DOMAIN = /^[A-Za-z0-9._:-]+$/;

/** IPv6 in its shortest form (RFC 5952), as the URL parser writes it. */
function compressV6(groups: string): string {
  return new URL(`http://[${groups}]/`).hostname.slice(1, -1);
}

type AddressResult = { kind: 'incomplete' } | { kind: 'invalid'; why: string } | { kind: 'unknown' } | { kind: 'ok'; host: string; port: number; end: number };

/** Reads ATYP, address and port starting at `at`. */
function parseAddress(buf: Buffer, at: number): AddressResult {
  if (buf.length < at + 1) return { kind: 'incomplete' };
  const atyp = buf[at] as number;
  let host: string;
  let p: number;
  if (atyp === ATYP_IPV4) {
    p = at + 1 + 4;
    if (buf.length < p + 2) return { kind: 'incomplete' };
    host = [...buf.subarray(at + 1, p)].join('.');
  } else if (atyp === ATYP_DOMAIN) {
    if (buf.length < at + 2) return { kind: 'incomplete' };
    const len = buf[at + 1] as number;
    if (len === 0) return { kind: 'invalid', why: 'empty domain name' };
    p = at + 2 + len;
    if (buf.length < p + 2) return { kind: 'incomplete' };
    host = buf.subarray(at + 2, p).toString('latin1');
    if (!DOMAIN.test(host)) return { kind: 'invalid', why: 'domain name with characters a host name cannot have' };
    host = host.toLowerCase();
  } else if (atyp === ATYP_IPV6) {
    p = at + 1 + 16;
    if (buf.length < p + 2) return { kind: 'incomplete' };
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(at + 1 + i * 2).toString(16));
    host = compressV6(groups.join(':'));
  } else {
    return { kind: 'unknown' };
  }
  return { kind: 'ok', host, port: buf.readUInt16BE(p), end: p + 2 };
}

function encodeAddress(a: SocksAddress): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(a.port & 0xffff);
  const family = isIP(a.host);
  if (family !== 0) return Buffer.concat([Buffer.from([family === 4 ? ATYP_IPV4 : ATYP_IPV6]), ipBytes(a.host), port]);
  const name = Buffer.from(a.host, 'latin1');
  if (name.length === 0 || name.length > 255) throw new RangeError('a SOCKS5 domain name has 1 to 255 bytes');
  return Buffer.concat([Buffer.from([ATYP_DOMAIN, name.length]), name, port]);
}

export function parseRequest(buf: Buffer): Parsed<SocksRequest> {
  if (buf.length < 4) return { kind: 'incomplete' };
  if (buf[0] !== SOCKS_VERSION) return { kind: 'invalid', why: 'not SOCKS version 5' };
  const command = buf[1] as number;
  const a = parseAddress(buf, 3);
  if (a.kind === 'unknown') return { kind: 'ok', length: 4, command, host: '', port: 0, badAddressType: true };
  if (a.kind !== 'ok') return a;
  return { kind: 'ok', length: a.end, command, host: a.host, port: a.port };
}

export function encodeRequest(command: number, target: SocksAddress): Buffer {
  return Buffer.concat([Buffer.from([SOCKS_VERSION, command, 0x00]), encodeAddress(target)]);
}

/** A reply with the bound address of the upstream stream (0.0.0.0:0 when there is none to tell). */
export function encodeReply(rep: number, bound: SocksAddress = { host: '0.0.0.0', port: 0 }): Buffer {
  const address = isIP(bound.host) === 0 ? { host: '0.0.0.0', port: bound.port } : bound;
  return Buffer.concat([Buffer.from([SOCKS_VERSION, rep, 0x00]), encodeAddress(address)]);
}

export function parseReply(buf: Buffer): Parsed<{ rep: number } & SocksAddress> {
  if (buf.length < 4) return { kind: 'incomplete' };
  if (buf[0] !== SOCKS_VERSION) return { kind: 'invalid', why: 'not SOCKS version 5' };
  const a = parseAddress(buf, 3);
  if (a.kind === 'unknown') return { kind: 'invalid', why: 'unknown address type' };
  if (a.kind !== 'ok') return a;
  return { kind: 'ok', length: a.end, rep: buf[1] as number, host: a.host, port: a.port };
}
