// The wanted ssh access, as the Daemon keeps it (ssh-access.json in its state directory) and the applier reads it:
// the login name and its keys' lines, with a serial that grows at every change so the applier's status can say
// which change it applied. The same rules on both sides: every key is parsed again when the file is read.

import { checkLoginName } from './accounts.js';
import { parseAuthorizedKey, type SshKey } from './authorized-key.js';
import { SshAccessError } from './errors.js';

export const ACCESS_FILE = 'ssh-access.json';
/**
 * Written after each change of ACCESS_FILE; masq-ssh-access.path starts the applier while it exists, and the applier's
 * unit removes it first. Unlike a watch on ACCESS_FILE itself, a change made while the applier runs is not lost:
 * systemd looks at the path again when the applier ends.
 */
export const ACCESS_REQUEST_FILE = 'ssh-access.pending';
export const MAX_KEYS = 16;
/** Larger than any file of MAX_KEYS keys of the largest size: a reader refuses more before parsing. */
export const MAX_ACCESS_FILE_BYTES = 512 * 1024;

export interface AccessRecord {
  serial: number;
  user: string;
  keys: SshKey[];
}

const damaged = (why: string): never => {
  throw new SshAccessError('key-damaged', `The ssh access file is not what the Daemon writes: ${why}.`);
};

/** Checks a parsed ssh-access.json; throws SshAccessError when any part breaks the rules. */
export function parseAccessRecord(v: unknown): AccessRecord {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return damaged('not an object');
  const r = v as Record<string, unknown>;
  if (r.version !== 1) damaged('not version 1');
  if (typeof r.serial !== 'number' || !Number.isSafeInteger(r.serial) || r.serial < 0) damaged('no serial');
  if (typeof r.user !== 'string') damaged('no user');
  if (!Array.isArray(r.keys) || r.keys.length > MAX_KEYS || !r.keys.every((k) => typeof k === 'string')) damaged(`keys must be at most ${MAX_KEYS} lines`);
  const keys = (r.keys as string[]).map(parseAuthorizedKey);
  if (new Set(keys.map((k) => k.fingerprint)).size !== keys.length) damaged('a key is there twice');
  return { serial: r.serial as number, user: checkLoginName(r.user as string), keys };
}

export function accessRecordText(r: AccessRecord): string {
  return `${JSON.stringify({ version: 1, serial: r.serial, user: r.user, keys: r.keys.map((k) => k.line) }, null, 2)}\n`;
}
