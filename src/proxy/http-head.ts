// Pure, bounded parser of an HTTP/1.x request head, its encoder, and the rewrite of a proxy request for the server.
// Nothing here touches a socket: bytes in, a typed result out.

export interface Head {
  method: string;
  target: string;
  version: string;
  /** Names as sent; values without surrounding whitespace. */
  headers: Array<[string, string]>;
}

export interface ParsedHead extends Head {
  /** Bytes of the head including the blank line; what follows is body or further requests. */
  length: number;
}

export type HeadResult = { kind: 'incomplete' } | { kind: 'too-large' } | { kind: 'malformed'; why: string } | { kind: 'head'; head: ParsedHead };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const VERSION = /^HTTP\/1\.[01]$/;
export const MAX_HEADERS = 128;

const CR = 0x0d;
const LF = 0x0a;
const TAB = 0x09;

/** The first byte that cannot be in a head (control characters, lone CR or LF), or -1. Reads at most `end` bytes. */
function firstBadByte(buf: Buffer, end: number): number {
  for (let i = 0; i < end; i++) {
    const c = buf[i] as number;
    if (c === CR) {
      if (i + 1 < end && buf[i + 1] !== LF) return i;
    } else if (c === LF) {
      if (i === 0 || buf[i - 1] !== CR) return i;
    } else if ((c < 0x20 && c !== TAB) || c === 0x7f) {
      return i;
    }
  }
  return -1;
}

function hasSpaceOrControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Parses a request head from the start of `buf`, reading no more than `maxBytes` bytes of it. */
export function parseHead(buf: Buffer, maxBytes: number): HeadResult {
  const window = buf.subarray(0, maxBytes);
  const blank = window.indexOf('\r\n\r\n');
  const headEnd = blank < 0 ? window.length : blank + 2;
  if (firstBadByte(window, headEnd) >= 0) return { kind: 'malformed', why: 'control character or bare line break in the head' };
  if (blank < 0) return buf.length >= maxBytes ? { kind: 'too-large' } : { kind: 'incomplete' };
  const lines = window.subarray(0, blank).toString('latin1').split('\r\n');
  const parts = (lines[0] ?? '').split(' ');
  if (parts.length !== 3) return { kind: 'malformed', why: 'request line is not "METHOD target HTTP/1.x"' };
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method)) return { kind: 'malformed', why: 'bad method' };
  if (!VERSION.test(version)) return { kind: 'malformed', why: 'unsupported HTTP version' };
  if (target.length === 0 || hasSpaceOrControl(target)) return { kind: 'malformed', why: 'bad request target' };
  if (lines.length - 1 > MAX_HEADERS) return { kind: 'too-large' };
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { kind: 'malformed', why: 'header line without a name' };
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return { kind: 'malformed', why: 'bad header name' };
    headers.push([name, line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }
  return { kind: 'head', head: { method, target, version, headers, length: blank + 4 } };
}

/** The bytes of a head; `parseHead` reads them back as the same head. */
export function formatHead(head: Head): Buffer {
  const lines = [`${head.method} ${head.target} ${head.version}`, ...head.headers.map(([n, v]) => `${n}: ${v}`), '', ''];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

export function headerValues(head: Head, name: string): string[] {
  const lower = name.toLowerCase();
  return head.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** "host:port", "[v6]:port" or "host" (with a default port) into a target; undefined if it is not one. */
export function parseAuthority(authority: string, defaultPort: number | undefined): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]/@\s]+))(?::([0-9]{1,5}))?$/.exec(authority);
  if (!m) return undefined;
  const host = (m[1] ?? m[2] ?? '').toLowerCase();
  const port = m[3] !== undefined ? Number(m[3]) : defaultPort;
  if (!host || port === undefined || port < 1 || port > 65535) return undefined;
  return { host, port };
}

/** Headers for this connection only (RFC 9110 §7.6.1), never passed on; Connection may name more. */
const HOP_BY_HOP = ['connection', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'keep-alive', 'te', 'trailer', 'upgrade'];

export type ProxyRequest =
  | { kind: 'connect'; host: string; port: number }
  | { kind: 'forward'; host: string; port: number; head: Buffer }
  | { kind: 'bad'; why: string };

function hostHeader(t: { host: string; port: number }): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return t.port === 80 ? host : `${host}:${t.port}`;
}

/**
 * What a client asks for: a CONNECT tunnel, or a request to forward. Forwarded requests are rewritten to origin
 * form, lose their hop-by-hop headers and get `Connection: close`, so one client connection carries one request
 * to one server. For an absolute URI, Host is set from the URI (RFC 9112 §3.2.2).
 */
export function interpret(head: Head): ProxyRequest {
  if (head.method === 'CONNECT') {
    const t = parseAuthority(head.target, undefined);
    return t ? { kind: 'connect', ...t } : { kind: 'bad', why: 'CONNECT needs host:port' };
  }
  const hosts = headerValues(head, 'host');
  if (hosts.length > 1) return { kind: 'bad', why: 'more than one Host header' };
  let target: { host: string; port: number } | undefined;
  let path = head.target;
  let fromUri = false;
  if (/^[a-z][a-z0-9+.-]*:/i.test(head.target)) {
    const m = /^http:\/\/([^/?#]*)([^#]*)/i.exec(head.target);
    if (!m) return { kind: 'bad', why: 'only http:// URLs can be forwarded; use CONNECT for https' };
    target = parseAuthority(m[1] ?? '', 80);
    path = m[2] ? (m[2].startsWith('/') ? m[2] : `/${m[2]}`) : '/';
    fromUri = true;
  } else if (head.target.startsWith('/')) {
    target = hosts[0] !== undefined ? parseAuthority(hosts[0], 80) : undefined;
  }
  if (!target) return { kind: 'bad', why: 'no usable host in the request' };
  const drop = new Set(HOP_BY_HOP);
  for (const v of headerValues(head, 'connection')) for (const t of v.split(',')) drop.add(t.trim().toLowerCase());
  if (fromUri) drop.add('host');
  const headers = head.headers.filter(([n]) => !drop.has(n.toLowerCase()));
  if (fromUri || hosts.length === 0) headers.unshift(['Host', hostHeader(target)]);
  headers.push(['Connection', 'close']);
  return { kind: 'forward', ...target, head: formatHead({ method: head.method, target: path, version: head.version, headers }) };
}
