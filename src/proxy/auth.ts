// Pure codecs of the proxy's credentials: HTTP Basic in Proxy-Authorization (RFC 7617) and the SOCKS5
// username/password sub-negotiation (RFC 1929), and their constant-time check. Nothing here logs: the password
// must never reach a log line.

import { createHash, timingSafeEqual } from 'node:crypto';
import { MasqError } from '../system/index.js';
import type { Parsed } from './socks5.js';

export interface Credentials {
  user: string;
  password: string;
}

/** SOCKS5 method "username/password" and the version byte of its sub-negotiation. */
export const USERPASS_METHOD = 0x02;
const USERPASS_VERSION = 0x01;
/** The longest sub-negotiation request: what a reader ever needs to buffer. */
export const MAX_USERPASS = 3 + 255 + 255;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Whether `given` are `expected`, in a time that depends on neither: both sides are hashed to equal lengths first,
 * and both comparisons always run.
 */
export function credentialsMatch(expected: Credentials, given: Credentials): boolean {
  const user = timingSafeEqual(digest(expected.user), digest(given.user));
  const password = timingSafeEqual(digest(expected.password), digest(given.password));
  return user && password;
}

/** Throws unless both Basic and RFC 1929 can carry `c`. */
export function checkCredentials(c: Credentials): void {
  if (c.user.length === 0 || c.user.includes(':') || Buffer.byteLength(c.user) > 255 || Buffer.byteLength(c.password) > 255) {
    throw new MasqError('CONFIG_INVALID', 'The proxy user name must have 1 to 255 bytes and no ":", and the proxy password at most 255 bytes.', 'Choose another proxy user name or password.');
  }
}

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/** The credentials of the Proxy-Authorization header values of a request; undefined unless exactly one Basic. */
export function basicCredentials(values: readonly string[]): Credentials | undefined {
  if (values.length !== 1) return undefined;
  const m = BASIC.exec(values[0] as string);
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** A Proxy-Authorization header value for `c` (clients and tests). */
export function encodeBasic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.user}:${c.password}`, 'utf8').toString('base64')}`;
}

/** RFC 1929 request: VER 0x01, ULEN, UNAME, PLEN, PASSWD. Lengths may be 0 (then no match, unless configured so). */
export function parseUserPass(buf: Buffer): Parsed<Credentials> {
  if (buf.length < 2) return { kind: 'incomplete' };
  if (buf[0] !== USERPASS_VERSION) return { kind: 'invalid', why: 'not username/password version 1' };
  const ulen = buf[1] as number;
  if (buf.length < 2 + ulen + 1) return { kind: 'incomplete' };
  const plen = buf[2 + ulen] as number;
  const end = 3 + ulen + plen;
  if (buf.length < end) return { kind: 'incomplete' };
  return { kind: 'ok', length: end, user: buf.subarray(2, 2 + ulen).toString('utf8'), password: buf.subarray(3 + ulen, end).toString('utf8') };
}

export function encodeUserPass(c: Credentials): Buffer {
  const user = Buffer.from(c.user, 'utf8');
  const password = Buffer.from(c.password, 'utf8');
  if (user.length > 255 || password.length > 255) throw new RangeError('RFC 1929 names and passwords have at most 255 bytes');
  return Buffer.concat([Buffer.from([USERPASS_VERSION, user.length]), user, Buffer.from([password.length]), password]);
}

/** The server's answer to the sub-negotiation: status 0x00 lets the client on, anything else closes. */
export function userPassReply(ok: boolean): Buffer {
  return Buffer.from([USERPASS_VERSION, ok ? 0x00 : 0x01]);
}
