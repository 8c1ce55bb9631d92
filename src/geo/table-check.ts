// What a decoded table must be for its look-ups to be right: the invariants of V4Table and V6Table (table.ts), one
// family at a time, as the file is read. The decoder (table-file.ts) refuses a table with any problem, so a damaged
// file is never half-believed. A sum that overflowed in decoding wrapped around, and shows here as a start that does
// not ascend.

import { isCountryCode, UNKNOWN_COUNTRY } from './countries.js';
import { lowIndex, type V4Table, type V6Table } from './table.js';

/** What is wrong with a table's country codes, or undefined. */
export function codesProblem(codes: readonly string[]): string | undefined {
  if (codes[0] !== UNKNOWN_COUNTRY) return `its first country is '${codes[0]}', not '${UNKNOWN_COUNTRY}'`;
  const bad = codes.slice(1).find((c) => !isCountryCode(c));
  return bad === undefined ? undefined : `'${bad}' is not a country code`;
}

function countriesProblem(countries: Uint8Array, codes: readonly string[]): string | undefined {
  let highest = 0;
  for (let i = 0; i < countries.length; i++) if (countries[i]! > highest) highest = countries[i]!;
  return highest < codes.length ? undefined : 'a range names a country the table does not list';
}

/** What is wrong with an IPv4 table, or undefined. */
export function v4Problem(t: V4Table): string | undefined {
  const countries = countriesProblem(t.countries, t.codes);
  if (countries !== undefined) return countries;
  if (t.starts[0] !== 0) return 'its IPv4 ranges do not start at 0.0.0.0';
  for (let r = 1; r < t.starts.length; r++) if (t.starts[r]! <= t.starts[r - 1]!) return `IPv4 range ${r} does not ascend`;
  return undefined;
}

/** Whether IPv6 range r, whose high 64 bits are those of range r - 1, starts above it: only low bits can tell. */
function lowAscends(t: V6Table, r: number): boolean {
  const j = lowIndex(t, r - 1);
  const k = lowIndex(t, r);
  if (k < 0) return false;
  if (j < 0) return true;
  const low = t.low;
  return low[2 * j] !== low[2 * k] ? low[2 * j]! < low[2 * k]! : low[2 * j + 1]! < low[2 * k + 1]!;
}

/** What is wrong with an IPv6 table, or undefined. */
export function v6Problem(t: V6Table): string | undefined {
  const countries = countriesProblem(t.countries, t.codes);
  if (countries !== undefined) return countries;
  for (let k = 0; k < t.lowRows.length; k++) {
    if (k > 0 && t.lowRows[k]! <= t.lowRows[k - 1]!) return 'its list of IPv6 low bits does not ascend';
    if (t.lowRows[k]! >= t.countries.length) return 'its list of IPv6 low bits names a range it does not have';
    if (t.low[2 * k] === 0 && t.low[2 * k + 1] === 0) return 'its list of IPv6 low bits holds zero bits';
  }
  if (t.high[0] !== 0 || t.high[1] !== 0 || lowIndex(t, 0) >= 0) return 'its IPv6 ranges do not start at ::';
  // The high words decide all but a few hundred of 346 000 ranges: compared inline, since a call per range, in code
  // that runs once and so unoptimized, doubled the check's time.
  const high = t.high;
  for (let r = 1; r < t.countries.length; r++) {
    const p0 = high[2 * r - 2]!;
    const h0 = high[2 * r]!;
    if (p0 < h0) continue;
    if (p0 === h0) {
      const p1 = high[2 * r - 1]!;
      const h1 = high[2 * r + 1]!;
      if (p1 < h1 || (p1 === h1 && lowAscends(t, r))) continue;
    }
    return `IPv6 range ${r} does not ascend`;
  }
  return undefined;
}
