// MASQ's dns_utility text rules for resolv.conf, pure: which nameservers are active, and the subvert and revert
// edits. glibc reads a keyword only at the very start of a line, so that is where these rules look too.

import { MasqError } from '../system/index.js';

export const LOCALHOST = '127.0.0.1';
/** resolv.conf files are a few hundred bytes; anything this large is not one. */
export const MAX_RESOLV_CONF_BYTES = 64 * 1024;
/** glibc uses at most three nameservers; more than this many lines is not a resolver configuration. */
const MAX_NAMESERVER_LINES = 256;

export const NOT_CONNECTED = 'This system does not appear to be connected to a network';
export const NONSENSE = "This system's DNS settings don't make sense; aborting";
export const NOTHING_TO_REVERT = 'There do not appear to be any DNS settings to revert to';

const ACTIVE = /^nameserver[ \t]+([^\s#;]+)/;
/** Every line subvert comments out: active ones and ones already commented (so revert gives those back as they were). */
const NAMESERVER_ISH = /^#*nameserver([ \t]|$)/;
const OURS = /^nameserver[ \t]+127\.0\.0\.1[ \t]*$/;

function lines(text: string): string[] {
  if (text.length > MAX_RESOLV_CONF_BYTES) {
    throw new MasqError('DNS', `The resolver configuration is larger than ${MAX_RESOLV_CONF_BYTES} bytes, so it is not one.`, 'Look at /etc/resolv.conf by hand.');
  }
  const all = text.split('\n');
  if (all.filter((l) => NAMESERVER_ISH.test(l)).length > MAX_NAMESERVER_LINES) throw new MasqError('DNS', NONSENSE);
  return all;
}

/** The addresses of the active nameserver lines, in order. */
export function activeNameservers(text: string): string[] {
  return lines(text).flatMap((l) => {
    const m = ACTIVE.exec(l);
    return m?.[1] ? [m[1]] : [];
  });
}

/** MASQ's `inspect` text: one address a line, or that there is no network. */
export function inspectText(servers: readonly string[]): string {
  return servers.length ? servers.join('\n') : NOT_CONNECTED;
}

/** MASQ's `status`: subverted exactly when the only active nameserver is this machine. */
export function statusText(servers: readonly string[]): 'subverted' | 'reverted' {
  return servers.length === 1 && servers[0] === LOCALHOST ? 'subverted' : 'reverted';
}

/**
 * The subverted text: every nameserver line commented with one more `#`, and `nameserver 127.0.0.1` appended.
 * Undefined when it is subverted already (the first active nameserver is 127.0.0.1).
 */
export function subvertText(text: string): string | undefined {
  const all = lines(text);
  const servers = activeNameservers(text);
  if (servers[0] === LOCALHOST) return undefined;
  if (servers.length === 0) throw new MasqError('DNS', NOT_CONNECTED, 'Connect the machine to a network first.');
  if (servers.includes(LOCALHOST)) throw new MasqError('DNS', NONSENSE, `${LOCALHOST} is a nameserver but not the first.`);
  const commented = all.map((l) => (NAMESERVER_ISH.test(l) ? `#${l}` : l)).join('\n');
  // Appended so that removing exactly this line gives the original back.
  return `${commented}${commented.endsWith('\n') || commented === '' ? '' : '\n'}nameserver ${LOCALHOST}\n`;
}

/**
 * MASQ's revert by text alone (no state kept, e.g. subverted by an older tool): the one `nameserver 127.0.0.1`
 * line removed and one `#` taken from each commented nameserver line. Undefined when it is not subverted.
 */
export function revertText(text: string): string | undefined {
  const all = lines(text);
  const ours = all.filter((l) => OURS.test(l)).length;
  if (ours === 0) return undefined;
  if (ours > 1) throw new MasqError('DNS', NONSENSE, `More than one line says nameserver ${LOCALHOST}.`);
  if (!all.some((l) => l.startsWith('#') && NAMESERVER_ISH.test(l.slice(1)))) {
    throw new MasqError('DNS', NOTHING_TO_REVERT, 'Add the nameserver lines of your network to /etc/resolv.conf by hand.');
  }
  const at = all.findIndex((l) => OURS.test(l));
  const kept = [...all.slice(0, at), ...all.slice(at + 1)];
  return kept.map((l) => (l.startsWith('#') && NAMESERVER_ISH.test(l.slice(1)) ? l.slice(1) : l)).join('\n');
}
