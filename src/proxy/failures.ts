// The one table of ways a proxied stream can fail, and how each is told to each kind of client: an HTTP page
// (plainly the Node's, not the server's), a TLS fatal alert, or a SOCKS5 reply code.

import { type FailureKind, type Target, formatTarget } from '../mesh/index.js';

/** Stream failures plus the problems the entry finds in a request itself. */
export type ProxyProblem = FailureKind | 'bad-request' | 'header-too-large' | 'loop' | 'auth-required';

export interface FailureSpec {
  status: number;
  /** Reason phrase of the status line; MASQ says "Routing Error" for every routing failure. */
  reason: string;
  title: string;
  /** `about`: what the failure names beside the target (for exit-country, the countries). */
  subtitle(t: Target, about?: string): string;
  /** What happened and what the user can do, in a sentence or two. */
  advice: string;
  /** TLS AlertDescription of the fatal alert. */
  alert: number;
  /** SOCKS5 REP field. */
  socks: number;
  /** More header lines of the HTTP answer ("Name: value"). */
  headers?: readonly string[];
}

export const TLS_ALERT = { internal_error: 0x50, unrecognized_name: 0x70, access_denied: 0x31 } as const;
export const SOCKS_REPLY = {
  succeeded: 0x00, general: 0x01, notAllowed: 0x02, hostUnreachable: 0x04, connectionRefused: 0x05,
  ttlExpired: 0x06, commandNotSupported: 0x07, addressTypeNotSupported: 0x08,
} as const;

const ROUTING = 'Routing Error';

export const FAILURES: Readonly<Record<ProxyProblem, FailureSpec>> = {
  route: {
    status: 503, reason: ROUTING, title: 'Routing Problem', subtitle: (t) => `Can't find a route to ${t.host}`,
    advice: 'The Node knows no route to an exit for this request yet. Wait until masq connection-status says RouteFound, then try again.',
    alert: TLS_ALERT.internal_error, socks: SOCKS_REPLY.general,
  },
  'exit-country': {
    status: 503, reason: ROUTING, title: 'Routing Problem', subtitle: (_t, about) => `No exit in ${about ?? 'the countries of your exit location'} is reachable`,
    advice: 'Your exit location allows only exits in these countries, and the Node knows no route to one now. Wait a few minutes for the neighborhood to grow, add countries with masq exit-location (masq exit-location --show-countries lists those with exits), or add --fallback-routing to allow other countries when these have none.',
    alert: TLS_ALERT.internal_error, socks: SOCKS_REPLY.hostUnreachable,
  },
  payment: {
    status: 402, reason: ROUTING, title: 'Consuming Wallet Required', subtitle: () => 'This Node has no wallet to pay other Nodes with',
    advice: 'Relays and exits serve only streams whose routes a consuming wallet pays for. Give one with masq generate-wallets, masq recover-wallets or the consuming-private-key parameter, then start the Node again.',
    alert: TLS_ALERT.internal_error, socks: SOCKS_REPLY.notAllowed,
  },
  dns: {
    status: 503, reason: ROUTING, title: 'DNS Resolution Problem', subtitle: (t) => `Exit Nodes couldn't resolve "${t.host}"`,
    advice: 'Check the spelling of the name. If it is right, the DNS servers the exit uses (parameter dns-servers) do not know it or did not answer.',
    alert: TLS_ALERT.unrecognized_name, socks: SOCKS_REPLY.hostUnreachable,
  },
  connect: {
    status: 503, reason: ROUTING, title: 'Connection Problem', subtitle: (t) => `Couldn't connect to ${formatTarget(t)}`,
    advice: 'The server refused the connection or cannot be reached from the exit. It may be down; try again later.',
    alert: TLS_ALERT.internal_error, socks: SOCKS_REPLY.connectionRefused,
  },
  timeout: {
    status: 503, reason: ROUTING, title: 'Connection Problem', subtitle: (t) => `Couldn't connect to ${formatTarget(t)}`,
    advice: 'The server did not answer the exit in time. It may be down or overloaded; try again later.',
    alert: TLS_ALERT.internal_error, socks: SOCKS_REPLY.ttlExpired,
  },
  'refused-private': {
    status: 403, reason: ROUTING, title: 'Destination Refused', subtitle: (t) => `${t.host} is a loopback, private or link-local address`,
    advice: 'Exits refuse to connect to loopback, private and link-local addresses, so that nobody can reach into their networks. For a lab or a test on your own network, set the parameter exit-private-destinations to on.',
    alert: TLS_ALERT.access_denied, socks: SOCKS_REPLY.notAllowed,
  },
  'bad-request': {
    status: 400, reason: 'Bad Request', title: 'Bad Request', subtitle: () => 'The MASQ Node could not understand the request',
    advice: 'Use this address as an HTTP proxy (absolute http:// URLs or CONNECT), as a SOCKS5 proxy, or for TLS with SNI.',
    alert: TLS_ALERT.internal_error, socks: SOCKS_REPLY.general,
  },
  'header-too-large': {
    status: 431, reason: 'Request Header Fields Too Large', title: 'Request Header Fields Too Large', subtitle: () => 'The request head is larger than the MASQ Node accepts',
    advice: 'Send fewer or smaller headers; large cookies are the usual cause. Clearing the cookies of this site helps.',
    alert: TLS_ALERT.internal_error, socks: SOCKS_REPLY.general,
  },
  loop: {
    status: 508, reason: 'Loop Detected', title: 'Proxy Loop', subtitle: (t) => `${formatTarget(t)} is this MASQ Node's own proxy port`,
    advice: 'Do not visit the proxy address itself: enter it as the HTTP or SOCKS5 proxy in your browser or system settings, then visit any site.',
    alert: TLS_ALERT.internal_error, socks: SOCKS_REPLY.notAllowed,
  },
  'auth-required': {
    status: 407, reason: 'Proxy Authentication Required', title: 'Proxy Authentication Required', subtitle: () => 'This MASQ Node\'s proxy needs a user name and password',
    advice: 'Enter the proxy user name and password set for this Node in the proxy settings of your browser or system. A wrong one is refused the same way.',
    alert: TLS_ALERT.access_denied, socks: SOCKS_REPLY.notAllowed, headers: ['Proxy-Authenticate: Basic realm="MASQ"'],
  },
};

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);

/** A complete HTTP/1.1 response carrying an error page from the MASQ Node. */
export function errorPage(problem: ProxyProblem, target: Target, about?: string): Buffer {
  const f = FAILURES[problem];
  const body = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>MASQ Node: ${escapeHtml(f.title)}</title></head>
<body style="font-family: sans-serif; margin: 2em; max-width: 50em">
<p style="color: #555">This page comes from your MASQ Node, not from the site you asked for.</p>
<h1>Error ${f.status}</h1>
<h2>${escapeHtml(f.title)}</h2>
<h3>${escapeHtml(f.subtitle(target, about))}</h3>
<p>${escapeHtml(f.advice)}</p>
</body></html>
`;
  const extra = (f.headers ?? []).map((h) => `${h}\r\n`).join('');
  const head = `HTTP/1.1 ${f.status} ${f.reason}\r\n${extra}Content-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n`;
  return Buffer.from(head + body);
}

/** A fatal TLS alert record (record version TLS 1.2, which every TLS client accepts). */
export function tlsAlert(problem: ProxyProblem): Buffer {
  return Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, FAILURES[problem].alert]);
}
