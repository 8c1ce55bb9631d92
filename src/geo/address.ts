// IP address text to numbers for the table's look-ups: IPv4 as one unsigned 32-bit number, IPv6 as four 32-bit
// words, most significant first. Strict, and bounded by the text forms themselves (RFC 4291: at most 8 groups of at
// most 4 hex digits, an IPv4 tail): no zone ("%eth0"), no brackets, no leading zeros in an IPv4 part (whose meaning
// differs between tools). Whatever is not an address is answered with undefined or false, never an error: a look-up
// of a bad address is simply unknown.

const DOT = 0x2e;
const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;

/** The longest IPv6 text: six groups and an IPv4 tail, 45 characters. */
const MAX_IPV6_CHARS = 45;

/** An IPv4 address as an unsigned 32-bit number, or undefined when `text` is not one. */
export function parseIPv4(text: string): number | undefined {
  return parseIPv4At(text, 0, text.length);
}

/** The dotted quad in text[from, to). Stops at the first character that cannot belong, so long text costs nothing. */
function parseIPv4At(text: string, from: number, to: number): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = from; i <= to; i++) {
    const c = i === to ? DOT : text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || ++parts > 4) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= ZERO && c <= NINE && digits < 3 && !(digits === 1 && part === 0)) {
      part = part * 10 + (c - ZERO);
      digits++;
      if (part > 255) return undefined;
    } else return undefined;
  }
  return parts === 4 ? value : undefined;
}

function hexValue(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

// One scratch row of groups: look-ups are synchronous, so no two parses share it at once.
const groups = new Uint16Array(8);

/**
 * Parses an IPv6 address into `out` (four words, most significant first). False when `text` is not one; `out` is
 * then left in any state.
 */
export function parseIPv6(text: string, out: Uint32Array): boolean {
  const len = text.length;
  if (len < 2 || len > MAX_IPV6_CHARS) return false;
  let n = 0;
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < len) {
    const start = i;
    let value = 0;
    let digit = hexValue(text.charCodeAt(i));
    while (digit >= 0 && i - start < 4) {
      value = value * 16 + digit;
      i++;
      digit = i < len ? hexValue(text.charCodeAt(i)) : -1;
    }
    if (i < len && text.charCodeAt(i) === DOT) {
      // An IPv4 tail takes the last two groups and ends the address.
      const v4 = n <= 6 ? parseIPv4At(text, start, len) : undefined;
      if (v4 === undefined) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      break;
    }
    if (i === start || n === 8) return false;
    groups[n++] = value;
    if (i === len) break;
    if (text.charCodeAt(i) !== COLON || ++i === len) return false;
    if (text.charCodeAt(i) === COLON) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    }
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  if (gap >= 0) {
    // "::" stands for as many zero groups as are missing.
    const moved = n - gap;
    groups.copyWithin(8 - moved, gap, n);
    groups.fill(0, gap, 8 - moved);
  }
  for (let w = 0; w < 4; w++) out[w] = groups[2 * w]! * 0x10000 + groups[2 * w + 1]!;
  return true;
}
