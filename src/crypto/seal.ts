// Sealing of secret values: a key derived from a password with scrypt, then ChaCha20-Poly1305 with the value's
// name as associated data, so a sealed value only opens under the name it was sealed for. Pure of I/O.
//
// Sealed layout:  [format 0x01][nonce 12][ciphertext n][tag 16]
// Associated data: [format 0x01] ‖ UTF-8(name)

import { randomBytes, scrypt } from 'node:crypto';
import { MasqError } from '../system/index.js';
import { aeadOpen, aeadSeal, AEAD_KEY_BYTES, AEAD_NONCE_BYTES, AEAD_TAG_BYTES } from './aead.js';

export const SEAL_FORMAT = 0x01;
export const NONCE_BYTES = AEAD_NONCE_BYTES;
export const TAG_BYTES = AEAD_TAG_BYTES;
export const KEY_BYTES = AEAD_KEY_BYTES;
export const SALT_BYTES = 16;
const OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

/** scrypt parameters as stored next to the salt, so they can be raised later without breaking old stores. */
export interface KdfParams {
  alg: 'scrypt';
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
  /** Hex of the random salt. Not secret. */
  salt: string;
}

export const DEFAULT_KDF = { N: 2 ** 15, r: 8, p: 1 } as const;

// Bounds for parameters read back from disk, so a damaged or hostile file cannot make us allocate gigabytes.
const LIMITS = { minLogN: 10, maxLogN: 22, maxR: 32, maxP: 16 };

export type SealFailure = 'format' | 'auth' | 'kdf';

const CODE: Record<SealFailure, 'STORE_OPEN' | 'STORE_WRONG_PASSWORD'> = { format: 'STORE_OPEN', auth: 'STORE_WRONG_PASSWORD', kdf: 'STORE_OPEN' };

/** The only error this module throws for bad input. Never carries key or plaintext material. */
export class SealError extends MasqError {
  constructor(
    readonly reason: SealFailure,
    message: string,
  ) {
    super(CODE[reason], message);
    this.name = 'SealError';
  }
}

export function newKdfParams(params: { N: number; r: number; p: number } = DEFAULT_KDF): KdfParams {
  const fresh: KdfParams = { alg: 'scrypt', N: params.N, r: params.r, p: params.p, salt: randomBytes(SALT_BYTES).toString('hex') };
  checkKdfParams(fresh);
  return fresh;
}

/** Throws SealError('kdf') unless the value is a sane KdfParams record. */
export function checkKdfParams(value: unknown): asserts value is KdfParams {
  const bad = (why: string): never => {
    throw new SealError('kdf', `The stored key-derivation parameters are unusable: ${why}.`);
  };
  if (typeof value !== 'object' || value === null) bad('not a record');
  const v = value as Record<string, unknown>;
  if (v.alg !== 'scrypt') bad('unknown algorithm');
  const { N, r, p, salt } = v;
  if (typeof N !== 'number' || !Number.isInteger(N) || N < 2 ** LIMITS.minLogN || N > 2 ** LIMITS.maxLogN || (N & (N - 1)) !== 0) {
    bad('N must be a power of two in range');
  }
  if (typeof r !== 'number' || !Number.isInteger(r) || r < 1 || r > LIMITS.maxR) bad('r out of range');
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > LIMITS.maxP) bad('p out of range');
  if (typeof salt !== 'string' || !/^([0-9a-f]{2}){16,64}$/.test(salt)) bad('salt must be 16–64 bytes of hex');
}

/** Raw scrypt with explicit output length; exported for the RFC 7914 cross-check. */
export function scryptRaw(password: Buffer, salt: Buffer, N: number, r: number, p: number, keyLen: number): Promise<Buffer> {
  // Node refuses work above maxmem; scrypt needs about 128·N·r bytes (+ 128·r·p), so allow twice that.
  const maxmem = 256 * N * r + 256 * r * p + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLen, { N, r, p, maxmem }, (err, key) => {
      if (err) reject(new SealError('kdf', `Key derivation failed: ${err.message}`));
      else resolve(key);
    });
  });
}

/** The password is normalised to NFC so the same words typed on different systems give the same key. */
export function passwordBytes(password: string): Buffer {
  return Buffer.from(password.normalize('NFC'), 'utf8');
}

export async function deriveKey(password: string, params: KdfParams): Promise<Buffer> {
  checkKdfParams(params);
  const pw = passwordBytes(password);
  try {
    return await scryptRaw(pw, Buffer.from(params.salt, 'hex'), params.N, params.r, params.p, KEY_BYTES);
  } finally {
    pw.fill(0);
  }
}

function aad(name: string): Buffer {
  return Buffer.concat([Buffer.from([SEAL_FORMAT]), Buffer.from(name, 'utf8')]);
}

function checkKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new SealError('format', `A sealing key must be ${KEY_BYTES} bytes.`);
}

export function seal(key: Buffer, name: string, plaintext: Buffer): Buffer {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  return Buffer.concat([Buffer.from([SEAL_FORMAT]), nonce, aeadSeal(key, nonce, plaintext, aad(name))]);
}

export function unseal(key: Buffer, name: string, sealed: Uint8Array): Buffer {
  checkKey(key);
  if (!(sealed instanceof Uint8Array) || sealed.length < OVERHEAD) throw new SealError('format', 'The sealed value is too short.');
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
  if (buf[0] !== SEAL_FORMAT) throw new SealError('format', `The sealed value has unknown format ${buf[0]}.`);
  const plain = aeadOpen(key, buf.subarray(1, 1 + NONCE_BYTES), buf.subarray(1 + NONCE_BYTES), aad(name));
  if (!plain) throw new SealError('auth', 'The sealed value does not open with this key (wrong password, wrong name, or damaged data).');
  return plain;
}

export const sealString = (key: Buffer, name: string, value: string): Buffer => seal(key, name, Buffer.from(value, 'utf8'));

export function unsealString(key: Buffer, name: string, sealed: Uint8Array): string {
  const plain = unseal(key, name, sealed);
  const text = plain.toString('utf8');
  plain.fill(0);
  return text;
}
