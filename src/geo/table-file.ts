// The table as the file the package ships (built by scripts/build.mjs): a header with the country codes, then one
// Brotli-compressed section per family, each decompressed on its own, so a Node reads the IPv6 section only if it
// looks up an IPv6 address (load.ts). In a section the arrays are little-endian and 32-bit aligned, each sorted
// column of starts kept as differences (deltas.ts): the decompressed buffer becomes the table in place, and loading
// holds one copy of it, not two. Decoding is bounded (file, header, counts, each section's decompressed size) and
// checks every invariant a look-up relies on (table-check.ts); each section carries a SHA-256 of itself and the
// header, because Brotli has none: about half of all single flipped bits in a stream still decode, to a table that
// meets every invariant and answers wrongly. So a damaged file is refused, never half-believed, and damage inside
// one section leaves the other readable.
//
// File: "MASQGEO" 0x03 | u32 LE: countries, IPv4 ranges, IPv6 ranges, IPv6 low rows, IPv4 section bytes, IPv6
// section bytes | countries (two ASCII letters each) | IPv4 section | IPv6 section.
// Section: SHA-256 of the header (all of the above before the sections) and the Brotli stream | the Brotli stream.
// IPv4 stream, of: starts (u32 differences) | country indices (u8).
// IPv6 stream, of: high 64 bits of the starts (differences, high word then low word) | low rows (u32 differences) |
// low words (two a row) | country indices (u8).

import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { describeError } from '../system/index.js';
import { CSV_LIMITS, type Family } from './csv.js';
import { differences, differences64, sum64InPlace, sumInPlace } from './deltas.js';
import { FILE_FIX, GeoError } from './errors.js';
import type { CountryTable, FamilyTables, V4Table, V6Table } from './table.js';
import { codesProblem, v4Problem, v6Problem } from './table-check.js';

const MAGIC = Buffer.from('MASQGEO\x03', 'latin1');
const COUNTS = 6;
const FIXED_BYTES = MAGIC.length + 4 * COUNTS;
const DIGEST_BYTES = 32;
/** Ranges a family may have: every row of the largest CSV, and a gap before each and after the last. */
const MAX_RANGES = 2 * CSV_LIMITS.maxRows + 1;
/** IPv6 ranges narrower than a /64: DB-IP's table has about 340. */
const MAX_LOW_ROWS = 65_536;
const MAX_CODES = 256;
/** The longest header: its fixed part and 256 countries. A reader takes this much of the file first. */
export const MAX_HEADER_BYTES = FIXED_BYTES + 2 * MAX_CODES;
/** The largest file read: a table of the largest counts compresses to well under this. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Where a section is in the file. */
export interface Section {
  readonly at: number;
  readonly bytes: number;
}

/** What the header states, checked: the country codes, the counts, and where each family's section is. */
export interface TableHeader {
  /** The header as the file has it, which each section's digest covers. */
  readonly bytes: Uint8Array;
  readonly codes: readonly string[];
  readonly v4Ranges: number;
  readonly v6Ranges: number;
  readonly lowRows: number;
  readonly sections: { readonly [F in Family]: Section };
}

const asBytes = (a: Uint32Array | Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Brotli quality 9: 0.3 s for the whole table, where its best (11) takes 11 s to save another 15%. */
function compress(parts: Array<Uint32Array | Uint8Array>): Buffer {
  // Typed arrays are in the machine's order; decodeHeader refuses to run where that is not little-endian.
  const payload = Buffer.concat(parts.map(asBytes));
  return brotliCompressSync(payload, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_LGWIN]: 22, [constants.BROTLI_PARAM_SIZE_HINT]: payload.length },
  });
}

function digest(header: Uint8Array, packed: Uint8Array): Buffer {
  return createHash('sha256').update(header).update(packed).digest();
}

/** The file's bytes. The families share their country codes, as buildCountryTable makes them. */
export function encodeCountryTable(t: CountryTable): Buffer {
  const { v4, v6 } = t;
  const s4 = compress([differences(v4.starts), v4.countries]);
  const s6 = compress([differences64(v6.high), differences(v6.lowRows), v6.low, v6.countries]);
  const fixed = Buffer.alloc(FIXED_BYTES);
  MAGIC.copy(fixed);
  const counts = [v4.codes.length, v4.countries.length, v6.countries.length, v6.lowRows.length, DIGEST_BYTES + s4.length, DIGEST_BYTES + s6.length];
  counts.forEach((n, i) => fixed.writeUInt32LE(n, MAGIC.length + 4 * i));
  const header = Buffer.concat([fixed, Buffer.from(v4.codes.join(''), 'latin1')]);
  return Buffer.concat([header, digest(header, s4), s4, digest(header, s6), s6]);
}

function damaged(why: string): GeoError {
  return new GeoError(`The IP-to-country table file is damaged: ${why}.`, FILE_FIX);
}

/**
 * The header of a file of `fileBytes` bytes, from its first bytes (MAX_HEADER_BYTES, or all of a shorter file); a
 * GeoError unless it is a whole, valid header whose sections make up exactly the file.
 */
