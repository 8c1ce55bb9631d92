// Noise_IK_25519_ChaChaPoly_SHA256 (Noise Protocol Framework, revision 34), pure of I/O, on node:crypto only.
//
//   IK:  <- s
//        ...
//        -> e, es, s, ss        (message 1: 32 + 48 + payload + 16 bytes)
//        <- e, ee, se           (message 2: 32 + payload + 16 bytes)
//
// The initiator knows the responder's static key beforehand; the responder learns the initiator's from message 1.
// Every message read is bounded by the Noise limit of 65535 bytes and every failure of a read (wrong size, bad
// tag, a degenerate public key) is a MasqError with code LINK_AUTH. A handshake object that failed stays failed.
// Misuse by the caller (calls out of order, a payload too large to send) throws a plain Error.

import { createHash, createHmac, diffieHellman } from 'node:crypto';
import { MasqError } from '../system/index.js';
import { aeadOpen, AeadOpener, aeadSealParts, AEAD_TAG_BYTES } from './aead.js';
import { generateRawKeyPair, privateKeyObject, publicKeyObject, publicOf } from './identity.js';

export const PROTOCOL_NAME = 'Noise_IK_25519_ChaChaPoly_SHA256';
/** Largest Noise message, handshake or transport. */
export const MAX_MESSAGE_BYTES = 65535;
export const KEY_BYTES = 32;
export const TAG_BYTES = AEAD_TAG_BYTES;
const HASH_BYTES = 32;
/** Largest plaintext a transport message can carry. */
export const MAX_PLAINTEXT_BYTES = MAX_MESSAGE_BYTES - TAG_BYTES;
/** Fixed parts of the handshake messages: ephemeral key, encrypted static key (message 1), payload tag. */
export const MESSAGE1_OVERHEAD = KEY_BYTES + KEY_BYTES + TAG_BYTES + TAG_BYTES;
export const MESSAGE2_OVERHEAD = KEY_BYTES + TAG_BYTES;
/** The nonce 2^64-1 is reserved by the spec; a CipherState refuses to use it. */
const NONCE_LIMIT = 0xffff_ffff_ffff_ffffn;

const FIX = 'Drop the link and connect again; if it keeps happening, check the neighbor\'s public key.';

function authFailure(detail: string): MasqError {
  return new MasqError('LINK_AUTH', `Noise link: ${detail}.`, FIX);
}

export interface StaticKeyPair {
  /** Raw 32 bytes. */
  publicKey: Buffer;
  /** Raw 32 bytes. */
  privateKey: Buffer;
}

export function generateStaticKeyPair(): StaticKeyPair {
  return generateRawKeyPair('x25519');
}

/** The key pair for a raw X25519 private key (for fixed keys, such as test vectors). */
export function keyPairFromPrivate(privateKey: Buffer): StaticKeyPair {
  return { publicKey: publicOf('x25519', privateKey), privateKey: Buffer.from(privateKey) };
}

