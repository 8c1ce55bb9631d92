// The box's admin password (the setup page's login): which passwords are acceptable, and its scrypt hash, kept
// with its parameters so they can be raised later without locking anyone out.

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { codeMatches } from './setup-code.js';

export const MIN_ADMIN_PASSWORD = 10;
export const MAX_ADMIN_PASSWORD = 1024;
/** Up to this length a password must mix kinds of characters. */
const MIXED_UP_TO = 12;

export interface AdminHash {
  alg: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
}

export const ADMIN_KDF = { N: 2 ** 15, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

/** Why a new admin password is not acceptable, in words that say what is needed; undefined when it is. */
export function adminPasswordProblem(password: string, setupCode?: string): string | undefined {
  const need = `The admin password needs at least ${MIN_ADMIN_PASSWORD} characters; one of ${MIXED_UP_TO} or fewer must mix two kinds (lower case, upper case, digits, other signs).`;
  const length = [...password].length;
  if (length < MIN_ADMIN_PASSWORD) return `${need} This one has ${length}.`;
  if (password.length > MAX_ADMIN_PASSWORD) return `The admin password may have at most ${MAX_ADMIN_PASSWORD} characters.`;
  if (/^(.)\1*$/su.test(password)) return `${need} This one repeats one character.`;
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((k) => k.test(password)).length;
  if (length <= MIXED_UP_TO && kinds < 2) return `${need} This one has only one kind.`;
  if (setupCode !== undefined && codeMatches(password, setupCode)) return 'The admin password must not be the setup code: the code is printed on the box\'s screen for anyone to read.';
  return undefined;
}

function derive(password: string, salt: Buffer, h: { N: number; r: number; p: number }, keyBytes: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default limit (32 MiB) is exactly what N=2^15, r=8 takes, so allow twice that.
  const maxmem = 256 * h.N * h.r;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, { N: h.N, r: h.r, p: h.p, maxmem }, (e, key) => (e ? reject(e) : resolve(key)));
  });
}

export async function hashAdminPassword(password: string): Promise<AdminHash> {
  const salt = randomBytes(ADMIN_KDF.saltBytes);
  const key = await derive(password, salt, ADMIN_KDF, ADMIN_KDF.keyBytes);
  return { alg: 'scrypt', N: ADMIN_KDF.N, r: ADMIN_KDF.r, p: ADMIN_KDF.p, salt: salt.toString('base64'), hash: key.toString('base64') };
}

export async function adminPasswordMatches(password: string, h: AdminHash): Promise<boolean> {
  const expected = Buffer.from(h.hash, 'base64');
  if (typeof password !== 'string' || password.length > MAX_ADMIN_PASSWORD) return false;
  const key = await derive(password, Buffer.from(h.salt, 'base64'), h, expected.length);
  return timingSafeEqual(key, expected);
}

/** Whether a stored value is a hash this code can check (the state file is read back from disk). */
export function isAdminHash(v: unknown): v is AdminHash {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  const pow2 = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 2 && n <= 2 ** 20 && (n & (n - 1)) === 0;
  const small = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 64;
  const b64 = (s: unknown, min: number): boolean => typeof s === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s, 'base64').length >= min;
  return h.alg === 'scrypt' && pow2(h.N) && small(h.r) && small(h.p) && b64(h.salt, 8) && b64(h.hash, 16);
}
