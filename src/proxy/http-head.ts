// Pure, bounded parser of an HTTP/1.x request head, and the rewrite of a proxy request for the server.

export interface Head {
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
  /** Bytes of the head including the blank line. */
  length: number;
}

export type HeadResult = { kind: 'incomplete' } | { kind: 'too-large' } | { kind: 'malformed'; why: string } | { kind: 'head'; head: Head };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_HEADERS = 128;

function hasControlOrSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

export function parseHead(buf: Buffer, maxBytes: number): HeadResult {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return buf.length >= maxBytes ? { kind: 'too-large' } : { kind: 'incomplete' };
  if (end + 4 > maxBytes) return { kind: 'too-large' };
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const parts = (lines[0] ?? '').split(' ');
  if (parts.length !== 3) return { kind: 'malformed', why: 'request line is not "METHOD target HTTP/1.x"' };
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method)) return { kind: 'malformed', why: 'bad method' };
  if (!/^HTTP\/1\.[01]$/.test(version)) return { kind: 'malformed', why: 'unsupported HTTP version' };
  if (target.length === 0 || hasControlOrSpace(target)) return { kind: 'malformed', why: 'bad request target' };
  if (lines.length - 1 > MAX_HEADERS) return { kind: 'too-large' };
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { kind: 'malformed', why: 'header line without a name' };
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return { kind: 'malformed', why: 'bad header name' };
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { kind: 'head', head: { method, target, version, headers, length: end + 4 } };
}

export function header(head: Head, name: string): string | undefined {
  const lower = name.toLowerCase();
  return head.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
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

const HOP_BY_HOP = new Set(['proxy-connection', 'proxy-authorization', 'keep-alive', 'connection', 'te', 'trailer', 'upgrade']);

export type ProxyRequest =
  | { kind: 'connect'; host: string; port: number }
  | { kind: 'forward'; host: string; port: number; head: Buffer }
  | { kind: 'bad'; why: string };

/**
 * What a proxy client asks for: a CONNECT tunnel, or a request to forward. Forwarded requests are rewritten to
 * origin form without hop-by-hop headers and with `Connection: close`, so one client connection carries one
 * request to one server.
 */
export function interpret(head: Head): ProxyRequest {
  if (head.method === 'CONNECT') {
    const t = parseAuthority(head.target, undefined);
    return t ? { kind: 'connect', ...t } : { kind: 'bad', why: 'CONNECT needs host:port' };
  }
  let target: { host: string; port: number } | undefined;
  let path = head.target;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(head.target)) {
    const m = /^http:\/\/([^/?#]+)([^#]*)/i.exec(head.target);
    if (!m) return { kind: 'bad', why: 'only http:// URLs can be proxied as plain requests; use CONNECT for https' };
    target = parseAuthority(m[1] ?? '', 80);
    path = m[2] || '/';
  } else if (head.target.startsWith('/')) {
    const host = header(head, 'host');
    target = host !== undefined ? parseAuthority(host, 80) : undefined;
  }
  if (!target) return { kind: 'bad', why: 'no usable host in the request' };
  const lines = [`${head.method} ${path} ${head.version}`];
  let hasHost = false;
  for (const [n, v] of head.headers) {
    const lower = n.toLowerCase();
    if (HOP_BY_HOP.has(lower)) continue;
    if (lower === 'host') hasHost = true;
    lines.push(`${n}: ${v}`);
  }
  if (!hasHost) lines.splice(1, 0, `Host: ${target.host.includes(':') ? `[${target.host}]` : target.host}${target.port === 80 ? '' : `:${target.port}`}`);
  lines.push('Connection: close', '', '');
  return { kind: 'forward', ...target, head: Buffer.from(lines.join('\r\n'), 'latin1') };
}
