// The table as the file the package ships (built by scripts/build.mjs): a small header, then the table's arrays,
// each sorted column of starts as differences from the one before, the whole compressed with Brotli. Differences of
// sorted starts are small numbers that compress well: 0.71 MB for DB-IP's 4.9 MB of arrays, against 1.13 MB for
// the starts themselves. The arrays are little-endian and 32-bit aligned, so the decompressed buffer becomes the
// table in place (the differences summed back where they lie): loading holds one copy of the table, not two.
// Decoding is bounded (file, decompressed size, counts) and checks every invariant a look-up relies on, so a
// damaged file is refused, never half-believed.
//
// File: "MASQGEO" 0x02 | u32 LE: countries, IPv4 ranges, IPv6 ranges, IPv6 low rows | Brotli of the payload.
// Payload: IPv4 starts (u32 differences) | IPv6 high 64 bits (differences, high word then low word) | IPv6 low rows
// (u32 differences) | IPv6 low words (two a row) | IPv4 country indices (u8) | IPv6 country indices | countries
// (two ASCII letters each).

import { endianness } from 'node:os';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { describeError } from '../system/index.js';
import { isCountryCode, UNKNOWN_COUNTRY } from './countries.js';
import { CSV_LIMITS } from './csv.js';
import { FILE_FIX, GeoError } from './errors.js';
import { type CountryTable, lowIndex } from './table.js';

const MAGIC = Buffer.from('MASQGEO\x02', 'latin1');
const HEADER_BYTES = MAGIC.length + 16;
/** Ranges a family may have: every row of the largest CSV, and a gap before each and after the last. */
const MAX_RANGES = 2 * CSV_LIMITS.maxRows + 1;
/** IPv6 ranges narrower than a /64: DB-IP's table has about 340. */
const MAX_LOW_ROWS = 65_536;
const MAX_CODES = 256;
/** The largest file read: a table of the largest counts compresses to well under this. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

function payloadBytes(codes: number, n4: number, n6: number, nLow: number): number {
  return 4 * n4 + 8 * n6 + 12 * nLow + n4 + n6 + 2 * codes;
}

/** Differences of an ascending column, as the file keeps it. */
function differences(starts: Uint32Array): Uint32Array {
  return starts.map((s, i) => (i === 0 ? s : s - starts[i - 1]!));
}

/** Differences of 64-bit starts kept as two words each, high first. */
function differences64(words: Uint32Array): Uint32Array {
  const out = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i += 2) {
    const lo = words[i + 1]! - (i === 0 ? 0 : words[i - 1]!);
    const borrow = lo < 0 ? 1 : 0;
    out[i] = words[i]! - (i === 0 ? 0 : words[i - 2]!) - borrow;
    out[i + 1] = lo + borrow * 0x1_0000_0000;
  }
  return out;
}

/** The file's bytes. Brotli quality 9: 0.3 s, where its best (11) takes 11 s to save another 15%. */
export function encodeCountryTable(t: CountryTable): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header);
  [t.codes.length, t.v4Codes.length, t.v6Codes.length, t.v6LowRows.length].forEach((n, i) => header.writeUInt32LE(n, MAGIC.length + 4 * i));
  const bytes = (a: Uint32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  // Typed arrays are in the machine's order; decodeCountryTable refuses to run where that is not little-endian.
  const payload = Buffer.concat([
    bytes(differences(t.v4Starts)), bytes(differences64(t.v6High)), bytes(differences(t.v6LowRows)), bytes(t.v6Low),
    t.v4Codes, t.v6Codes, Buffer.from(t.codes.join(''), 'latin1'),
  ]);
  const packed = brotliCompressSync(payload, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_LGWIN]: 22, [constants.BROTLI_PARAM_SIZE_HINT]: payload.length },
  });
  return Buffer.concat([header, packed]);
}

function damaged(why: string): GeoError {
  return new GeoError(`The IP-to-country table file is damaged: ${why}.`, FILE_FIX);
}

function sumInPlace(d: Uint32Array): void {
  for (let i = 1; i < d.length; i++) d[i] = d[i - 1]! + d[i]!;
}

function sum64InPlace(d: Uint32Array): void {
  for (let i = 2; i < d.length; i += 2) {
    const lo = d[i - 1]! + d[i + 1]!;
    const carry = lo > 0xffff_ffff ? 1 : 0;
    d[i] = d[i - 2]! + d[i]! + carry;
    d[i + 1] = lo;
  }
}

function highest(bytes: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > m) m = bytes[i]!;
  return m;
}

/** Whether IPv6 range r starts above range r - 1. */
function v6Ascends(t: CountryTable, r: number): boolean {
  const high = t.v6High;
  if (high[2 * r - 2] !== high[2 * r]) return high[2 * r - 2]! < high[2 * r]!;
  if (high[2 * r - 1] !== high[2 * r + 1]) return high[2 * r - 1]! < high[2 * r + 1]!;
  // The same /64: only low bits can tell them apart.
  const j = lowIndex(t, r - 1);
  const k = lowIndex(t, r);
  if (k < 0) return false;
  if (j < 0) return true;
  const low = t.v6Low;
  return low[2 * j] !== low[2 * k] ? low[2 * j]! < low[2 * k]! : low[2 * j + 1]! < low[2 * k + 1]!;
}

