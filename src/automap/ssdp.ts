// SSDP discovery of an Internet Gateway Device, pure of I/O: the M-SEARCH requests and a strict parser of the
// unicast HTTP-over-UDP answer. Only LOCATION and ST are used; the device description is fetched from LOCATION.

import { isIPv4 } from 'node:net';
import { malformed } from './errors.js';

export const SSDP_ADDRESS = '239.255.255.250';
export const SSDP_PORT = 1900;
export const MX_SECONDS = 2;
export const MAX_REPLY_BYTES = 2048;
export const MAX_HEADERS = 30;

/** What a search asks for: IGD v1 and v2 devices, and the WAN connection services for routers that only answer those. */
export const SEARCH_TARGETS = [
  'urn:schemas-upnp-org:device:InternetGatewayDevice:1',
  'urn:schemas-upnp-org:device:InternetGatewayDevice:2',
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANIPConnection:2',
] as const;

export interface SsdpReply {
  /** The device description's http:// URL, on the replying router. */
  location: string;
  st: string;
}

export function encodeSearch(target: string, host = `${SSDP_ADDRESS}:${SSDP_PORT}`): Buffer {
  return Buffer.from(`M-SEARCH * HTTP/1.1\r\nHOST: ${host}\r\nMAN: "ssdp:discover"\r\nMX: ${MX_SECONDS}\r\nST: ${target}\r\n\r\n`, 'latin1');
}

const STATUS_LINE = /^HTTP\/1\.1 200 OK$/i;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
// Printable ASCII and tabs only: a reply with control bytes or non-ASCII is not one a router wrote.
const PRINTABLE = /^[\t\x20-\x7e]*$/;

/**
 * Parses one reply to an M-SEARCH received from `from` (the sender's IPv4 address). Throws a malformed AutomapError
 * unless it is a bounded `HTTP/1.1 200 OK` with CRLF lines, at most MAX_HEADERS headers, one LOCATION that is an
 * http:// URL on `from`, and one ST that is one of SEARCH_TARGETS.
 */
export function parseSsdpReply(buf: Buffer, from: string): SsdpReply {
  const what = 'SSDP reply';
  if (buf.length > MAX_REPLY_BYTES) throw malformed(what, `${buf.length} bytes exceed ${MAX_REPLY_BYTES}`);
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw malformed(what, 'no end of headers');
  if (end + 4 !== text.length) throw malformed(what, 'bytes after the headers');
  const lines = text.slice(0, end).split('\r\n');
  if (!STATUS_LINE.test(lines[0] ?? '')) throw malformed(what, 'not an HTTP/1.1 200 OK');
  if (lines.length - 1 > MAX_HEADERS) throw malformed(what, `more than ${MAX_HEADERS} headers`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (!PRINTABLE.test(line)) throw malformed(what, 'a header with control or non-ASCII bytes');
    const m = HEADER_LINE.exec(line);
    if (!m) throw malformed(what, 'a header line without a name');
    const name = (m[1] as string).toLowerCase();
    if ((name === 'location' || name === 'st') && headers.has(name)) throw malformed(what, `two ${name.toUpperCase()} headers`);
    headers.set(name, m[2] as string);
  }
  const location = headers.get('location');
  const st = headers.get('st');
  if (location === undefined || st === undefined) throw malformed(what, 'LOCATION or ST missing');
  if (!(SEARCH_TARGETS as readonly string[]).includes(st)) throw malformed(what, `ST ${st} was not searched for`);
  return { location: checkLocation(location, from), st };
}

/** LOCATION must be an http:// URL whose host is the IPv4 address the reply came from. */
function checkLocation(location: string, from: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw malformed('SSDP reply', 'LOCATION is not a URL');
  }
  if (url.protocol !== 'http:') throw malformed('SSDP reply', 'LOCATION is not http://');
  if (!isIPv4(url.hostname) || url.hostname !== from) throw malformed('SSDP reply', `LOCATION points to ${url.hostname}, not the replying router ${from}`);
  if (url.username || url.password) throw malformed('SSDP reply', 'LOCATION carries credentials');
  return url.href;
}