/** X25519 with a remote public key from the wire: a key OpenSSL refuses (e.g. low order) is an auth failure. */
export function dh(local: StaticKeyPair, remotePublic: Buffer): Buffer {
  if (remotePublic.length !== KEY_BYTES) throw authFailure('a public key has the wrong length');
  try {
    return diffieHellman({ privateKey: privateKeyObject('x25519', local.privateKey), publicKey: publicKeyObject('x25519', remotePublic) });
  } catch {
    throw authFailure('the neighbor sent an unusable public key');
  }
}

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function hmac(key: Buffer, ...parts: Buffer[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Noise's HKDF (section 4.3) with two outputs, the only count IK needs. */
function hkdf2(chainingKey: Buffer, inputKeyMaterial: Buffer): [Buffer, Buffer] {
  const tempKey = hmac(chainingKey, inputKeyMaterial);
  const first = hmac(tempKey, Buffer.from([1]));
  const second = hmac(tempKey, first, Buffer.from([2]));
  return [first, second];
}

function nonceBytes(n: bigint): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64LE(n, 4);
  return nonce;
}

function checkRecordLength(sealed: number): void {
  if (sealed < TAG_BYTES) throw authFailure('a record is shorter than its tag');
  if (sealed > MAX_MESSAGE_BYTES) throw authFailure('a record is longer than a Noise message may be');
}

/** One direction of ChaCha20-Poly1305 with Noise's counter nonce. */
export class CipherState {
  private readonly key: Buffer;
  private n: bigint;
  /** For records received in pieces; made at the first. */
  private opener: AeadOpener | undefined;

  /** `nonce` other than 0 only for tests of exhaustion. */
  constructor(key: Buffer, nonce = 0n) {
    if (key.length !== KEY_BYTES) throw new Error(`a cipher key has ${KEY_BYTES} bytes, not ${key.length}`);
    if (nonce < 0n || nonce > NONCE_LIMIT) throw new Error('a nonce is a 64-bit unsigned number');
    this.key = Buffer.from(key);
    this.n = nonce;
  }

  /** The next nonce to be used. */
  get nonce(): bigint {
    return this.n;
  }

  private takeNonce(): Buffer {
    if (this.n >= NONCE_LIMIT) throw authFailure('the link key has carried all the records it may; reconnect');
    return nonceBytes(this.n);
  }

  encrypt(ad: Buffer, plaintext: Buffer): Buffer {
    return this.encryptParts([plaintext], ad);
  }

  /** encrypt() of the parts' concatenation, without joining them first: ciphertext ‖ tag in one new buffer. */
  encryptParts(parts: readonly Buffer[], ad?: Buffer): Buffer {
    const length = parts.reduce((n, p) => n + p.length, 0);
    if (length > MAX_PLAINTEXT_BYTES) throw new Error(`a Noise message carries at most ${MAX_PLAINTEXT_BYTES} bytes of plaintext`);
    const out = aeadSealParts(this.key, this.takeNonce(), parts, ad);
    this.n += 1n;
    return out;
  }

  /** Throws LINK_AUTH for a message too short or too long, a bad tag, or a used-up nonce; the nonce moves on only on success. */
  decrypt(ad: Buffer, ciphertext: Buffer): Buffer {
    checkRecordLength(ciphertext.length);
    const plaintext = aeadOpen(this.key, this.takeNonce(), ciphertext, ad);
    if (!plaintext) throw authFailure('a record did not authenticate');
    this.n += 1n;
    return plaintext;
  }

  /**
   * Begins a received record of `length` sealed bytes that arrives in pieces, each opened as it comes
   * (receivedPart) straight from where it was read, which the next read may overwrite; endReceived() gives the
   * plaintext. Throws LINK_AUTH as decrypt() does; the nonce moves on only when the record authenticates.
   */
  beginReceived(length: number, ad?: Buffer): void {
    checkRecordLength(length);
    this.opener ??= new AeadOpener();
    this.opener.begin(this.key, this.takeNonce(), length, ad);
  }

  receivedPart(piece: Buffer): void {
    this.opener?.part(piece);
  }

  endReceived(): Buffer {
    const plaintext = this.opener?.end();
    if (!plaintext) throw authFailure('a record did not authenticate');
    this.n += 1n;
    return plaintext;
  }
}

export interface TransportKeys {
  send: CipherState;
  receive: CipherState;
  /** The final handshake hash h: a channel binding both sides share. */
  handshakeHash: Buffer;
  /** The other side's static public key, raw 32 bytes. */
  remoteStatic: Buffer;
}

/** Noise's SymmetricState (section 5.2). */
class SymmetricState {
  private ck: Buffer;
  private h: Buffer;
  private cipher: CipherState | null = null;

  constructor(prologue: Buffer, responderStatic: Buffer) {
    const name = Buffer.from(PROTOCOL_NAME, 'ascii');
    // The name is exactly HASHLEN bytes long, so h starts as the name itself (no padding, no hashing).
    this.h = name.length === HASH_BYTES ? name : sha256(name);
    this.ck = this.h;
    this.mixHash(prologue);
    this.mixHash(responderStatic); // the pre-message "<- s"
  }

  get hash(): Buffer {
    return this.h;
  }

  mixHash(data: Buffer): void {
    this.h = sha256(this.h, data);
  }

  mixKey(inputKeyMaterial: Buffer): void {
    const [ck, key] = hkdf2(this.ck, inputKeyMaterial);
    this.ck = ck;
    this.cipher = new CipherState(key);
  }

  encryptAndHash(plaintext: Buffer): Buffer {
    const out = this.cipher ? this.cipher.encrypt(this.h, plaintext) : plaintext;
    this.mixHash(out);
    return out;
  }

  decryptAndHash(ciphertext: Buffer): Buffer {
    const out = this.cipher ? this.cipher.decrypt(this.h, ciphertext) : ciphertext;
    this.mixHash(ciphertext);
    return out;
  }

  /** Split(): the first key is for initiator-to-responder messages. */
  split(): [CipherState, CipherState] {
    const [k1, k2] = hkdf2(this.ck, Buffer.alloc(0));
    return [new CipherState(k1), new CipherState(k2)];
  }
}

function checkLength(msg: Buffer, min: number, what: string): void {
  if (msg.length < min) throw authFailure(`${what} is too short (${msg.length} bytes)`);
  if (msg.length > MAX_MESSAGE_BYTES) throw authFailure(`${what} is longer than a Noise message may be`);
}

function checkPayload(payload: Buffer, overhead: number): void {
  if (payload.length > MAX_MESSAGE_BYTES - overhead) throw new Error(`a handshake payload here carries at most ${MAX_MESSAGE_BYTES - overhead} bytes`);
}

type Step = 'start' | 'msg1' | 'done' | 'failed';

/** Runs a read step; any failure leaves the handshake failed for good. */
function guarded<T>(owner: { step: Step }, expected: Step, what: string, read: () => T): T {
  if (owner.step === 'failed') throw authFailure('this handshake already failed');
  if (owner.step !== expected) throw new Error(`Noise IK: ${what} called out of order`);
  owner.step = 'failed';
  return read();
}

export class IkInitiator {
  step: Step = 'start';
  private readonly s: StaticKeyPair;
  private readonly rs: Buffer;
  private readonly e: StaticKeyPair;
  private readonly ss: SymmetricState;

  constructor(opts: { s: StaticKeyPair; rs: Buffer; prologue: Buffer; e?: StaticKeyPair }) {
    if (opts.rs.length !== KEY_BYTES) throw new Error(`a responder static key has ${KEY_BYTES} bytes`);
    this.s = opts.s;
    this.rs = Buffer.from(opts.rs);
    this.e = opts.e ?? generateStaticKeyPair();
    this.ss = new SymmetricState(opts.prologue, this.rs);
  }

  /** -> e, es, s, ss */
  writeMessage1(payload: Buffer): Buffer {
    if (this.step !== 'start') throw new Error('Noise IK: writeMessage1 called out of order');
    checkPayload(payload, MESSAGE1_OVERHEAD);
    this.step = 'failed';
    const ss = this.ss;
    ss.mixHash(this.e.publicKey);
    ss.mixKey(dh(this.e, this.rs));
    const encryptedStatic = ss.encryptAndHash(this.s.publicKey);
    ss.mixKey(dh(this.s, this.rs));
    const msg = Buffer.concat([this.e.publicKey, encryptedStatic, ss.encryptAndHash(payload)]);
    this.step = 'msg1';
    return msg;
  }

  /** <- e, ee, se */
  readMessage2(msg: Buffer): { payload: Buffer; keys: TransportKeys } {
    return guarded(this, 'msg1', 'readMessage2', () => {
      checkLength(msg, MESSAGE2_OVERHEAD, 'handshake message 2');
      const ss = this.ss;
      const re = msg.subarray(0, KEY_BYTES);
      ss.mixHash(re);
      ss.mixKey(dh(this.e, re));
      ss.mixKey(dh(this.s, re));
      const payload = ss.decryptAndHash(msg.subarray(KEY_BYTES));
      const [send, receive] = ss.split();
      this.step = 'done';
      return { payload, keys: { send, receive, handshakeHash: ss.hash, remoteStatic: this.rs } };
    });
  }
}

export class IkResponder {
  step: Step = 'start';
  private readonly s: StaticKeyPair;
  private readonly e: StaticKeyPair;
  private readonly ss: SymmetricState;
  private re: Buffer | null = null;
  private rs: Buffer | null = null;

  constructor(opts: { s: StaticKeyPair; prologue: Buffer; e?: StaticKeyPair }) {
    this.s = opts.s;
    this.e = opts.e ?? generateStaticKeyPair();
    this.ss = new SymmetricState(opts.prologue, this.s.publicKey);
  }

  /** -> e, es, s, ss */
  readMessage1(msg: Buffer): { payload: Buffer; remoteStatic: Buffer } {
    return guarded(this, 'start', 'readMessage1', () => {
      checkLength(msg, MESSAGE1_OVERHEAD, 'handshake message 1');
      const ss = this.ss;
      const re = Buffer.from(msg.subarray(0, KEY_BYTES));
      ss.mixHash(re);
      ss.mixKey(dh(this.s, re));
      const rs = ss.decryptAndHash(msg.subarray(KEY_BYTES, KEY_BYTES + KEY_BYTES + TAG_BYTES));
      ss.mixKey(dh(this.s, rs));
      const payload = ss.decryptAndHash(msg.subarray(KEY_BYTES + KEY_BYTES + TAG_BYTES));
      this.re = re;
      this.rs = rs;
      this.step = 'msg1';
      return { payload, remoteStatic: rs };
    });
  }

  /** <- e, ee, se */
  writeMessage2(payload: Buffer): { msg: Buffer; keys: TransportKeys } {
    if (this.step !== 'msg1' || !this.re || !this.rs) throw new Error('Noise IK: writeMessage2 called out of order');
    checkPayload(payload, MESSAGE2_OVERHEAD);
    const [re, rs] = [this.re, this.rs];
    this.step = 'failed';
    const ss = this.ss;
    ss.mixHash(this.e.publicKey);
    ss.mixKey(dh(this.e, re));
    ss.mixKey(dh(this.e, rs));
    const msg = Buffer.concat([this.e.publicKey, ss.encryptAndHash(payload)]);
    const [receive, send] = ss.split();
    this.step = 'done';
    return { msg, keys: { send, receive, handshakeHash: ss.hash, remoteStatic: rs } };
  }
}
