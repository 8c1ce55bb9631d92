// What the box answers a request on the hotspot that is not for the page itself: a phone's captive probe, any other
// foreign name (every name resolves to the box there), or the RFC 8908 API. Pure: the page's server sends it.
//
// Only plain HTTP can be answered this way. HTTPS to another host cannot: the box has no certificate a phone
// accepts for captive.apple.com or anything else, so it does not try. Port 443 on the hotspot is refused at once
// (masq-wifi's firewall rule resets it), which a phone takes as "no internet" fast, instead of waiting for a timeout.

import { CAPTIVE_API_PATH, PORTAL_URL } from './hotspot-net.js';
import { probeOf, type ProbeOs } from './probes.js';

export interface PortalRequest {
  /** The Host header as it came, if any. */
  host: string | undefined;
  /** The request target (path and query). */
  path: string;
  method: string;
}

export interface PortalAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: string;
  /** Whose probe this was, for the log. */
  probe?: ProbeOs;
}

/** No probe answer may be cached: a phone that kept the redirect would think it still is captive once online. */
export const NO_CACHE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store, no-cache, must-revalidate',
  pragma: 'no-cache',
  expires: '0',
};

/** RFC 8908's media type. */
export const CAPTIVE_API_TYPE = 'application/captive+json';

/** Longer Host headers and targets are cut before looking at them: what matters is short. */
const MAX_HOST = 255;
const MAX_PATH = 2048;

// For the views that show the body instead of following the redirect (and for people who look).
const REDIRECT_PAGE = [
  '<!doctype html>',
  '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
  '<title>MASQ setup</title></head>',
  `<body><p>This Wi-Fi network is a MASQ box waiting to be set up: <a href="${PORTAL_URL}">open its setup page</a>.</p></body></html>`,
  '',
].join('\n');

/** The name a Host header gives, lower case, without port, brackets or a final dot ('' when there is none). */
export function requestHost(header: string | undefined): string {
  const h = (header ?? '').slice(0, MAX_HOST).trim().toLowerCase();
  const name = h.startsWith('[') ? (h.slice(1).split(']')[0] ?? '') : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

function requestPath(target: string): string {
  const t = target.slice(0, MAX_PATH);
  const q = t.search(/[?#]/);
  return q === -1 ? t : t.slice(0, q);
}

const readOnly = (method: string): boolean => method === 'GET' || method === 'HEAD';

/** Whether a request asks for the RFC 8908 API (any host: its content is the same for everyone). */
export function asksCaptiveApi(req: Pick<PortalRequest, 'path' | 'method'>): boolean {
  return readOnly(req.method) && requestPath(req.path) === CAPTIVE_API_PATH;
}

/** RFC 8908: the client is captive, and this is where it gets out (the setup page). */
export function captiveApiAnswer(method = 'GET'): PortalAnswer {
  const body = JSON.stringify({ captive: true, 'user-portal-url': PORTAL_URL });
  return { status: 200, headers: { 'content-type': CAPTIVE_API_TYPE, ...NO_CACHE_HEADERS }, body: method === 'HEAD' ? '' : body };
}

/**
 * The answer to a request under a foreign name on the hotspot: the API when it asks for it, otherwise a redirect to
 * the setup page (302, or 303 for a method that must turn into a GET), whether it is a known probe or not. Never
 * throws, whatever the header and target hold.
 */
export function portalAnswer(req: PortalRequest): PortalAnswer {
  if (asksCaptiveApi(req)) return captiveApiAnswer(req.method);
  const probe = probeOf(requestHost(req.host), requestPath(req.path));
  return {
    status: readOnly(req.method) ? 302 : 303,
    headers: { location: PORTAL_URL, 'content-type': 'text/html; charset=utf-8', ...NO_CACHE_HEADERS },
    body: req.method === 'HEAD' ? '' : REDIRECT_PAGE,
    ...(probe ? { probe: probe.os } : {}),
  };
}
