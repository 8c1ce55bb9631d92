// ChaCha20-Poly1305 (RFC 8439), the one AEAD of the program: the link's Noise records, the route slots and cell
// bodies of the onion, the store's sealed values and backup files all go through here.
// Sealed layout: ciphertext ‖ tag.
// Opening answers null rather than throwing: each caller has its own error (LINK_AUTH, ONION, the store's
// SealError) and a failed tag on the relay path costs no exception unwinding here.

import { createCipheriv, createDecipheriv } from 'node:crypto';

export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 12;
export const AEAD_TAG_BYTES = 16;

const ALGORITHM = 'chacha20-poly1305';

/**
 * A plaintext given in parts, sealed as if it were one, with `ad` authenticated but not sent: the ciphertext of each
 * part (same lengths) and then the tag. Nothing is joined, so a caller can hand the pieces to a socket as they are
 * (one writev, no copy).
 */
export function aeadSealParts(key: Buffer, nonce: Buffer, parts: readonly Buffer[], ad?: Buffer): Buffer[] {
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: AEAD_TAG_BYTES });
  if (ad) cipher.setAAD(ad, { plaintextLength: parts.reduce((n, p) => n + p.length, 0) });
  const out = joinSmall(parts).map((p) => cipher.update(p));
  cipher.final();
  out.push(cipher.getAuthTag());
  return out;
}

/** Below this a part is joined with its small neighbours: a cipher call costs more than copying a few bytes. */
const SMALL_PART = 256;

/** The parts with each run of small ones joined (a link record's frame type, record kind and cell fields). */
function joinSmall(parts: readonly Buffer[]): readonly Buffer[] {
  if (parts.length < 2) return parts;
  const out: Buffer[] = [];
  let run: Buffer[] = [];
  const flush = (): void => {
    if (run.length > 0) out.push(run.length === 1 ? run[0] as Buffer : Buffer.concat(run));
    run = [];
  };
  for (const p of parts) {
    if (p.length < SMALL_PART) {
      run.push(p);
      continue;
    }
    flush();
    out.push(p);
  }
  flush();
  return out;
}

/** plaintext sealed under key and nonce, with `ad` authenticated but not sent: ciphertext ‖ tag (one copy). */
export function aeadSeal(key: Buffer, nonce: Buffer, plaintext: Buffer, ad?: Buffer): Buffer {
  return Buffer.concat(aeadSealParts(key, nonce, [plaintext], ad), plaintext.length + AEAD_TAG_BYTES);
}

/** The plaintext of ciphertext ‖ tag, or null when it is too short or does not authenticate under key, nonce and ad. */
export function aeadOpen(key: Buffer, nonce: Buffer, sealed: Buffer, ad?: Buffer): Buffer | null {
  if (sealed.length < AEAD_TAG_BYTES) return null;
  const bodyEnd = sealed.length - AEAD_TAG_BYTES;
  const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: AEAD_TAG_BYTES });
  if (ad) decipher.setAAD(ad, { plaintextLength: bodyEnd });
  decipher.setAuthTag(sealed.subarray(bodyEnd));
  const plaintext = decipher.update(sealed.subarray(0, bodyEnd));
  try {
    decipher.final();
  } catch {
    // The tag did not verify: the only way final() fails once the key, nonce and tag lengths are right.
    plaintext.fill(0);
    return null;
  }
  return plaintext;
}