export function decodeHeader(head: Uint8Array, fileBytes: number): TableHeader {
  if (endianness() !== 'LE') throw new GeoError('The IP-to-country table is little-endian, and this machine is not.', 'Use masq on an amd64 or arm64 machine.');
  if (fileBytes > MAX_FILE_BYTES) throw damaged(`${fileBytes} bytes is more than the ${MAX_FILE_BYTES} a table can take`);
  const b = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, MAX_HEADER_BYTES));
  if (b.length < FIXED_BYTES || !b.subarray(0, MAGIC.length).equals(MAGIC)) throw damaged('it does not start as one');
  const [codes, n4, n6, nLow, s4, s6] = Array.from({ length: COUNTS }, (_, i) => b.readUInt32LE(MAGIC.length + 4 * i)) as [number, number, number, number, number, number];
  if (codes < 1 || codes > MAX_CODES || n4 < 1 || n4 > MAX_RANGES || n6 < 1 || n6 > MAX_RANGES || nLow > MAX_LOW_ROWS) {
    throw damaged(`its counts (${codes} countries, ${n4} IPv4 and ${n6} IPv6 ranges, ${nLow} low rows) are out of bounds`);
  }
  const start = FIXED_BYTES + 2 * codes;
  // The sizes are below 2^32 each, so the sum is exact.
  if (s4 <= DIGEST_BYTES || s6 <= DIGEST_BYTES || start + s4 + s6 !== fileBytes) throw damaged(`its header and sections (${start}, ${s4} and ${s6} bytes) do not make its ${fileBytes} bytes`);
  if (b.length < start) throw damaged('its header is cut short');
  const letters = b.toString('latin1', FIXED_BYTES, start);
  const list = Array.from({ length: codes }, (_, i) => letters.slice(2 * i, 2 * i + 2));
  const problem = codesProblem(list);
  if (problem !== undefined) throw damaged(problem);
  return { bytes: b.subarray(0, start), codes: list, v4Ranges: n4, v6Ranges: n6, lowRows: nLow, sections: { 4: { at: start, bytes: s4 }, 6: { at: start + s4, bytes: s6 } } };
}

/** A section's payload: decompressed within `size` bytes, exactly that many, 32-bit aligned. */
function unpack(packed: Uint8Array, size: number, family: Family): Uint8Array {
  let payload: Buffer;
  try {
    // One output chunk larger than the payload: zlib then returns it as it is, in a buffer of its own (aligned, and
    // not concatenated from pieces, which would hold the section twice).
    payload = brotliDecompressSync(packed, { chunkSize: Math.max(64, size + 1), maxOutputLength: size });
  } catch (e) {
    throw damaged(`its IPv${family} section does not decompress (${describeError(e)})`);
  }
  if (payload.length !== size) throw damaged(`its IPv${family} section holds ${payload.length} bytes where its counts make ${size}`);
  // Should zlib ever hand back a buffer at an odd offset, a copy is aligned.
  return payload.byteOffset % 4 === 0 ? payload : new Uint8Array(payload);
}

/** Typed arrays over a payload's parts, taken in the order they were written. */
function parts(bytes: Uint8Array): { words(n: number): Uint32Array; octets(n: number): Uint8Array } {
  let at = bytes.byteOffset;
  return {
    words(n) {
      const a = new Uint32Array(bytes.buffer, at, n);
      at += 4 * n;
      return a;
    },
    octets(n) {
      const a = new Uint8Array(bytes.buffer, at, n);
      at += n;
      return a;
    },
  };
}

function valid<T>(table: T, problem: string | undefined): T {
  if (problem !== undefined) throw damaged(problem);
  return table;
}

function decodeV4(h: TableHeader, packed: Uint8Array): V4Table {
  const n = h.v4Ranges;
  const next = parts(unpack(packed, 5 * n, 4));
  const t: V4Table = { codes: h.codes, starts: next.words(n), countries: next.octets(n) };
  sumInPlace(t.starts);
  return valid(t, v4Problem(t));
}

function decodeV6(h: TableHeader, packed: Uint8Array): V6Table {
  const n = h.v6Ranges;
  const next = parts(unpack(packed, 9 * n + 12 * h.lowRows, 6));
  // In the payload's order.
  const t: V6Table = { codes: h.codes, high: next.words(2 * n), lowRows: next.words(h.lowRows), low: next.words(2 * h.lowRows), countries: next.octets(n) };
  sum64InPlace(t.high);
  sumInPlace(t.lowRows);
  return valid(t, v6Problem(t));
}

const DECODERS: { readonly [F in Family]: (h: TableHeader, packed: Uint8Array) => FamilyTables[F] } = { 4: decodeV4, 6: decodeV6 };

/** One family's table from its section's bytes (where `header` places them); a GeoError unless whole and valid. */
export function decodeSection<F extends Family>(header: TableHeader, family: F, section: Uint8Array): FamilyTables[F] {
  const packed = section.subarray(DIGEST_BYTES);
  // Checked before decompressing: damage is refused before it costs anything.
  if (section.length <= DIGEST_BYTES || !digest(header.bytes, packed).equals(section.subarray(0, DIGEST_BYTES))) {
    throw damaged(`its IPv${family} section does not match its checksum`);
  }
  return DECODERS[family](header, packed);
}

/** The table in a whole file's bytes; a GeoError for anything that is not a whole, valid table. */
export function decodeCountryTable(file: Uint8Array): CountryTable {
  const header = decodeHeader(file.subarray(0, MAX_HEADER_BYTES), file.byteLength);
  const section = (family: Family): Uint8Array => {
    const { at, bytes } = header.sections[family];
    return file.subarray(at, at + bytes);
  };
  return { v4: decodeSection(header, 4, section(4)), v6: decodeSection(header, 6, section(6)) };
}
