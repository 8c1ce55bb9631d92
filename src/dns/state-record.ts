// The record subvert keeps on disk before it changes anything, so revert can give back exactly what was there even
// from a fresh process after a crash. Pure: encoding and a bounded, checked decoding.

import { MasqError } from '../system/index.js';

/** What was at a path before subvert: a file (its bytes and permission bits), a symbolic link, or nothing. */
export type Original =
  | { kind: 'file'; content: Buffer; mode: number }
  | { kind: 'symlink'; target: string }
  | { kind: 'absent' };

export type StateRecord =
  /** /etc/resolv.conf (a file or a link to one elsewhere) was replaced by a file of ours. */
  | { how: 'resolv-conf'; resolvConf: Original }
  /** systemd-resolved: the drop-in was written; `dropIn` is what was at its path, `madeDir` whether its folder was made. */
  | { how: 'resolved'; dropIn: Original; madeDir: boolean };

const VERSION = 1;
export const MAX_STATE_BYTES = 256 * 1024;

function encodeOriginal(o: Original): unknown {
  if (o.kind === 'file') return { kind: 'file', content: o.content.toString('base64'), mode: o.mode };
  return o;
}

export function encodeState(s: StateRecord): string {
  const body = s.how === 'resolv-conf'
    ? { how: s.how, resolvConf: encodeOriginal(s.resolvConf) }
    : { how: s.how, dropIn: encodeOriginal(s.dropIn), madeDir: s.madeDir };
  return `${JSON.stringify({ version: VERSION, ...body })}\n`;
}

function bad(why: string): MasqError {
  return new MasqError('DNS', `The state file masq-dns-utility keeps is damaged (${why}).`,
    'Check /etc/resolv.conf by hand, then delete /var/lib/masq-dns-utility/state.json.');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function decodeOriginal(v: unknown): Original {
  if (!isObject(v)) throw bad('an original is not an object');
  if (v.kind === 'absent') return { kind: 'absent' };
  if (v.kind === 'symlink') {
    if (typeof v.target !== 'string' || v.target === '' || v.target.includes('\0') || v.target.length > 4096) throw bad('a link target is not a path');
    return { kind: 'symlink', target: v.target };
  }
  if (v.kind === 'file') {
    if (typeof v.content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v.content)) throw bad('file content is not base64');
    if (typeof v.mode !== 'number' || !Number.isInteger(v.mode) || v.mode < 0 || v.mode > 0o7777) throw bad('a file mode is not one');
    return { kind: 'file', content: Buffer.from(v.content, 'base64'), mode: v.mode };
  }
  throw bad('an original has an unknown kind');
}

export function decodeState(text: string): StateRecord {
  if (text.length > MAX_STATE_BYTES) throw bad('too large');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (!isObject(v)) throw bad('not an object');
  if (v.version !== VERSION) throw bad(`version ${String(v.version)}, this tool reads ${VERSION}`);
  if (v.how === 'resolv-conf') return { how: 'resolv-conf', resolvConf: decodeOriginal(v.resolvConf) };
  if (v.how === 'resolved') {
    if (typeof v.madeDir !== 'boolean') throw bad('madeDir is not a boolean');
    return { how: 'resolved', dropIn: decodeOriginal(v.dropIn), madeDir: v.madeDir };
  }
  throw bad('it names no known change');
}
