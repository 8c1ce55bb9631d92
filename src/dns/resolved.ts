// systemd-resolved, pure: when /etc/resolv.conf belongs to it, the drop-in that makes this machine the global DNS
// server, and what `resolvectl dns` says. Why a global drop-in and not `resolvectl dns <link>`: a per-link setting
// lasts only until the network manager next configures the link (a DHCP renewal) and never past a reboot, and it
// needs a link chosen; the drop-in lasts, covers every link, and revert removes one file.

import { posix } from 'node:path';
import { MasqError } from '../system/index.js';
import { LOCALHOST } from './resolv-conf.js';

/**
 * `Domains=~.` routes every name to the global servers: resolved prefers a scope whose routing domain matches over
 * links that are only a default route, so the links' own servers are not asked.
 */
export const DROP_IN_TEXT = `# Written by masq-dns-utility subvert; masq-dns-utility revert removes it.
[Resolve]
DNS=${LOCALHOST}
Domains=~.
`;

/** The files systemd-resolved keeps /etc/resolv.conf linked to: the stub (127.0.0.53), the uplinks, the static stub. */
const RESOLVED_FILES = new Set([
  '/run/systemd/resolve/stub-resolv.conf',
  '/run/systemd/resolve/resolv.conf',
  '/usr/lib/systemd/resolv.conf',
  '/lib/systemd/resolv.conf',
]);

/** Whether a link at `linkPath` pointing to `target` hands the resolver to systemd-resolved. */
export function isResolvedLink(linkPath: string, target: string): boolean {
  return RESOLVED_FILES.has(posix.resolve(posix.dirname(linkPath), target));
}

const MAX_OUTPUT = 64 * 1024;
const SCOPE = /^(Global|Link \d+ \([^)]*\)):(.*)$/;

export interface ResolvedServers {
  global: string[];
  links: string[];
}

/** `resolvectl dns` output: a `Global:` line and a `Link N (name):` line each, servers after the colon. */
export function parseResolvectlDns(output: string): ResolvedServers {
  if (output.length > MAX_OUTPUT) throw new MasqError('DNS', 'resolvectl printed more than expected.');
  const found: ResolvedServers = { global: [], links: [] };
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    const m = SCOPE.exec(line.trim());
    if (!m) throw new MasqError('DNS', `resolvectl dns printed a line this tool does not understand: '${line.slice(0, 80)}'.`);
    // A server may carry #name (DNS over TLS) or %interface; the address is before those.
    const servers = (m[2] ?? '').trim().split(/\s+/).filter(Boolean).map((s) => s.split(/[#%]/)[0] ?? s);
    (m[1] === 'Global' ? found.global : found.links).push(...servers);
  }
  return found;
}

/** The servers resolved asks: the global ones when the drop-in's `~.` routes everything there, else the links'. */
export function activeResolvedServers(s: ResolvedServers): string[] {
  return [...new Set(s.global.length ? s.global : s.links)];
}