/**
 * What is wrong with a decoded table, or undefined: the invariants of CountryTable that look-ups rely on. A sum that
 * overflowed in decoding wrapped around, and shows here as a start that does not ascend.
 */
function problemOf(t: CountryTable): string | undefined {
  if (t.codes[0] !== UNKNOWN_COUNTRY) return `its first country is '${t.codes[0]}', not '${UNKNOWN_COUNTRY}'`;
  const bad = t.codes.slice(1).find((c) => !isCountryCode(c));
  if (bad !== undefined) return `'${bad}' is not a country code`;
  if (Math.max(highest(t.v4Codes), highest(t.v6Codes)) >= t.codes.length) return 'a range names a country the table does not list';
  if (t.v4Starts[0] !== 0) return 'its IPv4 ranges do not start at 0.0.0.0';
  for (let r = 1; r < t.v4Starts.length; r++) if (t.v4Starts[r]! <= t.v4Starts[r - 1]!) return `IPv4 range ${r} does not ascend`;
  for (let k = 0; k < t.v6LowRows.length; k++) {
    if (k > 0 && t.v6LowRows[k]! <= t.v6LowRows[k - 1]!) return 'its list of IPv6 low bits does not ascend';
    if (t.v6LowRows[k]! >= t.v6Codes.length) return 'its list of IPv6 low bits names a range it does not have';
    if (t.v6Low[2 * k] === 0 && t.v6Low[2 * k + 1] === 0) return 'its list of IPv6 low bits holds zero bits';
  }
  if (t.v6High[0] !== 0 || t.v6High[1] !== 0 || lowIndex(t, 0) >= 0) return 'its IPv6 ranges do not start at ::';
  for (let r = 1; r < t.v6Codes.length; r++) if (!v6Ascends(t, r)) return `IPv6 range ${r} does not ascend`;
  return undefined;
}

/** The table in a file's bytes; a GeoError for anything that is not a whole, valid table. */
export function decodeCountryTable(file: Uint8Array): CountryTable {
  if (endianness() !== 'LE') throw new GeoError('The IP-to-country table is little-endian, and this machine is not.', 'Use masq on an amd64 or arm64 machine.');
  if (file.byteLength > MAX_FILE_BYTES) throw damaged(`${file.byteLength} bytes is more than the ${MAX_FILE_BYTES} a table can take`);
  const head = Buffer.from(file.buffer, file.byteOffset, Math.min(file.byteLength, HEADER_BYTES));
  if (head.length < HEADER_BYTES || !head.subarray(0, MAGIC.length).equals(MAGIC)) throw damaged('it does not start as one');
  const [codes, n4, n6, nLow] = [0, 1, 2, 3].map((i) => head.readUInt32LE(MAGIC.length + 4 * i)) as [number, number, number, number];
  if (codes < 1 || codes > MAX_CODES || n4 < 1 || n4 > MAX_RANGES || n6 < 1 || n6 > MAX_RANGES || nLow > MAX_LOW_ROWS) {
    throw damaged(`its counts (${codes} countries, ${n4} IPv4 and ${n6} IPv6 ranges, ${nLow} low rows) are out of bounds`);
  }
  const size = payloadBytes(codes, n4, n6, nLow);
  let payload: Buffer;
  try {
    // One output chunk larger than the payload: zlib then returns it as it is, in a buffer of its own (aligned, and
    // not concatenated from pieces, which would hold the table twice).
    payload = brotliDecompressSync(file.subarray(HEADER_BYTES), { chunkSize: Math.max(64, size + 1), maxOutputLength: size });
  } catch (e) {
    throw damaged(`it does not decompress (${describeError(e)})`);
  }
  if (payload.length !== size) throw damaged(`it holds ${payload.length} bytes where its counts make ${size}`);
  // Should zlib ever hand back a buffer at an odd offset, a copy is aligned.
  const bytes = payload.byteOffset % 4 === 0 ? payload : new Uint8Array(payload);
  let at = bytes.byteOffset;
  const words = (n: number): Uint32Array => {
    const a = new Uint32Array(bytes.buffer, at, n);
    at += 4 * n;
    return a;
  };
  const octets = (n: number): Uint8Array => {
    const a = new Uint8Array(bytes.buffer, at, n);
    at += n;
    return a;
  };
  // In the payload's order.
  const v4Starts = words(n4);
  const v6High = words(2 * n6);
  const v6LowRows = words(nLow);
  const v6Low = words(2 * nLow);
  const v4Codes = octets(n4);
  const v6Codes = octets(n6);
  const letters = Buffer.from(octets(2 * codes)).toString('latin1');
  const table: CountryTable = {
    codes: Array.from({ length: codes }, (_, i) => letters.slice(2 * i, 2 * i + 2)),
    v4Starts, v4Codes, v6High, v6Codes, v6LowRows, v6Low,
  };
  sumInPlace(table.v4Starts);
  sum64InPlace(table.v6High);
  sumInPlace(table.v6LowRows);
  const problem = problemOf(table);
  if (problem !== undefined) throw damaged(problem);
  return table;
}
