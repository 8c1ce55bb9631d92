// Who may talk to the page at all, and how: which peers (loopback, phones on the hotspot, or the LAN when
// setup-page-lan is on), which Host names (DNS rebinding; on the hotspot the captive portal answers foreign ones),
// which POSTs (cross-site request forgery), and the headers every answer carries. Pure: the server's hooks call
// these with what the request and its connection say.

import { isIP } from 'node:net';
// Node.js reports IPv4 peers of a dual-stack socket as ::ffff:a.b.c.d: unmappedIPv4 gives the plain form.
import { isLoopbackAddress as isLoopback, isPrivateAddress, unmappedIPv4 as plainAddress } from '../address-ranges/index.js';
import { asksCaptiveApi, captiveApiAnswer, HOTSPOT_NET, inHotspotNet, portalAnswer, type PortalAnswer } from '../portal/index.js';
import { CSRF_HEADER, CSRF_VALUE } from './api.js';


/** Whether a connection came in on the hotspot: its local end (`local`) is the hotspot's own address. */
export function onHotspot(local: string | undefined): boolean {
  return local !== undefined && plainAddress(local) === HOTSPOT_NET.address;
}

/**
 * Loopback always; a phone on the hotspot always (the hotspot is the box's own network, and the setup code and the
 * password still guard the claim); with the LAN on, addresses of local networks (private, link-local, unique
 * local) too. A public address never: the page is not for the internet, even if a router forwards the port by
 * mistake. `local` is the address the connection arrived at.
 */
export function peerAllowed(ip: string | undefined, lan: boolean, local?: string): boolean {
  if (ip === undefined) return false;
  if (isLoopback(ip)) return true;
  if (onHotspot(local) && inHotspotNet(plainAddress(ip))) return true;
  return lan && isPrivateAddress(plainAddress(ip)) && isIP(plainAddress(ip)) !== 0;
}

/** The name part of a Host header (no port, no brackets, lower case), or undefined when it is malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header.length === 0 || header.length > 255) return undefined;
  const h = header.toLowerCase();
  const m = /^\[([0-9a-f:.]+)\](?::[0-9]{1,5})?$/.exec(h) ?? /^([a-z0-9.-]+)(?::[0-9]{1,5})?$/.exec(h);
  return m?.[1];
}

/**
 * A page reached under a name it does not own is a DNS-rebinding attempt (a foreign site whose name now points
 * here): refuse it. Its own names are localhost, its host name (and .local), and its interfaces' addresses.
 */
export function hostAllowed(header: string | undefined, own: ReadonlySet<string>): boolean {
  const name = hostName(header);
  return name !== undefined && own.has(name);
}

/**
 * What a request's Host makes of it: the page (one of the box's own names; on the hotspot its fixed address too,
 * before the names are refreshed), the captive portal's answer (the RFC 8908 API under an own name; on the
 * hotspot, every foreign name, so that a phone's probe pops the page up), or a refusal ('foreign', DNS rebinding).
 */
export function hostDecision(req: { host: string | undefined; url: string; method: string }, local: string | undefined, own: ReadonlySet<string>): 'page' | 'foreign' | PortalAnswer {
  const hotspot = onHotspot(local);
  if (hostAllowed(req.host, own) || (hotspot && hostName(req.host) === HOTSPOT_NET.address)) {
    return asksCaptiveApi({ path: req.url, method: req.method }) ? captiveApiAnswer(req.method) : 'page';
  }
  return hotspot ? portalAnswer({ host: req.host, path: req.url, method: req.method }) : 'foreign';
}

export function ownHostNames(hostname: string, addresses: readonly string[]): Set<string> {
  const h = hostname.toLowerCase();
  return new Set(['localhost', '127.0.0.1', '::1', h, `${h}.local`, ...addresses.map((a) => plainAddress(a).toLowerCase())]);
}

/**
 * A state-changing request must come from the page itself: JSON with the page's own header (a cross-site form
 * can send neither; a cross-site script would need CORS, never granted), and, when the browser says where it comes
 * from, from this origin.
 */
export function csrfProblem(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  if (headers[CSRF_HEADER] !== CSRF_VALUE) return `the request lacks the ${CSRF_HEADER} header the page sends`;
  const type = headers['content-type'];
  if (typeof type !== 'string' || !/^application\/json(;|$)/i.test(type)) return 'the request is not JSON';
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `the request comes from another site (${String(site)})`;
  const origin = headers.origin;
  if (origin !== undefined) {
    const host = headers.host;
    if (typeof origin !== 'string' || typeof host !== 'string' || origin.toLowerCase() !== `http://${host.toLowerCase()}`) {
      return `the request comes from another origin (${String(origin)})`;
    }
  }
  return undefined;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

/** On every answer. The page is plain HTTP on a LAN, so there is no HSTS to give. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};
