// A Node's identity: an X25519 key pair for encryption and an Ed25519 key pair for signatures (MASQ's CryptDE
// pair). The public key is the two 32-byte public halves together, 64 bytes; descriptors show the first half.

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

export const PUBLIC_KEY_BYTES = 64;
export const SIGNATURE_BYTES = 64;

// Raw 32-byte Curve25519-family keys become KeyObjects through JWK (RFC 8037), not DER: OpenSSL 3 decodes a DER key
// through its provider machinery, 10–40 times slower, and a route's set-up makes several (docs/PERFORMANCE.md).
const JWK_CURVE = { x25519: 'X25519', ed25519: 'Ed25519' } as const;
type Curve = keyof typeof JWK_CURVE;
const RAW_KEY_BYTES = 32;
/** A private JWK must name its public half too; OpenSSL derives that from d and ignores this one. */
const UNUSED_X = Buffer.alloc(RAW_KEY_BYTES).toString('base64url');

function checkRaw(raw: Buffer, what: string): string {
  if (raw.length !== RAW_KEY_BYTES) throw new Error(`${what} has ${RAW_KEY_BYTES} bytes, not ${raw.length}`);
  return raw.toString('base64url');
}

export function privateKeyObject(curve: Curve, raw: Buffer): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: JWK_CURVE[curve], d: checkRaw(raw, 'a private key'), x: UNUSED_X }, format: 'jwk' });
}

export function publicKeyObject(curve: Curve, raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: JWK_CURVE[curve], x: checkRaw(raw, 'a public key') }, format: 'jwk' });
}

// Node encodes generated keys as JWK (since 16.0); @types/node has no overload saying so.
const generateJwkPair = generateKeyPairSync as unknown as (
  curve: Curve, options: { publicKeyEncoding: { format: 'jwk' }; privateKeyEncoding: { format: 'jwk' } },
) => { publicKey: JsonWebKey; privateKey: JsonWebKey };

export interface RawKeyPair {
  /** Raw 32 bytes. */
  publicKey: Buffer;
  /** Raw 32 bytes. */
  privateKey: Buffer;
}

/**
 * A fresh key pair as raw bytes, encoded inside the generation call. Exporting a generated KeyObject instead can
 * deadlock Node 20 for good: the export holds the key's lock while it allocates, a garbage collection then frees the
 * finished generation job, and that job's destructor waits for the same lock (seen as a hung test in CI).
 */
export function generateRawKeyPair(curve: Curve): RawKeyPair {
  const pair = generateJwkPair(curve, { publicKeyEncoding: { format: 'jwk' }, privateKeyEncoding: { format: 'jwk' } });
  return { publicKey: Buffer.from(pair.publicKey.x ?? '', 'base64url'), privateKey: Buffer.from(pair.privateKey.d ?? '', 'base64url') };
}

function rawPublicOf(privateKey: KeyObject): Buffer {
  return Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url');
}

/** The raw public half of a raw private key. */
export function publicOf(curve: Curve, rawPrivate: Buffer): Buffer {
  return rawPublicOf(privateKeyObject(curve, rawPrivate));
}

/** An X25519 key used for one key agreement: its private half stays a KeyObject, ready for diffieHellman. */
export interface EphemeralKey {
  /** Raw 32 bytes. */
  publicKey: Buffer;
  privateKey: KeyObject;
}

/**
 * A fresh X25519 key from 32 random bytes (X25519 clamps any 32 bytes into a valid scalar). Importing derives the
 * public half once, so this costs one scalar multiplication, where generating a pair and importing its private
 * half for the agreement cost two (docs/PERFORMANCE.md). The key is imported, not generated: exporting its public
 * half is safe (see generateRawKeyPair).
 */
export function generateEphemeralKey(): EphemeralKey {
  const privateKey = privateKeyObject('x25519', randomBytes(RAW_KEY_BYTES));
  return { publicKey: rawPublicOf(privateKey), privateKey };
}

export interface NodeIdentity {
  /** X25519 public ‖ Ed25519 public. */
  publicKey: Buffer;
  encryptionPublic: Buffer;
  encryptionPrivate: Buffer;
  signingPublic: Buffer;
  /** Signs data with the Ed25519 key. */
  sign(data: Buffer): Buffer;
  /** The secrets as text for the store (sealed there): base64url(X25519 secret),base64url(Ed25519 secret). */
  exportSecrets(): string;
}

function fromKeys(encPriv: Buffer, sigRaw: Buffer): NodeIdentity {
  const encryptionPublic = publicOf('x25519', encPriv);
  const signingPublic = publicOf('ed25519', sigRaw);
  const sigPriv = privateKeyObject('ed25519', sigRaw);
  return {
    publicKey: Buffer.concat([encryptionPublic, signingPublic]),
    encryptionPublic,
    encryptionPrivate: encPriv,
    signingPublic,
    sign: (data) => sign(null, data, sigPriv),
    exportSecrets: () => `${encPriv.toString('base64url')},${sigRaw.toString('base64url')}`,
  };
}

export function generateIdentity(): NodeIdentity {
  return fromKeys(generateRawKeyPair('x25519').privateKey, generateRawKeyPair('ed25519').privateKey);
}

/** Rebuilds an identity from exportSecrets() text; throws on anything else. */
export function importIdentity(secrets: string): NodeIdentity {
  const parts = secrets.split(',');
  const raw = parts.map((p) => Buffer.from(p, 'base64url'));
  if (parts.length !== 2 || raw.some((b) => b.length !== 32) || parts.some((p) => !/^[A-Za-z0-9_-]{43}$/.test(p))) {
    throw new Error('stored node key is not two base64url 32-byte secrets');
  }
  return fromKeys(raw[0] as Buffer, raw[1] as Buffer);
}

/** Verifies an Ed25519 signature made by the Node whose 64-byte public key is given. Never throws for bad input. */
export function verifyNodeSignature(publicKey: Buffer, data: Buffer, signature: Buffer): boolean {
  if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  try {
    return verify(null, data, publicKeyObject('ed25519', publicKey.subarray(32)), signature);
  } catch {
    return false; // a public key that is not a curve point cannot have signed anything
  }
}
