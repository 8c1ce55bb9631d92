// The IP-to-country table fuzzed: the address parsers against node's own, and through every way an address may be
// written; the CSV parser with random and damaged text; tables of random ranges (touching, with gaps, inside one
// /64) against a plain scan of their rows, through the file and back; the file decoder with random and damaged bytes,
// with the digests as written (every change refused) and made again (the checks behind them), section by section.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4, isIPv6 } from 'node:net';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildCountryTable, decodeCountryTable, decodeHeader, decodeSection, encodeCountryTable, type Family, GeoError, isCountryCode, lookupCountry,
  MAX_HEADER_BYTES, parseRangeCsv, type V4Table, type V6Table,
} from '../../src/geo/index.js';
import { parseIPv4, parseIPv6 } from '../../src/geo/address.js';
import { addressText, csvOf, csvPath, resealed, V4_LAST, V6_LAST, v6Groups } from '../fixtures/geo-table.js';

const FUZZ = { seed: 18, numRuns: 1000 };

const addressy = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%[]x '), maxLength: 50 });
const mutated = fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.nat(60), fc.nat(4), fc.string({ maxLength: 3 })).map(([a, i, n, junk]) => a.slice(0, i) + junk + a.slice(i + n));

test('the address parsers accept exactly what node:net does (bar zones, which a look-up refuses)', () => {
  const words = new Uint32Array(4);
  fc.assert(fc.property(fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.ipV6(), addressy, mutated), (text) => {
    assert.equal(parseIPv4(text) !== undefined, isIPv4(text), `IPv4 ${JSON.stringify(text)}`);
    assert.equal(parseIPv6(text, words), isIPv6(text) && !text.includes('%'), `IPv6 ${JSON.stringify(text)}`);
  }), FUZZ);
});

/** Ways of writing one IPv6 address: in full, with leading zeros, "::" for a run of zero groups, an IPv4 tail, capitals. */
function spellings(value: bigint): string[] {
  const g = v6Groups(value);
  const out = [g.join(':'), g.map((x) => x.padStart(4, '0')).join(':'), g.join(':').toUpperCase()];
  for (let i = 0; i < 8; i++) {
    for (let j = i + 1; j <= 8; j++) {
      if (g.slice(i, j).every((x) => x === '0')) out.push(`${g.slice(0, i).join(':')}::${g.slice(j).join(':')}`);
    }
  }
  out.push(`${g.slice(0, 6).join(':')}:${addressText(value & 0xffff_ffffn, 4)}`);
  return out;
}

test('IPv6 in any spelling parses to its value', () => {
  const words = new Uint32Array(4);
  const groupValue = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 0xffffn }));
  const value = fc.array(groupValue, { minLength: 8, maxLength: 8 }).map((gs) => gs.reduce((a, x) => (a << 16n) | x, 0n));
  fc.assert(fc.property(value, (v) => {
    for (const text of spellings(v)) {
      assert.ok(parseIPv6(text, words), text);
      assert.equal(words.reduce((a, w) => (a << 32n) | BigInt(w), 0n), v, text);
    }
  }), FUZZ);
});

test('the CSV parser: random and damaged text gives valid rows or a GeoError naming a line', () => {
  const real = readFileSync(csvPath(6), 'latin1').split('\n').slice(0, 40).join('\n');
  const damaged = fc.tuple(fc.nat(real.length), fc.nat(20), fc.string({ unit: fc.constantFrom(...'0123456789abcdef:.,\nZAUS\r'), maxLength: 12 }))
    .map(([i, n, junk]) => real.slice(0, i) + junk + real.slice(i + n));
  fc.assert(fc.property(fc.oneof(damaged, fc.string({ maxLength: 300 })), fc.constantFrom<Family>(4, 6), (text, family) => {
    const lines = text.split('\n').length;
    try {
      for (const row of parseRangeCsv(text, family, { maxLineChars: 100, maxRows: 50 })) {
        assert.ok(row.first <= row.last && row.last <= (family === 4 ? V4_LAST : V6_LAST));
        assert.ok(row.country === 'ZZ' || isCountryCode(row.country), row.country);
      }
    } catch (e) {
      assert.ok(e instanceof GeoError, `only GeoErrors: ${String(e)}`);
      if (e.line !== undefined) assert.ok(e.line >= 1 && e.line <= lines, `line ${e.line} of ${lines}`);
    }
  }), FUZZ);
});

type Range = [first: bigint, last: bigint, country: string];

/**
 * Sorted, disjoint ranges from random boundaries. IPv6 boundaries cluster in a few /64s and at the ends of the
 * space, so ranges touch, leave gaps and start inside one /64.
 */
function ranges(family: Family): fc.Arbitrary<Range[]> {
  const last = family === 4 ? V4_LAST : V6_LAST;
  const point = family === 4
    ? fc.oneof(fc.bigInt({ min: 0n, max: last }), fc.bigInt({ min: 0n, max: 64n }), fc.constant(last))
    : fc.oneof(
      fc.tuple(fc.constantFrom(0n, 1n, 0x2001_0db8_0000_0001n, 0xffff_ffff_ffff_ffffn), fc.oneof(fc.bigInt({ min: 0n, max: 300n }), fc.constant(2n ** 64n - 1n)))
        .map(([high, low]) => (high << 64n) | low),
      fc.bigInt({ min: 0n, max: last }),
    );
  return fc.tuple(fc.uniqueArray(point, { maxLength: 24 }), fc.array(fc.constantFrom('DE', 'FR', 'US', 'ZZ', 'XK'), { minLength: 24, maxLength: 24 }), fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }))
    .map(([points, countries, touch]) => {
      const sorted = points.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const out: Range[] = [];
      for (let i = 0; i + 1 < sorted.length; i += 2) {
        const first = out.length > 0 && touch[i] ? out[out.length - 1]![1] + 1n : sorted[i]!;
        if (first <= sorted[i + 1]!) out.push([first, sorted[i + 1]!, countries[i]!]);
      }
      return out;
    });
}

