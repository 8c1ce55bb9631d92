// The backup file's envelope: a text file (it survives copy and paste and e-mail) of a first line naming it, then
// base64 in 76-character lines of
//
//   [version 1][kdf 1 = scrypt][log2 N 1][r 1][p 1][salt 16][nonce 12][ChaCha20-Poly1305 ciphertext ‖ tag 16]
//
// The key is scrypt of the password; the first 33 bytes (everything but the ciphertext) are the associated data,
// so no parameter, salt or nonce can be swapped. Reading is bounded before any work: the text's length before
// splitting or base64, the payload's size before decryption, and the scrypt parameters so a crafted file cannot
// make scrypt take the machine's memory or minutes. Every failure is a BackupError.

import { randomBytes } from 'node:crypto';
import { AEAD_NONCE_BYTES, AEAD_TAG_BYTES, aeadOpen, aeadSeal, deriveKey, SealError } from '../crypto/index.js';
import { BackupError } from './errors.js';

export const BACKUP_FORMAT_VERSION = 1;
export const FIRST_LINE = `masq-backup v${BACKUP_FORMAT_VERSION}`;
const FIRST_LINE_PATTERN = /^masq-backup v([0-9]{1,6})$/;
const KDF_SCRYPT = 1;
const SALT_BYTES = 16;
export const HEADER_BYTES = 5 + SALT_BYTES + AEAD_NONCE_BYTES;
/** A payload is a few kilobytes (keys, a handful of descriptors, some settings); this is far beyond. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
const LINE_CHARS = 76;
const MAX_BASE64_CHARS = Math.ceil((HEADER_BYTES + MAX_PAYLOAD_BYTES + AEAD_TAG_BYTES) / 3) * 4;
/** The largest file a reader looks at: the first line, the base64 lines with CRLF, and some blank lines. */
export const MAX_FILE_CHARS = FIRST_LINE.length + MAX_BASE64_CHARS + 2 * Math.ceil(MAX_BASE64_CHARS / LINE_CHARS) + 1024;

export const MIN_PASSWORD_CHARS = 8;
export const MAX_PASSWORD_CHARS = 1024;

/** scrypt's cost: N = 2^logN. */
export interface BackupKdf {
  logN: number;
  r: number;
  p: number;
}

/** What backups are made with: the store's own cost (32 MiB, about 0.1 s on a desktop, a second on a Pi). */
export const DEFAULT_BACKUP_KDF: BackupKdf = { logN: 15, r: 8, p: 1 };
// Room to raise the cost later (the parameters travel in the file), but never past 64 MiB of memory
// (128·N·r bytes) or eight times today's work (N·r·p).
const KDF_LIMITS = { minLogN: 10, maxLogN: 20, maxR: 32, maxP: 16, maxNr: 2 ** 19, maxNrp: 2 ** 21 };

export interface Envelope {
  /** The bytes before the ciphertext: the associated data. */
  header: Buffer;
  kdf: BackupKdf;
  salt: Buffer;
  nonce: Buffer;
  /** ciphertext ‖ tag */
  sealed: Buffer;
}

const damaged = (why: string): BackupError => new BackupError('backup-damaged', `The backup file is damaged: ${why}.`);

function kdfProblem(k: BackupKdf): string | undefined {
  const int = (v: number, min: number, max: number): boolean => Number.isInteger(v) && v >= min && v <= max;
  if (!int(k.logN, KDF_LIMITS.minLogN, KDF_LIMITS.maxLogN) || !int(k.r, 1, KDF_LIMITS.maxR) || !int(k.p, 1, KDF_LIMITS.maxP)) return 'scrypt parameters out of range';
  const nr = 2 ** k.logN * k.r;
  if (nr > KDF_LIMITS.maxNr || nr * k.p > KDF_LIMITS.maxNrp) return 'scrypt parameters beyond what this machine will spend';
  return undefined;
}

