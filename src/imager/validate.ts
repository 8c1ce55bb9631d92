// Checks of each value Imager's files carry, before anything is planned: names, hashes, keys, zones, Wi-Fi. Each
// returns the value in its one accepted form or throws an ImagerError saying what is wrong and what to do.

import { ImagerError, invalid } from './errors.js';
import type { ImagerFile, KeyboardLayout, WifiKey } from './settings.js';

export function text(file: ImagerFile, what: string, v: unknown, max = 256): string {
  if (typeof v !== 'string') throw invalid(file, `${what} is not text.`, `Write ${what} as text (in quotes if in doubt).`);
  const t = v.trim();
  if (t.length === 0 || t.length > max || /[\0\r\n]/.test(t)) {
    throw invalid(file, `${what} is empty, longer than ${max} characters or more than one line.`, `Give ${what} one short line.`);
  }
  return t;
}

export function hostname(file: ImagerFile, v: unknown): string {
  const t = text(file, 'the hostname', v, 63);
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(t)) {
    throw invalid(file, 'the hostname is not a valid name.', 'Use letters, digits and dashes, 1 to 63, not starting or ending with a dash.');
  }
  return t.toLowerCase();
}

const NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export function userName(file: ImagerFile, v: unknown): string {
  const t = text(file, 'the user name', v, 32);
  if (!NAME.test(t)) throw invalid(file, 'the user name is not a valid Debian user name.', 'Use lower-case letters, digits, - and _, starting with a letter, at most 32.');
  if (t === 'root') throw invalid(file, 'the user may not be root.', 'Choose another user name in Raspberry Pi Imager.');
  return t;
}

export function groupList(file: ImagerFile, v: unknown): string[] {
  const items = typeof v === 'string' ? v.split(',') : Array.isArray(v) ? v : undefined;
  if (!items || items.length > 32) throw invalid(file, 'groups is neither a list nor a comma-separated text of at most 32.', 'Write groups as "adm,sudo" or as a list.');
  return items.map((g) => {
    const t = text(file, 'a group name', g, 32);
    if (!NAME.test(t)) throw invalid(file, 'a group name is not a valid Debian group name.', 'Use lower-case letters, digits, - and _.');
    return t;
  });
}

export function shell(file: ImagerFile, v: unknown): string {
  const t = text(file, 'the shell', v, 64);
  if (!/^(?:\/[A-Za-z0-9_+-]+)+$/.test(t)) throw invalid(file, 'the shell is not an absolute path.', 'Use /bin/bash, or leave shell out.');
  return t;
}

/** A crypt hash of an accepted scheme; anything not starting with $ is taken for a plain-text password. */
export function passwordHash(file: ImagerFile, v: unknown): string {
  const t = text(file, 'the password hash', v, 512);
  if (!t.startsWith('$')) throw plainPassword(file);
  if (!/^\$(?:y|6|5)\$[A-Za-z0-9./=$,-]+$/.test(t) || t.split('$').length < 4) {
    throw invalid(file, 'the password hash is not a yescrypt ($y$), SHA-512 ($6$) or SHA-256 ($5$) crypt hash.',
      'Set the password again with Raspberry Pi Imager, or make a hash with mkpasswd -m yescrypt.');
  }
  return t;
}

export function plainPassword(file: ImagerFile): ImagerError {
  return new ImagerError('PLAIN_PASSWORD', file, 'a password is written in plain text, which anyone holding the card could read; it is refused.',
    'Give a crypt hash instead (Raspberry Pi Imager writes one; or mkpasswd -m yescrypt), or log in with an ssh key.');
}

const KEY_TYPES = ['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'];

/** One public key line, "type base64 [comment]", whose blob names the same type. */
export function sshKey(file: ImagerFile, v: unknown): string {
  const t = text(file, 'an ssh public key', v, 8192);
  const m = /^(\S+) ([A-Za-z0-9+/]+={0,2})(?: (.*))?$/.exec(t);
  const blob = m ? Buffer.from(m[2] ?? '', 'base64') : Buffer.alloc(0);
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  if (!m || !KEY_TYPES.includes(m[1] ?? '') || len > blob.length - 4 || blob.subarray(4, 4 + len).toString('latin1') !== m[1]) {
    throw invalid(file, 'an ssh public key is not one line of a known type (ssh-ed25519, ssh-rsa, ecdsa-*, sk-*).',
      'Paste the whole line of your .pub file, e.g. "ssh-ed25519 AAAA… you@laptop".');
  }
  return t;
}

export function timezone(file: ImagerFile, v: unknown): string {
  const t = text(file, 'the time zone', v, 64);
  if (!/^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+){0,3}$/.test(t)) {
    throw invalid(file, 'the time zone is not a zone name.', 'Use a name like Europe/London or America/New_York.');
  }
  return t;
}

export function country(file: ImagerFile, v: unknown): string {
  const t = text(file, 'the wireless country', v, 2).toUpperCase();
  if (!/^[A-Z]{2}$/.test(t)) throw invalid(file, 'the wireless country is not a two-letter code.', 'Use an ISO 3166 code like GB or DE.');
  return t;
}

export function keyboard(file: ImagerFile, layout: unknown, more: Omit<KeyboardLayout, 'layout'> = {}): KeyboardLayout {
  const check = (what: string, x: unknown): string => {
    const t = text(file, what, x, 64);
    if (!/^[A-Za-z0-9_,:()-]+$/.test(t)) throw invalid(file, `the keyboard ${what} has characters no layout has.`, 'Use a name like gb, us or de.');
    return t;
  };
  const out: KeyboardLayout = { layout: check('layout', layout) };
  for (const k of ['model', 'variant', 'options'] as const) {
    if (typeof more[k] === 'string' && more[k].trim() !== '') out[k] = check(k, more[k]);
  }
  return out;
}

/** The SSID's octets, 1 to 32. */
export function ssid(file: ImagerFile, octets: Buffer): Buffer {
  if (octets.length < 1 || octets.length > 32) throw invalid(file, 'the Wi-Fi network name (SSID) is not 1 to 32 bytes.', 'Check the network name in Raspberry Pi Imager.');
  return octets;
}

/** A password as Imager writes it: empty (an open network), 64 hex digits (a PSK) or a passphrase of 8 to 63. */
export function wifiKey(file: ImagerFile, v: unknown): WifiKey {
  if (v === undefined || v === null || v === '') return { kind: 'open' };
  if (typeof v !== 'string') throw invalid(file, 'the Wi-Fi password is not text.', 'Write it in quotes.');
  if (/^[0-9A-Fa-f]{64}$/.test(v)) return { kind: 'psk', hex: v.toLowerCase() };
  if (/^[\x20-\x7e]{8,63}$/.test(v)) return { kind: 'passphrase', text: v };
  throw invalid(file, 'the Wi-Fi password is neither a passphrase of 8 to 63 printable ASCII characters nor 64 hex digits.',
    'Type the Wi-Fi password again in Raspberry Pi Imager.');
}
