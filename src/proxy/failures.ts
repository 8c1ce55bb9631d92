// The one table of ways a proxied stream can fail, and how each is told to each kind of client:
// an HTTP page (plainly the Node's, not the server's), a TLS alert byte, or a SOCKS5 reply code.

export type FailureKind = 'dns' | 'connect' | 'timeout' | 'refused-private' | 'route';
export type ProxyProblem = FailureKind | 'bad-request' | 'header-too-large';

export interface Target {
  /** DNS name or IP literal (IPv6 without brackets). */
  host: string;
  port: number;
}

/** A stream could not be opened; `kind` decides what the client is told. */
export class StreamFailure extends Error {
  constructor(readonly kind: FailureKind, readonly target: Target, detail: string) {
    super(detail);
    this.name = 'StreamFailure';
  }
}

interface FailureSpec {
  status: number;
  reason: string;
  title: string;
  subtitle(t: Target): string;
  advice: string;
  /** TLS AlertDescription sent in a fatal alert. */
  alert: number;
  /** SOCKS5 REP field. */
  socks: number;
}

export const TLS_ALERT = { internal_error: 0x50, unrecognized_name: 0x70, access_denied: 0x31 } as const;

const hostPort = (t: Target): string => (t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`);

export const FAILURES: Readonly<Record<ProxyProblem, FailureSpec>> = {
  route: {
    status: 503, reason: 'Routing Error', title: 'Routing Problem', subtitle: (t) => `Can't find a route to ${t.host}`,
    advice: 'The Node knows no route to an exit yet. Wait until masq connection-status says RouteFound, then try again.',
    alert: TLS_ALERT.internal_error, socks: 0x01,
  },
  dns: {
    status: 503, reason: 'Routing Error', title: 'DNS Resolution Problem', subtitle: (t) => `Exit Nodes couldn't resolve "${t.host}"`,
    advice: 'Check the spelling of the name. If it is right, the exit\'s DNS servers (parameter dns-servers) could not find it.',
    alert: TLS_ALERT.unrecognized_name, socks: 0x04,
  },
  connect: {
    status: 503, reason: 'Routing Error', title: 'Connection Problem', subtitle: (t) => `Couldn't connect to ${hostPort(t)}`,
    advice: 'The server refused the connection or cannot be reached. It may be down; try again later.',
    alert: TLS_ALERT.internal_error, socks: 0x05,
  },
  timeout: {
    status: 503, reason: 'Routing Error', title: 'Connection Problem', subtitle: (t) => `Couldn't connect to ${hostPort(t)} in time`,
    advice: 'The server did not answer. It may be down or overloaded; try again later.',
    alert: TLS_ALERT.internal_error, socks: 0x06,
  },
  'refused-private': {
    status: 403, reason: 'Routing Error', title: 'Destination Refused', subtitle: (t) => `${t.host} is a loopback, private or link-local address`,
    advice: 'Exits do not connect to loopback, private or link-local addresses. For a lab or a test on your own network, set the parameter exit-private-destinations to on.',
    alert: TLS_ALERT.access_denied, socks: 0x02,
  },
  'bad-request': {
    status: 400, reason: 'Bad Request', title: 'Bad Request', subtitle: () => 'The request could not be understood',
    advice: 'Use this address as an HTTP proxy (absolute URLs or CONNECT), as a SOCKS5 proxy, or for TLS with SNI.',
    alert: TLS_ALERT.internal_error, socks: 0x01,
  },
  'header-too-large': {
    status: 431, reason: 'Request Header Fields Too Large', title: 'Request Header Fields Too Large', subtitle: () => 'The request head is larger than the Node accepts',
    advice: 'Send fewer or smaller headers (cookies are the usual cause).',
    alert: TLS_ALERT.internal_error, socks: 0x01,
  },
};

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A complete HTTP/1.1 response with an error page from the MASQ Node. */
export function errorPage(problem: ProxyProblem, target: Target): Buffer {
  const f = FAILURES[problem];
  const body = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>MASQ Node: ${escapeHtml(f.title)}</title></head>
<body style="font-family: sans-serif; background: #fff3e0; margin: 2em">
<p><b>This page comes from your MASQ Node, not from the server you asked for.</b></p>
<h1>Error ${f.status}</h1>
<h2>${escapeHtml(f.title)}</h2>
<h3>${escapeHtml(f.subtitle(target))}</h3>
<p>${escapeHtml(f.advice)}</p>
</body></html>
`;
  const head = `HTTP/1.1 ${f.status} ${f.reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n`;
  return Buffer.from(head + body);
}

/** A fatal TLS alert record (TLS 1.2 record version, as every TLS client accepts). */
export function tlsAlert(problem: ProxyProblem): Buffer {
  return Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, FAILURES[problem].alert]);
}
