// The table in memory: for each family, the first address of every range in ascending order, with a country index
// per range. Ranges touch (a gap in the source becomes a range of 'ZZ'), so a look-up is one binary search for the
// last start at or below the address, and no end is kept. IPv6 keeps the high 64 bits of each start; the few
// starts with low bits (ranges narrower than a /64: about 340 of 346 000 in DB-IP's table) keep those in a short
// side list, so the table is exact at half the memory of full 128-bit starts. The families are apart, each with the
// country codes, because a Node reads only the one it looks up (load.ts): its own address is IPv4.

import { UNKNOWN_COUNTRY } from './countries.js';
import type { Family, RangeRow } from './csv.js';
import { GeoError, SOURCE_FIX } from './errors.js';

export interface V4Table {
  /** Country codes by index, at most 256; index 0 is 'ZZ'. */
  readonly codes: readonly string[];
  /** The first address of each range, strictly ascending from 0. */
  readonly starts: Uint32Array;
  /** Each range's index into codes. */
  readonly countries: Uint8Array;
}

export interface V6Table {
  /** As V4Table's. */
  readonly codes: readonly string[];
  /** The high 64 bits of each range's first address, two words a range; the starts ascend from ::. */
  readonly high: Uint32Array;
  /** Each range's index into codes. */
  readonly countries: Uint8Array;
  /** The ranges (ascending) whose first address has low 64 bits, and those bits, two words each. */
  readonly lowRows: Uint32Array;
  readonly low: Uint32Array;
}

/** Each family's table by its number: what the file and the loader deal in, one family at a time. */
export interface FamilyTables {
  readonly 4: V4Table;
  readonly 6: V6Table;
}

/** Both families. A look-up touches only the one its address is in. */
export interface CountryTable {
  readonly v4: V4Table;
  readonly v6: V6Table;
}

const MAX_CODES = 256;
const V4_LAST = 2n ** 32n - 1n;
const V6_LAST = 2n ** 128n - 1n;

/** Starts and code indices of one family: gaps filled with 'ZZ', touching ranges of one country merged. */
function ranges(rows: readonly RangeRow[], last: bigint, family: Family, codeIndex: (c: string) => number): { starts: bigint[]; codes: number[] } {
  const starts: bigint[] = [];
  const codes: number[] = [];
  const push = (start: bigint, code: number): void => {
    if (codes.length > 0 && codes[codes.length - 1] === code) return;
    starts.push(start);
    codes.push(code);
  };
  let end = -1n;
  for (const row of rows) {
    if (row.first <= end) {
      throw new GeoError(`IPv${family} CSV line ${row.line}: the range overlaps or comes before the one above it; the file must be sorted, its ranges apart.`, SOURCE_FIX, row.line);
    }
    if (row.first > end + 1n) push(end + 1n, 0);
    push(row.first, codeIndex(row.country));
    end = row.last;
  }
  if (end < last) push(end + 1n, 0);
  return { starts, codes };
}

/** The table of the rows of both families' CSVs (see parseRangeCsv), each sorted and with no overlap. */
export function buildCountryTable(v4Rows: readonly RangeRow[], v6Rows: readonly RangeRow[]): CountryTable {
  const named = [...new Set([...v4Rows, ...v6Rows].map((r) => r.country))].filter((c) => c !== UNKNOWN_COUNTRY).sort();
  const codes = [UNKNOWN_COUNTRY, ...named];
  // parseRangeCsv lets through only ISO codes, fewer than 256: a guard for rows made some other way.
  if (codes.length > MAX_CODES) throw new GeoError(`The table names ${codes.length} countries; it can hold ${MAX_CODES}.`, SOURCE_FIX);
  const index = new Map(codes.map((c, i) => [c, i]));
  const codeIndex = (c: string): number => index.get(c)!;
  const v4 = ranges(v4Rows, V4_LAST, 4, codeIndex);
  const v6 = ranges(v6Rows, V6_LAST, 6, codeIndex);
  const low = v6.starts.flatMap((s, row) => ((s & 0xffff_ffff_ffff_ffffn) === 0n ? [] : [{ row, s }]));
  const word = (s: bigint, shift: bigint): number => Number((s >> shift) & 0xffff_ffffn);
  return {
    v4: { codes, starts: Uint32Array.from(v4.starts, Number), countries: Uint8Array.from(v4.codes) },
    v6: {
      codes,
      high: Uint32Array.from(v6.starts.flatMap((s) => [word(s, 96n), word(s, 64n)])),
      countries: Uint8Array.from(v6.codes),
      lowRows: Uint32Array.from(low, (l) => l.row),
      low: Uint32Array.from(low.flatMap((l) => [word(l.s, 32n), word(l.s, 0n)])),
    },
  };
}

/** Where `row` is in lowRows, or -1 when its start has no low bits. */
export function lowIndex(t: V6Table, row: number): number {
  const rows = t.lowRows;
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = rows[mid]!;
    if (r === row) return mid;
    if (r < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Whether IPv6 range `row` starts at or below the address (four words, most significant first). */
export function v6StartsAtOrBelow(t: V6Table, row: number, q: Uint32Array): boolean {
  const h0 = t.high[2 * row]!;
  if (h0 !== q[0]) return h0 < q[0]!;
  const h1 = t.high[2 * row + 1]!;
  if (h1 !== q[1]) return h1 < q[1]!;
  const k = lowIndex(t, row);
  if (k < 0) return true;
  const l0 = t.low[2 * k]!;
  if (l0 !== q[2]) return l0 < q[2]!;
  return t.low[2 * k + 1]! <= q[3]!;
}
