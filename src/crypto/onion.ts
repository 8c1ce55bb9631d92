// Route headers and cell layers (docs/MESH.md): a header is MAX_HOPS fixed-size slots, each sealed to one hop with an
// ephemeral X25519 key, so a hop pays one key agreement per stream and then uses symmetric keys only. A hop opens
// slot 0, drops it and appends random bytes: every header has the same size and no hop learns its position.
// Pure: no I/O, keys in, bytes out.

import { diffieHellman, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { type EphemeralKey, generateEphemeralKey, PUBLIC_KEY_BYTES, privateKeyObject, publicKeyObject } from './identity.js';
import { MasqError } from '../system/index.js';
import { aeadOpen, aeadOpenInPlace, aeadSeal, AEAD_KEY_BYTES, AEAD_TAG_BYTES } from './aead.js';
import { cipherAddon } from './cipher-addon.js';

export const MAX_HOPS = 6;
/** What a hop is on the way: it forwards, it is the originator receiving the back-route, or it is the exit. */
export const COMPONENT = { relay: 1, originator: 2, exit: 3 } as const;
export type Component = (typeof COMPONENT)[keyof typeof COMPONENT];

const EPHEMERAL_BYTES = 32;
const TAG_BYTES = AEAD_TAG_BYTES;
export const TOKEN_BYTES = 16;
/** Wallet (20) and signature (65) of whoever pays this hop (src/wallet/hop-proof.ts). */
export const PAYER_BYTES = 85;
const RECORD_BYTES = PUBLIC_KEY_BYTES + 1 + PAYER_BYTES + TOKEN_BYTES;
export const SLOT_BYTES = EPHEMERAL_BYTES + RECORD_BYTES + TAG_BYTES;
export const HEADER_BYTES = MAX_HOPS * SLOT_BYTES;
export const AEAD_OVERHEAD = TAG_BYTES;
const KEY_BYTES = AEAD_KEY_BYTES;
const SLOT_NONCE = Buffer.alloc(12);
const NO_NEXT = Buffer.alloc(PUBLIC_KEY_BYTES);

/** What one hop learns from its slot. */
export interface HopRecord {
  /** The next hop's 64-byte public key, or undefined when this hop is the end. */
  next: Buffer | undefined;
  component: Component;
  payer: Buffer;
  /** Lets the originator tell which of its streams a back-route belongs to; zero elsewhere. */
  token: Buffer;
}

/** The symmetric keys a hop shares with the originator for one stream. */
export interface HopKeys {
  /** A relay's 'chacha20' layer on every cell body of this circuit. */
  layer: Buffer;
  /** End to end, originator → exit (only the exit's slot uses it). */
  request: Buffer;
  /** End to end, exit → originator: only the maker of the ephemeral key (the originator) can derive it. */
  response: Buffer;
}

function onionError(detail: string): MasqError {
  return new MasqError('ONION', detail);
}

/**
 * The slot's key and the stream's three, from one HKDF output: each call of node's hkdfSync costs about as much as a
 * third of the key agreement (it makes a key object of its input), and every hop of every new stream derives these.
 */
function deriveKeys(shared: Buffer, ephemeral: Buffer): { slot: Buffer; hop: HopKeys } {
  const okm = Buffer.from(hkdfSync('sha256', shared, ephemeral, 'masq-hop/2', 4 * KEY_BYTES));
  return {
    slot: okm.subarray(0, 32),
    hop: { layer: okm.subarray(32, 64), request: okm.subarray(64, 96), response: okm.subarray(96, 128) },
  };
}

/** Hop keys an originator seals to are few and come back route after route: their key objects are kept. */
const HOP_KEYS_KEPT = 512;
const hopKeyObjects = new Map<string, KeyObject>();

function hopKeyObject(raw: Buffer): KeyObject {
  const id = raw.toString('base64');
  let key = hopKeyObjects.get(id);
  if (key) return key;
  key = publicKeyObject('x25519', raw);
  // The oldest kept goes first: a Map iterates in insertion order.
  if (hopKeyObjects.size >= HOP_KEYS_KEPT) hopKeyObjects.delete(hopKeyObjects.keys().next().value as string);
  hopKeyObjects.set(id, key);
  return key;
}

function agree(privateKey: KeyObject, publicRaw: Buffer, keyObject: (raw: Buffer) => KeyObject = (raw) => publicKeyObject('x25519', raw)): Buffer {
  try {
    return diffieHellman({ privateKey, publicKey: keyObject(publicRaw) });
  } catch {
    // A low-order or malformed point: OpenSSL refuses an all-zero shared secret.
    throw onionError('a route slot carries an unusable ephemeral key');
  }
}

export interface HopSpec {
  /** The hop's 64-byte public key (its first half is its X25519 key). */
  key: Buffer;
  record: HopRecord;
}

/** Where a slot's ephemeral key comes from: made fresh, or taken from an EphemeralPool. */
export type EphemeralSource = () => EphemeralKey;

/** Seals one slot for a hop with an ephemeral key used nowhere else; returns the slot and the keys the originator now shares with that hop. */
function sealSlot(spec: HopSpec, eph: EphemeralKey): { slot: Buffer; keys: HopKeys } {
  const ephPublic = eph.publicKey;
  const { slot: slotKey, hop } = deriveKeys(agree(eph.privateKey, spec.key.subarray(0, 32), hopKeyObject), ephPublic);
  const r = spec.record;
  if ((r.next && r.next.length !== PUBLIC_KEY_BYTES) || r.payer.length !== PAYER_BYTES || r.token.length !== TOKEN_BYTES) {
    throw new RangeError('a hop record field has the wrong size');
  }
  const plain = Buffer.concat([r.next ?? NO_NEXT, Buffer.from([r.component]), r.payer, r.token]);
  return { slot: Buffer.concat([ephPublic, aeadSeal(slotKey, SLOT_NONCE, plain)]), keys: hop };
}

/** A header for up to MAX_HOPS hops in route order; the rest is random. */
export function buildHeader(hops: HopSpec[], ephemeral: EphemeralSource = generateEphemeralKey): { header: Buffer; keys: HopKeys[] } {
  if (hops.length === 0 || hops.length > MAX_HOPS) throw new RangeError(`a route has 1 to ${MAX_HOPS} hops`);
  const sealed = hops.map((hop) => sealSlot(hop, ephemeral()));
  const filler = randomBytes((MAX_HOPS - hops.length) * SLOT_BYTES);
  return { header: Buffer.concat([...sealed.map((s) => s.slot), filler]), keys: sealed.map((s) => s.keys) };
}

/** This Node's X25519 private key as a KeyObject, made once per Node rather than per cell. */
export function hopPrivateKey(encryptionPrivate: Buffer): KeyObject {
  return privateKeyObject('x25519', encryptionPrivate);
}

/**
 * Opens slot 0 with this hop's key: its record, the keys for this stream, and the header to pass on (slot 0
 * removed, a random slot appended). Throws an ONION MasqError when the slot is not for this hop or was altered.
 */
export function openHeader(header: Buffer, own: KeyObject): { record: HopRecord; keys: HopKeys; shifted: Buffer } {
  if (header.length !== HEADER_BYTES) throw onionError(`a route header has ${header.length} bytes, not ${HEADER_BYTES}`);
  const ephPublic = header.subarray(0, EPHEMERAL_BYTES);
  const { slot: slotKey, hop } = deriveKeys(agree(own, ephPublic), ephPublic);
  const plain = aeadOpen(slotKey, SLOT_NONCE, header.subarray(EPHEMERAL_BYTES, SLOT_BYTES));
  if (!plain) throw onionError('a route slot does not open with this Node\'s key');
  const next = plain.subarray(0, PUBLIC_KEY_BYTES);
  const component = plain[PUBLIC_KEY_BYTES] as number;
  if (component !== COMPONENT.relay && component !== COMPONENT.originator && component !== COMPONENT.exit) {
    throw onionError(`a route slot names unknown component ${component}`);
  }
  const record: HopRecord = {
    next: next.equals(NO_NEXT) ? undefined : Buffer.from(next),
    component,
    payer: Buffer.from(plain.subarray(PUBLIC_KEY_BYTES + 1, PUBLIC_KEY_BYTES + 1 + PAYER_BYTES)),
    token: Buffer.from(plain.subarray(RECORD_BYTES - TOKEN_BYTES)),
  };
  if ((record.next === undefined) === (component === COMPONENT.relay)) {
    throw onionError('a route slot\'s next hop does not fit its component');
  }
  const shifted = Buffer.concat([header.subarray(SLOT_BYTES), randomBytes(SLOT_BYTES)]);
  return { record, keys: hop, shifted };
}

/** Nonce for a cell body: its type and sequence number; each key serves one circuit, so they never repeat. */
export function cellNonce(type: number, seq: bigint): Buffer {
  const n = Buffer.alloc(12);
  n[0] = type;
  n.writeBigUInt64BE(seq, 4);
  return n;
}

/**
 * Adds or removes one relay layer (the same XOR either way) over `data` itself, which it returns: for a cell body
 * this hop owns (one just received, or one it just sealed), so no new buffer per layer.
 */
export function layerInPlace(key: Buffer, nonce: Buffer, data: Buffer): Buffer {
  cipherAddon().chacha20(key, nonce, data, data);
  return data;
}

/** Applies several layers in turn, in place; order does not matter for XOR layers, but callers pass route order. */
export function layersInPlace(keys: readonly Buffer[], nonce: Buffer, data: Buffer): Buffer {
  for (const k of keys) layerInPlace(k, nonce, data);
  return data;
}

/** End-to-end seal (ChaCha20-Poly1305): plaintext ‖ tag, in a new buffer. */
export function sealBody(key: Buffer, nonce: Buffer, plain: Buffer): Buffer {
  return aeadSeal(key, nonce, plain);
}

/**
 * Opens an end-to-end seal over the sealed body itself (the plaintext is its front); throws an ONION MasqError if it
 * was not sealed with this key and nonce or was altered, and then the body is zeroed.
 */
export function openBodyInPlace(key: Buffer, nonce: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < TAG_BYTES) throw onionError('a sealed cell body is shorter than its tag');
  const plain = aeadOpenInPlace(key, nonce, sealed);
  if (!plain) throw onionError('a sealed cell body does not authenticate');
  return plain;
}
