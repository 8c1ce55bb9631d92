// The cipher addon (native/masq-cipher.c, built into masq-cipher.node beside the programs): ChaCha20 and
// ChaCha20-Poly1305 writing into buffers the caller owns, in place when it passes one buffer twice, and glibc's
// malloc_trim, which Node.js does not offer. Loaded at the first call, so a program that never enciphers never loads it.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describeError, MasqError, programDir } from '../system/index.js';

export const ADDON_FILE = 'masq-cipher.node';

export interface CipherAddon {
  /** output = input XOR ChaCha20(key, nonce) from block 0; output may be input itself. */
  chacha20(key: Uint8Array, nonce: Uint8Array, input: Uint8Array, output: Uint8Array): void;
  /** The parts' concatenation sealed under key and nonce, `ad` authenticated: ciphertext ‖ tag into output (its exact length). */
  seal(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array | undefined, parts: readonly Uint8Array[], output: Uint8Array): void;
  /** The plaintext of ciphertext ‖ tag into output (it may be `sealed` itself); false, output zeroed, if it does not authenticate. */
  open(key: Uint8Array, nonce: Uint8Array, ad: Uint8Array | undefined, sealed: Uint8Array, output: Uint8Array): boolean;
  /** A context of its own for one record at a time opened as its bytes arrive (freed when collected). */
  opener(): Opener;
  /** A new record under key and nonce for the opener, `ad` authenticated. */
  openBegin(opener: Opener, key: Uint8Array, nonce: Uint8Array, ad: Uint8Array | undefined): void;
  /** The input's ciphertext opened into output from byte `at` (not yet authenticated). */
  openUpdate(opener: Opener, input: Uint8Array, output: Uint8Array, at: number): void;
  /** Whether the record authenticates under its tag; output zeroed when it does not. */
  openEnd(opener: Opener, tag: Uint8Array, output: Uint8Array): boolean;
  /** malloc's free pages given back to the system (glibc's malloc_trim); whether any were. */
  trim(): boolean;
}

/** The addon's handle on an opener's context. */
export type Opener = { readonly __opener: unique symbol };

let loaded: CipherAddon | undefined;

/** The addon, loaded once from beside the programs. */
export function cipherAddon(): CipherAddon {
  loaded ??= loadCipherAddon(programDir(import.meta.url));
  return loaded;
}

/** malloc's free pages given back to the system; whether any were. Loads the addon if no cipher call has yet. */
export function releaseFreedMemory(): boolean {
  return cipherAddon().trim();
}

/** The addon in `dir`; a MasqError('CIPHER') saying how to get it when it is missing or does not load. */
export function loadCipherAddon(dir: string): CipherAddon {
  const file = join(dir, ADDON_FILE);
  try {
    return createRequire(import.meta.url)(file) as CipherAddon;
  } catch (e) {
    throw new MasqError('CIPHER', `The cipher addon ${file} cannot be loaded: ${describeError(e)}.`, 'Build it with `make build` in a checkout, or reinstall the masq package.');
  }
}
