// The box's setup code: the one key to an unclaimed box, printed on its console and typed on the setup page.
// 8 characters of a 32-letter alphabet without the look-alikes I, O, 0 and 1: 40 bits, shown as XXXX-XXXX.

import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;
/** A code of the owner's own (the seed file) may be longer, never shorter. */
const MAX_SEED_LENGTH = 64;

/** A fresh random code, normalized (no dash). */
export function newSetupCode(): string {
  let out = '';
  for (let i = 0; i < CODE_LENGTH; i++) out += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return out;
}

/** What a person typed, as the code is stored: upper case, spaces and dashes dropped. */
export function normalizeCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]+/g, '');
}

/** XXXX-XXXX (a longer code of the owner's own in groups of four). */
export function formatCode(code: string): string {
  return (normalizeCode(code).match(/.{1,4}/g) ?? []).join('-');
}

/** Why a code of the owner's own cannot be used, or undefined when it can. */
export function seedProblem(text: string): string | undefined {
  const code = normalizeCode(text);
  if (code.length < CODE_LENGTH) return `it has ${code.length} character${code.length === 1 ? '' : 's'}; a setup code needs at least ${CODE_LENGTH}`;
  if (code.length > MAX_SEED_LENGTH) return `it has ${code.length} characters; a setup code has at most ${MAX_SEED_LENGTH}`;
  const bad = [...new Set([...code].filter((c) => !CODE_ALPHABET.includes(c)))];
  if (bad.length > 0) {
    const shown = bad.slice(0, 5).map((c) => (/^[\x21-\x7e]$/.test(c) ? `'${c}'` : `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`));
    return `it holds ${shown.join(', ')}, which a setup code cannot (only ${CODE_ALPHABET}: no I, O, 0 or 1)`;
  }
  return undefined;
}

/** Whether a typed code is the stored one, in time that does not depend on where they differ. */
export function codeMatches(typed: string, stored: string): boolean {
  // Digests of equal length: timingSafeEqual needs that, and the length of the stored code is not revealed either.
  const a = createHash('sha256').update(normalizeCode(typed)).digest();
  const b = createHash('sha256').update(normalizeCode(stored)).digest();
  return timingSafeEqual(a, b);
}