function scan(rows: Range[], v: bigint): string {
  return rows.find(([f, l]) => f <= v && v <= l)?.[2] ?? 'ZZ';
}

test('tables of random ranges answer as a scan of their rows, before and after the file', () => {
  fc.assert(fc.property(ranges(4), ranges(6), fc.array(fc.bigInt({ min: 0n, max: V6_LAST }), { maxLength: 10 }), (r4, r6, extra) => {
    const table = buildCountryTable(parseRangeCsv(csvOf(4, r4) || '0.0.0.0,0.0.0.0,ZZ', 4), parseRangeCsv(csvOf(6, r6) || '::,::,ZZ', 6));
    const back = decodeCountryTable(encodeCountryTable(table));
    const check = (rows: Range[], family: Family, probes: bigint[]): void => {
      const last = family === 4 ? V4_LAST : V6_LAST;
      for (const v of probes.filter((p) => p >= 0n && p <= last)) {
        const text = addressText(v, family);
        assert.equal(lookupCountry(table, text), scan(rows, v), text);
        assert.equal(lookupCountry(back, text), scan(rows, v), `${text} from the file`);
      }
    };
    check(r4, 4, [0n, V4_LAST, ...r4.flatMap(([f, l]) => [f - 1n, f, l, l + 1n]), ...extra.map((e) => e & V4_LAST)]);
    check(r6, 6, [0n, V6_LAST, ...r6.flatMap(([f, l]) => [f - 1n, f, (f + l) / 2n, l, l + 1n]), ...extra]);
  }), { ...FUZZ, numRuns: 300 });
});

/** A small table with touching ranges and starts inside one /64, for the decoder's tests. */
const fuzzTable = buildCountryTable(
  parseRangeCsv(csvOf(4, [[10n, 19n, 'FR'], [30n, 39n, 'DE']]), 4),
  parseRangeCsv(csvOf(6, [[1n << 64n, (1n << 64n) + 5n, 'DE'], [(1n << 64n) + 9n, 2n << 64n, 'US']]), 6),
);

/** The file with up to 8 bytes somewhere replaced by up to 8 others (its length may change). */
const damaged = (file: Buffer): fc.Arbitrary<Buffer> => fc.tuple(fc.nat(file.length - 1), fc.nat(8), fc.uint8Array({ maxLength: 8 }))
  .map(([i, n, junk]) => Buffer.concat([file.subarray(0, i), junk, file.subarray(Math.min(file.length, i + n))]));

/** The file with bits of one byte flipped. */
const flipped = (file: Buffer): fc.Arbitrary<Buffer> => fc.tuple(fc.nat(file.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
  const f = Buffer.from(file);
  f[i]! ^= x;
  return f;
});

test('the file decoder: any change to a file, random bytes too, is a GeoError; the file as written decodes', () => {
  const file = encodeCountryTable(fuzzTable);
  fc.assert(fc.property(fc.oneof(damaged(file), flipped(file), fc.uint8Array({ maxLength: 200 })), (bytes) => {
    if (Buffer.from(bytes).equals(file)) decodeCountryTable(bytes);
    else assert.throws(() => decodeCountryTable(bytes), (e: unknown) => e instanceof GeoError, 'refused');
  }), FUZZ);
});

test('the file decoder behind the digests: changed bytes, the digests made again, give a table or a GeoError', () => {
  const file = encodeCountryTable(fuzzTable);
  fc.assert(fc.property(fc.oneof(damaged(file), flipped(file)), (bytes) => {
    try {
      const t = decodeCountryTable(resealed(bytes));
      for (const ip of ['0.0.0.0', '0.0.0.15', '255.255.255.255']) assert.ok(t.v4.codes.includes(lookupCountry(t, ip)));
      for (const ip of ['::', '::1:0:0:2', 'ffff::']) assert.ok(t.v6.codes.includes(lookupCountry(t, ip)));
    } catch (e) {
      assert.ok(e instanceof GeoError, `only GeoErrors: ${String(e)}`);
    }
  }), FUZZ);
});

test('the file decoder: damage inside one family\'s section leaves the other family whole', () => {
  const file = encodeCountryTable(fuzzTable);
  const header = decodeHeader(file.subarray(0, MAX_HEADER_BYTES), file.length);
  const bytesOf = (a: Uint32Array | Uint8Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  fc.assert(fc.property(fc.constantFrom<Family>(4, 6), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (family, i, x, reseal) => {
    const { at, bytes } = header.sections[family];
    const f = Buffer.from(file);
    f[at + (i % bytes)]! ^= x;
    const changed = reseal ? resealed(f) : f;
    const section = (g: Family): Uint8Array => changed.subarray(header.sections[g].at, header.sections[g].at + header.sections[g].bytes);
    const other = family === 4 ? 6 : 4;
    const kept = decodeSection(header, other, section(other));
    const [a, b] = other === 4 ? [(kept as V4Table).starts, fuzzTable.v4.starts] : [(kept as V6Table).high, fuzzTable.v6.high];
    assert.ok(bytesOf(a).equals(bytesOf(b)), `IPv${other} starts`);
    try {
      decodeSection(header, family, section(family));
      assert.ok(reseal, 'a changed section passes only with its digest made again');
    } catch (e) {
      assert.ok(e instanceof GeoError, `only GeoErrors: ${String(e)}`);
    }
  }), FUZZ);
});
