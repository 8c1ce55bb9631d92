// Sorted columns of starts as the table file keeps them: each start as its difference from the one before, small
// numbers that compress well (0.71 MB for DB-IP's 4.9 MB of arrays, against 1.13 MB for the starts themselves).
// Summed back in place on reading, so loading holds one copy. The arithmetic wraps (at 32 bits, or 64 for starts of
// two words): a damaged difference wraps too, and shows as a start that does not ascend (table-check.ts).

/** Differences of an ascending column. */
export function differences(starts: Uint32Array): Uint32Array {
  return starts.map((s, i) => (i === 0 ? s : s - starts[i - 1]!));
}

/** Differences of 64-bit starts kept as two words each, high first. */
export function differences64(words: Uint32Array): Uint32Array {
  const out = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i += 2) {
    const lo = words[i + 1]! - (i === 0 ? 0 : words[i - 1]!);
    const borrow = lo < 0 ? 1 : 0;
    out[i] = words[i]! - (i === 0 ? 0 : words[i - 2]!) - borrow;
    out[i + 1] = lo + borrow * 0x1_0000_0000;
  }
  return out;
}

/** The column `differences` made, back in place. */
export function sumInPlace(d: Uint32Array): void {
  for (let i = 1; i < d.length; i++) d[i] = d[i - 1]! + d[i]!;
}

/** The column `differences64` made, back in place. */
export function sum64InPlace(d: Uint32Array): void {
  for (let i = 2; i < d.length; i += 2) {
    const lo = d[i - 1]! + d[i + 1]!;
    const carry = lo > 0xffff_ffff ? 1 : 0;
    d[i] = d[i - 2]! + d[i]! + carry;
    d[i + 1] = lo;
  }
}