/** The envelope of a backup file's text, checked and bounded; nothing is decrypted yet. */
export function parseBackupText(text: unknown): Envelope {
  if (typeof text !== 'string') throw new BackupError('not-a-backup', 'A backup file is text; this is not.');
  if (text.length > MAX_FILE_CHARS) {
    throw new BackupError('backup-too-large', `This file is ${text.length} characters long; a masq-pi backup file has at most ${MAX_FILE_CHARS}.`);
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lineEnd = body.indexOf('\n');
  const first = (lineEnd < 0 ? body : body.slice(0, lineEnd)).trim();
  const m = FIRST_LINE_PATTERN.exec(first);
  const version = m ? Number(m[1]) : 0;
  if (version === 0) throw new BackupError('not-a-backup', `This is not a masq-pi backup file: its first line is not '${FIRST_LINE}'.`);
  if (version > BACKUP_FORMAT_VERSION) {
    throw new BackupError('backup-newer', `This backup was made by a newer masq-pi (backup format v${version}); this one reads format v${BACKUP_FORMAT_VERSION}.`);
  }
  const b64 = lineEnd < 0 ? '' : body.slice(lineEnd + 1).replace(/\s+/g, '');
  // Buffer.from skips characters that are not base64; a file must not be read as something it does not say.
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw damaged('its body is not base64');
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length < HEADER_BYTES + AEAD_TAG_BYTES) throw damaged('it is too short');
  if (bytes.length - HEADER_BYTES - AEAD_TAG_BYTES > MAX_PAYLOAD_BYTES) {
    throw new BackupError('backup-too-large', `This backup holds more than the ${MAX_PAYLOAD_BYTES} bytes a backup file may hold.`);
  }
  if (bytes[0] !== version) throw damaged('its header does not match its first line');
  if (bytes[1] !== KDF_SCRYPT) throw damaged('it names an unknown key derivation');
  const kdf = { logN: bytes[2] as number, r: bytes[3] as number, p: bytes[4] as number };
  const problem = kdfProblem(kdf);
  if (problem) throw damaged(problem);
  return {
    header: bytes.subarray(0, HEADER_BYTES),
    kdf,
    salt: bytes.subarray(5, 5 + SALT_BYTES),
    nonce: bytes.subarray(5 + SALT_BYTES, HEADER_BYTES),
    sealed: bytes.subarray(HEADER_BYTES),
  };
}

async function keyFor(password: string, kdf: BackupKdf, salt: Buffer): Promise<Buffer> {
  try {
    return await deriveKey(password, { alg: 'scrypt', N: 2 ** kdf.logN, r: kdf.r, p: kdf.p, salt: salt.toString('hex') });
  } catch (e) {
    if (e instanceof SealError) throw damaged(`its key could not be derived (${e.message})`);
    throw e;
  }
}

/** Throws BackupError('backup-weak-password') unless the password is one a new backup may be sealed with. */
export function checkNewPassword(password: unknown): asserts password is string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_CHARS || password.length > MAX_PASSWORD_CHARS) {
    throw new BackupError('backup-weak-password', `A backup password must be ${MIN_PASSWORD_CHARS} to ${MAX_PASSWORD_CHARS} characters long.`);
  }
}

/** The text of a backup file holding plaintext, sealed with a key derived from the password. */
export async function sealBackup(plaintext: Buffer, password: string, kdf: BackupKdf = DEFAULT_BACKUP_KDF): Promise<string> {
  checkNewPassword(password);
  if (plaintext.length > MAX_PAYLOAD_BYTES) {
    throw new BackupError('backup-too-large', `The backup would hold ${plaintext.length} bytes; a backup file holds at most ${MAX_PAYLOAD_BYTES}.`);
  }
  const problem = kdfProblem(kdf);
  if (problem) throw new RangeError(problem);
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const header = Buffer.concat([Buffer.from([BACKUP_FORMAT_VERSION, KDF_SCRYPT, kdf.logN, kdf.r, kdf.p]), salt, nonce]);
  const key = await keyFor(password, kdf, salt);
  try {
    const b64 = Buffer.concat([header, aeadSeal(key, nonce, plaintext, header)]).toString('base64');
    const lines = b64.match(new RegExp(`.{1,${LINE_CHARS}}`, 'g')) ?? [];
    return `${FIRST_LINE}\n${lines.join('\n')}\n`;
  } finally {
    key.fill(0);
  }
}

/** The plaintext of a backup file; a wrong password and a changed file are the same failure to an AEAD. */
export async function openBackup(text: unknown, password: unknown): Promise<Buffer> {
  const envelope = parseBackupText(text);
  if (typeof password !== 'string' || password.length === 0 || password.length > MAX_PASSWORD_CHARS) {
    throw new BackupError('backup-password', `The backup password must be 1 to ${MAX_PASSWORD_CHARS} characters long.`);
  }
  const key = await keyFor(password, envelope.kdf, envelope.salt);
  try {
    const plain = aeadOpen(key, envelope.nonce, envelope.sealed, envelope.header);
    if (!plain) throw new BackupError('backup-password', 'The backup password is wrong, or the file was changed after it was saved.');
    return plain;
  } finally {
    key.fill(0);
  }
}
