// The one table of server names a Node's links present (TLS SNI), and which one a Node uses: picked from its public
// key, so every dialer of a Node names the same site, as visitors of one web server do, and the Node's decoy HTTPS
// server holds a certificate for that name. Names of large sites hosted on shared infrastructure, the kind a home
// connection talks to all day.

import { createHash } from 'node:crypto';

export const SERVER_NAMES: readonly string[] = [
  'www.microsoft.com', 'update.microsoft.com', 'www.apple.com', 'swdist.apple.com', 'www.amazon.com', 'www.cloudflare.com',
  'www.mozilla.org', 'www.debian.org', 'cdn.jsdelivr.net', 'www.wikipedia.org', 'www.bing.com', 'www.office.com',
  'www.samsung.com', 'www.linkedin.com', 'www.yahoo.com', 'www.adobe.com',
];

/** The name a Node's links present, from its public key's X25519 half. */
export function serverNameFor(x25519: Buffer): string {
  const n = createHash('sha256').update('masq-tls-mask/1 name').update(x25519).digest().readUInt32BE(0);
  return SERVER_NAMES[n % SERVER_NAMES.length] as string;
}
