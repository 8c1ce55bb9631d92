// ChaCha20-Poly1305 (RFC 8439), the one AEAD of the program: the link's Noise records, the route slots and cell
// bodies of the onion, the store's sealed values and backup files all go through here, and here through the cipher
// addon (cipher-addon.ts), which writes into buffers we own: no cipher object per call, no zero-filled second copy.
// Sealed layout: ciphertext ‖ tag.
// Opening answers null rather than throwing: each caller has its own error (LINK_AUTH, ONION, the store's
// SealError) and a failed tag on the relay path costs no exception unwinding here.

import { cipherAddon, type Opener } from './cipher-addon.js';

export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 12;
export const AEAD_TAG_BYTES = 16;

// What is sealed goes out (a link record, a cell body) and is dropped once written: a small one is a slice of
// Buffer's shared pool, cheap to make. What is opened may be kept (a store's secret, a slot's fields): it gets
// memory of its own (allocUnsafeSlow), or a small one kept for long would keep a whole 8 KiB pool slab alive
// (docs/PERFORMANCE.md).

/**
 * A plaintext given in parts, sealed as if it were one, with `ad` authenticated but not sent: ciphertext ‖ tag in
 * one new buffer, each part enciphered straight into its place (no join before, no copy after).
 */
export function aeadSealParts(key: Buffer, nonce: Buffer, parts: readonly Buffer[], ad?: Buffer): Buffer {
  let length = AEAD_TAG_BYTES;
  for (const p of parts) length += p.length;
  const out = Buffer.allocUnsafe(length);
  cipherAddon().seal(key, nonce, ad, parts, out);
  return out;
}

/** plaintext sealed under key and nonce, with `ad` authenticated but not sent: ciphertext ‖ tag. */
export function aeadSeal(key: Buffer, nonce: Buffer, plaintext: Buffer, ad?: Buffer): Buffer {
  return aeadSealParts(key, nonce, [plaintext], ad);
}

/** The plaintext of ciphertext ‖ tag in a new buffer, or null when it is too short or does not authenticate under key, nonce and ad. */
export function aeadOpen(key: Buffer, nonce: Buffer, sealed: Buffer, ad?: Buffer): Buffer | null {
  if (sealed.length < AEAD_TAG_BYTES) return null;
  const plaintext = Buffer.allocUnsafeSlow(sealed.length - AEAD_TAG_BYTES);
  return cipherAddon().open(key, nonce, ad, sealed, plaintext) ? plaintext : null;
}

/**
 * aeadOpen() writing the plaintext over the ciphertext: the answer is the front of `sealed`. For bytes nobody reads
 * again (a link record just received); on failure they are zeroed, so the caller must not need them to retry.
 */
export function aeadOpenInPlace(key: Buffer, nonce: Buffer, sealed: Buffer, ad?: Buffer): Buffer | null {
  if (sealed.length < AEAD_TAG_BYTES) return null;
  return cipherAddon().open(key, nonce, ad, sealed, sealed) ? sealed.subarray(0, sealed.length - AEAD_TAG_BYTES) : null;
}

/**
 * Opens records that arrive in pieces one at a time (a link's receiving side): begin with the sealed length, then
 * each piece as it arrives, read at once, so it may be a view of a buffer the next read overwrites; the ciphertext
 * is opened straight into the record's own memory and the tag kept aside. No join, no copy of the ciphertext.
 */
export class AeadOpener {
  private readonly opener: Opener = cipherAddon().opener();
  private readonly tag = Buffer.alloc(AEAD_TAG_BYTES);
  private tagHave = 0;
  private plaintext = Buffer.alloc(0);
  private at = 0;

  /** A record of `length` sealed bytes (at least the tag: the caller checks). */
  begin(key: Buffer, nonce: Buffer, length: number, ad?: Buffer): void {
    if (length < AEAD_TAG_BYTES) throw new Error('sealed bytes are at least their tag');
    // Opened records may be kept a while (a cell waiting for its stream): a small one shares Buffer's pool.
    this.plaintext = Buffer.allocUnsafe(length - AEAD_TAG_BYTES);
    this.at = 0;
    this.tagHave = 0;
    cipherAddon().openBegin(this.opener, key, nonce, ad);
  }

  part(piece: Buffer): void {
    const text = Math.min(piece.length, this.plaintext.length - this.at);
    if (text > 0) {
      cipherAddon().openUpdate(this.opener, text === piece.length ? piece : piece.subarray(0, text), this.plaintext, this.at);
      this.at += text;
    }
    const rest = piece.length - text;
    if (rest === 0) return;
    if (this.tagHave + rest > AEAD_TAG_BYTES) throw new Error('more sealed bytes than the record begun');
    piece.copy(this.tag, this.tagHave, text);
    this.tagHave += rest;
  }

  /** The plaintext, or null when the record does not authenticate. */
  end(): Buffer | null {
    if (this.tagHave !== AEAD_TAG_BYTES) throw new Error('a record ended before its tag');
    return cipherAddon().openEnd(this.opener, this.tag, this.plaintext) ? this.plaintext : null;
  }
}
