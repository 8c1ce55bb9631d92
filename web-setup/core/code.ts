// The setup code as the owner types it: 8 letters and digits, shown as XXXX-XXXX like on the console. Whatever is
// typed or pasted (lower case, blanks, the dash, a stray character) is reduced to those 8 characters.

export const CODE_LENGTH = 8;
const HALF = CODE_LENGTH / 2;

/** The code's characters: upper case letters and digits, nothing else, at most 8. */
export function normalizeCode(raw: string): string {
  return raw.slice(0, 200).toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, CODE_LENGTH);
}

/** XXXX-XXXX, the dash appearing once the fifth character is typed. */
export function formatCode(code: string): string {
  return code.length > HALF ? `${code.slice(0, HALF)}-${code.slice(HALF)}` : code;
}

/**
 * Re-formats an input's text while keeping the caret after the same code character: `caret` counts the raw
 * text's characters before it.
 */
export function reformat(raw: string, caret: number): { text: string; caret: number } {
  const code = normalizeCode(raw);
  const before = normalizeCode(raw.slice(0, caret)).length;
  const text = formatCode(code);
  return { text, caret: Math.min(text.length, before > HALF ? before + 1 : before) };
}
