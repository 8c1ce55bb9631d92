// The IP-to-country table: look-ups on the real table at every range's edges, well-known addresses as the table
// states them, IPv4-mapped, private and invalid addresses; the CSV parser's bounds and errors; the builder; the
// shipped file's round trip and its refusals, section by section; the lazy loader, family by family; the country
// codes. Fuzzed in geo-fuzz.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NON_PUBLIC_IPV4, PRIVATE_RANGES } from '../../src/address-ranges/index.js';
import {
  buildCountryTable, COUNTRY_CODES, countryName, type CountryTable, decodeCountryTable, decodeHeader, decodeSection, defaultTablePath,
  encodeCountryTable, type Family, GeoError, isCountryCode, lazyCountryOf, lookupCountry, MAX_FILE_BYTES, MAX_HEADER_BYTES, parseRangeCsv,
  type RangeRow, readCountryTable, readFamily, TABLE_FILE, type V4Table, type V6Table,
} from '../../src/geo/index.js';
import { addressText, csvOf, csvPath, realTable, resealed, V4_LAST, V6_LAST, v6Text } from '../fixtures/geo-table.js';

const { v4, v6, table } = realTable();

/** Every range's first and last address, and the addresses just outside it: the range before, or ZZ in a gap. */
function checkEdges(rows: RangeRow[], family: 4 | 6, last: bigint, pick: (i: number) => boolean): void {
  rows.forEach((row, i) => {
    if (!pick(i)) return;
    const at = (v: bigint): string => lookupCountry(table, addressText(v, family));
    const where = `IPv${family} CSV line ${row.line}`;
    assert.equal(at(row.first), row.country, `${where}: first address`);
    assert.equal(at(row.last), row.country, `${where}: last address`);
    const before = rows[i - 1];
    if (row.first > 0n) assert.equal(at(row.first - 1n), before?.last === row.first - 1n ? before.country : 'ZZ', `${where}: the address before`);
    const after = rows[i + 1];
    if (row.last < last) assert.equal(at(row.last + 1n), after?.first === row.last + 1n ? after.country : 'ZZ', `${where}: the address after`);
  });
}

test('the real table: every IPv4 range, at its first and last address and just outside', () => {
  assert.ok(v4.length > 300_000, `${v4.length} IPv4 rows`);
  checkEdges(v4, 4, V4_LAST, () => true);
});

test('the real table: IPv6 ranges at their edges, every range narrower than a /64 among them', () => {
  assert.ok(v6.length > 300_000, `${v6.length} IPv6 rows`);
  const low = (v: bigint): bigint => v & (2n ** 64n - 1n);
  const narrow = v6.filter((r) => low(r.first) !== 0n).length;
  assert.ok(narrow > 100, `${narrow} ranges start inside a /64`);
  assert.equal(table.v6.lowRows.length, narrow, 'the side list holds exactly those starts');
  checkEdges(v6, 6, V6_LAST, (i) => i % 7 === 0 || low(v6[i]!.first) !== 0n || low(v6[i]!.last + 1n) !== 0n);
});

test('well-known addresses are where the table puts them', () => {
  // From dbip-country-ipv4.csv and -ipv6.csv of @ip-location-db/dbip-country 2.3.2026060120 (the line in brackets).
  const stated: Array<[ip: string, country: string]> = [
    ['8.8.8.8', 'US'], // Google's resolver [8965: 8.7.245.0-8.8.235.255]
    ['1.1.1.1', 'AU'], // Cloudflare's resolver, APNIC's research prefix [10: 1.1.1.0-1.1.1.255]
    ['193.0.14.129', 'NL'], // k.root-servers.net, RIPE NCC [279962]
    ['202.12.27.33', 'JP'], // m.root-servers.net, WIDE [317810]
    ['2001:7fd::1', 'US'], // k.root-servers.net [25738]
    ['2001:dc3::35', 'JP'], // m.root-servers.net [26739]
    ['2001:4860:4860::8888', 'CA'], // Google's resolver [82629]
    ['2001:550:0:1000::9a18:1074', 'AU'], // a range of one address inside a /64 [18349]
  ];
  for (const [ip, country] of stated) assert.equal(lookupCountry(table, ip), country, ip);
  const line = readFileSync(csvPath(4), 'latin1').split('\n')[8964];
  assert.equal(line, '8.7.245.0,8.8.235.255,US', 'the CSV line the first one cites');
});

test('IPv4-mapped IPv6 looks up as IPv4, in any of its spellings', () => {
  for (const ip of ['::ffff:8.8.8.8', '::FFFF:808:808', '0:0:0:0:0:ffff:8.8.8.8', '::ffff:0808:0808']) assert.equal(lookupCountry(table, ip), 'US', ip);
  assert.equal(lookupCountry(table, '::ffff:1.1.1.1'), 'AU');
  assert.equal(lookupCountry(table, '::ffff:10.1.2.3'), 'ZZ');
  assert.equal(lookupCountry(table, '::8.8.8.8'), 'ZZ', 'IPv4-compatible (deprecated) is not mapped');
});

/** An address literal of address-ranges' table as a number, through node's URL parser (not ours). */
function valueOf(address: string): bigint {
  if (!address.includes(':')) return address.split('.').reduce((a, p) => (a << 8n) | BigInt(p), 0n);
  const full = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = full.split('::').map((part) => (part ? part.split(':') : []));
  const groups = tail === undefined ? head! : [...head!, ...Array<string>(8 - head!.length - tail.length).fill('0'), ...tail];
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}

test('private, reserved and documentation ranges are unknown, at both ends', () => {
  for (const [address, prefix, why] of [...PRIVATE_RANGES, ...NON_PUBLIC_IPV4]) {
    const family = address.includes(':') ? 6 : 4;
    const first = valueOf(address);
    const last = first + 2n ** BigInt((family === 4 ? 32 : 128) - prefix) - 1n;
    // ::ffff:0:0/96 maps IPv4: its ends are 0.0.0.0 and 255.255.255.255, both unknown too.
    for (const v of [first, last]) assert.equal(lookupCountry(table, addressText(v, family)), 'ZZ', `${addressText(v, family)} (${why})`);
  }
  assert.equal(lookupCountry(table, '2001:db8::1'), 'ZZ', 'documentation');
});

test('text that is not an address is unknown', () => {
  for (const ip of ['', 'localhost', '8.8.8', '8.8.8.8.8', '256.1.1.1', '08.8.8.8', ' 8.8.8.8', '8.8.8.8 ', '+8.8.8.8', '8.8.8.8/32',
    '[2001:4860:4860::8888]', '2001:4860:4860::8888%eth0', '2001:4860:4860::8888::1', '2001:4860:4860:0:0:0:0:8888:1', '12345::1', 'g::1',
    ':::', '::ffff:8.8.8.08', '1'.repeat(100_000), '8.8.8.8\n']) {
    assert.equal(lookupCountry(table, ip), 'ZZ', JSON.stringify(ip.slice(0, 40)));
  }
});

test('the CSV parser: rows as written, from text or bytes', () => {
  const text = '1.0.0.0,1.0.0.255,AU\n1.0.1.0,1.0.3.255,CN\n';
  const rows = parseRangeCsv(text, 4);
  assert.deepEqual(rows, [
    { line: 1, first: 0x01000000n, last: 0x010000ffn, country: 'AU' },
    { line: 2, first: 0x01000100n, last: 0x010003ffn, country: 'CN' },
  ]);
  assert.deepEqual(parseRangeCsv(Buffer.from(text), 4), rows);
  assert.deepEqual(parseRangeCsv('1.0.0.0,1.0.0.255,AU', 4), rows.slice(0, 1), 'no newline at the end');
  assert.deepEqual(parseRangeCsv('2001:db8::,2001:db8::ff,ZZ\n', 6), [{ line: 1, first: 0x20010db8n << 96n, last: (0x20010db8n << 96n) + 0xffn, country: 'ZZ' }]);
});

test('the CSV parser refuses, naming the line, whatever is not a range of its family', () => {
  const refused = (text: string | Uint8Array, family: 4 | 6, line: number | undefined, words: RegExp, limits?: { maxLineChars: number; maxRows: number }): void => {
    assert.throws(() => parseRangeCsv(text, family, limits), (e: unknown) => {
      assert.ok(e instanceof GeoError, String(e));
      assert.equal(e.code, 'GEO');
      assert.equal(e.line, line);
      assert.match(e.message, words);
      assert.match(e.fix ?? '', /npm install/);
      return true;
    });
  };
  const good = '1.0.0.0,1.0.0.255,AU\n';
  refused(`${good}1.0.1.0,1.0.3.255\n`, 4, 2, /line 2: 2 fields/);
  refused(`${good}1.0.1.0,1.0.3.255,CN,x\n`, 4, 2, /4 fields/);
  refused(`${good}1.0.1.0,1.0.3.256,CN\n`, 4, 2, /'1\.0\.3\.256' is not an IPv4 address/);
  refused(`${good}::1,::2,US\n`, 4, 2, /'::1' is not an IPv4 address/);
  refused('1.0.0.0,1.0.0.255,AU\n', 6, 1, /'1\.0\.0\.0' is not an IPv6 address/);
  refused(`${good}1.0.3.255,1.0.1.0,CN\n`, 4, 2, /ends \(1\.0\.1\.0\) before it starts/);
  refused(`${good}1.0.1.0,1.0.3.255,XP\n`, 4, 2, /'XP' is not an ISO 3166-1 alpha-2 country code/);
  refused(`${good}1.0.1.0,1.0.3.255,cn\n`, 4, 2, /'cn' is not/);
  refused('1.0.0.0,1.0.0.255,AU\r\n', 4, 1, /'AU\r' is not/);
  refused(`${good}\n${good}`, 4, 2, /line 2: 1 fields/);
  refused(Buffer.from('1.0.0.0,1.0.0.255,A\u00dc\n', 'latin1'), 4, 1, /is not an ISO/);
  refused('', 4, undefined, /is empty/);
  refused(`${good}1.0.1.0,1.0.3.255,${'C'.repeat(90)}\n`, 4, 2, /line 2 is longer than 100 characters/);
  refused(good.repeat(4), 4, 4, /more than 3 rows/, { maxLineChars: 100, maxRows: 3 });
  refused('x'.repeat(1000), 4, undefined, /1000 characters, more than the 303/, { maxLineChars: 100, maxRows: 3 });
});

test('the builder fills gaps with ZZ, merges touching ranges of one country, and refuses overlaps', () => {
  const rows = parseRangeCsv(csvOf(4, [[10n, 19n, 'FR'], [20n, 29n, 'FR'], [40n, 49n, 'DE'], [50n, V4_LAST, 'DE']]), 4);
  const t = buildCountryTable(rows, []);
  assert.deepEqual(t.v4.codes, ['ZZ', 'DE', 'FR']);
  assert.equal(t.v6.codes, t.v4.codes, 'one list for both families');
  assert.deepEqual([...t.v4.starts], [0, 10, 30, 40]);
  assert.deepEqual([...t.v4.countries], [0, 2, 0, 1]);
  assert.deepEqual([...t.v6.high], [0, 0], 'no IPv6 rows: all of IPv6 is unknown');
  assert.equal(lookupCountry(t, '255.255.255.255'), 'DE');
  assert.equal(lookupCountry(t, '::1'), 'ZZ');
  for (const [bad, why] of [[[[10n, 19n, 'FR'], [19n, 29n, 'DE']], 'overlaps'], [[[20n, 29n, 'FR'], [10n, 19n, 'DE']], 'before']] as const) {
    assert.throws(() => buildCountryTable(parseRangeCsv(csvOf(4, bad), 4), []), (e: unknown) => e instanceof GeoError && e.line === 2 && e.message.includes('line 2') && e.message.includes('overlaps or comes before'), why);
  }
});

test('IPv6 ranges narrower than a /64 are exact', () => {
  const base = 0x20010db8_00000001n << 64n;
  const t = buildCountryTable([], parseRangeCsv(csvOf(6, [[base, base + 0xffn, 'DE'], [base + 0x100n, base + 0x100n, 'FR'], [base + 0x1000n, base + (2n ** 64n) - 1n, 'NL']]), 6));
  assert.equal(t.v6.lowRows.length, 3, 'three starts inside the /64: FR, the gap after it, NL');
  const at = (offset: bigint): string => lookupCountry(t, v6Text(base + offset));
  assert.deepEqual([at(0n), at(0xffn), at(0x100n), at(0x101n), at(0xfffn), at(0x1000n), at(2n ** 64n - 1n), at(2n ** 64n)], ['DE', 'DE', 'FR', 'ZZ', 'ZZ', 'NL', 'NL', 'ZZ']);
  assert.equal(lookupCountry(t, v6Text(base - 1n)), 'ZZ');
});

const sameBytes = (a: Uint32Array | Uint8Array, b: Uint32Array | Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function sameFamily(a: V4Table | V6Table, b: V4Table | V6Table): void {
  assert.deepEqual(a.codes, b.codes);
  for (const k of ['starts', 'high', 'countries', 'lowRows', 'low'] as const) {
    const [x, y] = [(a as Partial<V4Table & V6Table>)[k], (b as Partial<V4Table & V6Table>)[k]];
    assert.ok(x === undefined ? y === undefined : y !== undefined && sameBytes(x, y), k);
  }
}

const sameTable = (a: CountryTable, b: CountryTable): void => {
  sameFamily(a.v4, b.v4);
  sameFamily(a.v6, b.v6);
};

/** Where a family's section is in a table file. */
const sectionOf = (file: Uint8Array, family: Family): { at: number; bytes: number } => decodeHeader(file.subarray(0, MAX_HEADER_BYTES), file.length).sections[family];

/** The file with one bit of a family's Brotli stream flipped (past its 32-byte digest). */
function flipped(file: Uint8Array, family: Family): Buffer {
  const f = Buffer.from(file);
  const { at, bytes } = sectionOf(f, family);
  f[at + 32 + Math.floor((bytes - 32) / 2)]! ^= 0x10;
  return f;
}

test('the table file: the real table comes back whole, and small, the IPv4 section apart', () => {
  const file = encodeCountryTable(table);
  assert.ok(file.length < 1_000_000, `${file.length} bytes`);
  const back = decodeCountryTable(file);
  sameTable(back, table);
  assert.equal(lookupCountry(back, '2001:550:0:1000::9a18:1074'), 'AU');
  const v4 = sectionOf(file, 4);
  assert.ok(v4.at + v4.bytes < 0.7 * file.length, `an IPv4 reader reads ${v4.at + v4.bytes} of ${file.length} bytes`);
});

test('the table file: damaged, cut, oversized or inconsistent files are refused with a GeoError', () => {
  const small = buildCountryTable(parseRangeCsv(csvOf(4, [[10n, 19n, 'FR']]), 4), parseRangeCsv(csvOf(6, [[1n << 120n, (1n << 121n) - 1n, 'DE']]), 6));
  const file = encodeCountryTable(small);
  sameTable(decodeCountryTable(file), small);
  const refused = (bytes: Uint8Array, words: RegExp): void => {
    assert.throws(() => decodeCountryTable(bytes), (e: unknown) => e instanceof GeoError && e.code === 'GEO' && words.test(e.message) && /Reinstall the package/.test(e.fix ?? ''), String(words));
  };
  refused(file.subarray(0, 10), /does not start as one/);
  refused(Buffer.concat([Buffer.from('MASQGEO\x02'), file.subarray(8)]), /does not start as one/);
  refused(file.subarray(0, file.length - 3), /do not make its \d+ bytes/);
  refused(Buffer.concat([file, Buffer.of(0)]), /do not make its \d+ bytes/);
  refused(Buffer.alloc(MAX_FILE_BYTES + 1), /more than the/);

  // Changes that leave a well-formed file: only the digests tell. Brotli would decode most flipped bits, and the
  // header's countries swapped are still a valid list.
  refused(flipped(file, 4), /IPv4 section does not match its checksum/);
  refused(flipped(file, 6), /IPv6 section does not match its checksum/);
  const swapped = Buffer.from(file);
  assert.equal(swapped.toString('latin1', 34, 38), 'DEFR');
  swapped.write('FRDE', 34, 'latin1');
  refused(swapped, /IPv4 section does not match its checksum/);
  const digest = Buffer.from(file);
  digest[sectionOf(file, 6).at]! ^= 1;
  refused(digest, /IPv6 section does not match its checksum/);

  // Behind the digests (made again after the change), the counts and the streams are checked too.
  const withCount = (i: number, n: number): Buffer => {
    const f = Buffer.from(file);
    f.writeUInt32LE(n, 8 + 4 * i);
    return resealed(f);
  };
  refused(withCount(0, 0), /counts .* out of bounds/);
  refused(withCount(1, 5_000_000), /out of bounds/);
  refused(withCount(3, 70_000), /out of bounds/);
  refused(withCount(4, 20), /do not make its \d+ bytes/);
  refused(withCount(1, 4), /IPv4 section holds \d+ bytes where its counts make \d+/);
  refused(withCount(1, 2), /IPv4 section does not decompress \(.*larger than/);
  refused(withCount(3, 1), /IPv6 section holds \d+ bytes where its counts make \d+/);
  refused(withCount(2, 2), /IPv6 section does not decompress \(.*larger than/);
  const notBrotli = Buffer.from(file);
  const v4 = sectionOf(file, 4);
  notBrotli.fill(0xff, v4.at + 32, v4.at + v4.bytes);
  refused(resealed(notBrotli), /IPv4 section does not decompress/);

  // Tables that break an invariant, written as they are.
  const broken = (v4: Partial<V4Table>, v6: Partial<V6Table> = {}): Uint8Array => encodeCountryTable({ v4: { ...small.v4, ...v4 }, v6: { ...small.v6, ...v6 } });
  refused(broken({ codes: ['US', 'DE', 'FR'] }), /first country is 'US'/);
  refused(broken({ codes: ['ZZ', 'DE', 'XP'] }), /'XP' is not a country code/);
  refused(broken({ countries: Uint8Array.of(0, 7, 0) }), /names a country the table does not list/);
  refused(broken({}, { countries: Uint8Array.of(0, 3, 0) }), /names a country the table does not list/);
  refused(broken({ starts: Uint32Array.of(5, 10, 20) }), /do not start at 0\.0\.0\.0/);
  refused(broken({ starts: Uint32Array.of(0, 20, 10) }), /IPv4 range 2 does not ascend/);
  refused(broken({}, { high: Uint32Array.of(0, 0, 0x02000000, 0, 0x01000000, 0) }), /IPv6 range 2 does not ascend/);
  refused(broken({}, { high: Uint32Array.of(0, 0, 0, 0, 0x02000000, 0), lowRows: Uint32Array.of(1), low: Uint32Array.of(0, 0) }), /holds zero bits/);
  refused(broken({}, { lowRows: Uint32Array.of(9), low: Uint32Array.of(0, 1) }), /names a range it does not have/);
  refused(broken({}, { lowRows: Uint32Array.of(1, 1), low: Uint32Array.of(0, 1, 0, 2) }), /low bits does not ascend/);
  refused(broken({}, { lowRows: Uint32Array.of(0), low: Uint32Array.of(0, 1) }), /do not start at ::/);
  refused(broken({}, { high: Uint32Array.of(0, 0, 0x01000000, 0, 0x01000000, 0), lowRows: Uint32Array.of(1), low: Uint32Array.of(0, 5) }), /IPv6 range 2 does not ascend/);
});

test('the table file: a damaged section refuses its own family, and the other still decodes', () => {
  const file = encodeCountryTable(table);
  for (const [family, other] of [[4, 6], [6, 4]] as const) {
    const damaged = flipped(file, family);
    const header = decodeHeader(damaged.subarray(0, MAX_HEADER_BYTES), damaged.length);
    const section = (f: Family): Uint8Array => damaged.subarray(header.sections[f].at, header.sections[f].at + header.sections[f].bytes);
    assert.throws(() => decodeSection(header, family, section(family)), (e: unknown) => e instanceof GeoError && e.message.includes(`IPv${family} section`));
    sameFamily(decodeSection(header, other, section(other)), other === 4 ? table.v4 : table.v6);
  }
});

/** A directory of its own for `body`, removed afterwards. */
function inTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'geo-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('reading the file: missing and oversized files are GeoErrors that say what to do', () => {
  inTempDir((dir) => {
    const path = join(dir, TABLE_FILE);
    assert.throws(() => readCountryTable(path), (e: unknown) => e instanceof GeoError && e.message.includes(path) && e.message.includes('ENOENT') && /apt install --reinstall masq/.test(e.fix ?? ''));
    assert.throws(() => readFamily(path, 4), (e: unknown) => e instanceof GeoError && e.message.includes('ENOENT'));
    writeFileSync(path, '');
    truncateSync(path, MAX_FILE_BYTES + 1);
    assert.throws(() => readCountryTable(path), (e: unknown) => e instanceof GeoError && /more than the/.test(e.message));
    writeFileSync(path, encodeCountryTable(table));
    assert.equal(lookupCountry(readCountryTable(path), '8.8.8.8'), 'US');
    sameFamily(readFamily(path, 6), table.v6);
  });
});

test('the lazy look-up reads nothing before its first call, then once; a failure stays', () => {
  inTempDir((dir) => {
    const path = join(dir, TABLE_FILE);
    const countryOf = lazyCountryOf(path);
    writeFileSync(path, encodeCountryTable(table));
    assert.equal(countryOf('8.8.8.8'), 'US', 'the file written after the look-up was made is the one read');
    assert.equal(countryOf('2001:7fd::1'), 'US');
    rmSync(path);
    assert.equal(countryOf('1.1.1.1'), 'AU', 'read once: the file is no longer needed');
    assert.equal(countryOf('2001:dc3::35'), 'JP');

    const missing = lazyCountryOf(join(dir, 'none.bin'));
    assert.equal(missing('not an address'), 'ZZ', 'text that is not an address needs no table');
    let first: unknown;
    assert.throws(() => missing('8.8.8.8'), (e: unknown) => { first = e; return e instanceof GeoError; });
    writeFileSync(join(dir, 'none.bin'), encodeCountryTable(table));
    assert.throws(() => missing('::ffff:8.8.8.8'), (e: unknown) => e === first, 'the same error, without a second read');
    assert.equal(missing('2001:7fd::1'), 'US', 'the IPv6 part is read at its own first look-up');
  });
});

/** A lazy look-up over the test table written into `dir`, and the families it has read so far. */
function watchedLookup(dir: string): { countryOf: (ip: string) => string; reads: Family[] } {
  const path = join(dir, TABLE_FILE);
  writeFileSync(path, encodeCountryTable(table));
  const reads: Family[] = [];
  const countryOf = lazyCountryOf(path, (p, family) => {
    reads.push(family);
    return readFamily(p, family);
  });
  return { countryOf, reads };
}

test('an IPv4 look-up reads the IPv4 part only; the IPv6 part is read at the first IPv6 look-up', () => {
  inTempDir((dir) => {
    const { countryOf, reads } = watchedLookup(dir);
    assert.deepEqual(reads, []);
    assert.equal(countryOf('8.8.8.8'), 'US');
    assert.equal(countryOf('::ffff:1.1.1.1'), 'AU', 'IPv4-mapped IPv6 is IPv4');
    assert.equal(countryOf('8.8.8'), 'ZZ', 'not an address');
    assert.deepEqual(reads, [4], 'the IPv4 part only');
    assert.equal(countryOf('2001:dc3::35'), 'JP');
    assert.deepEqual(reads, [4, 6], 'the IPv6 part at the first IPv6 address');
    assert.equal(countryOf('193.0.14.129'), 'NL');
    assert.deepEqual(reads, [4, 6], 'each once');
  });
});

test('a non-public address is in no country, and its look-up reads no table; the shipped table agrees', () => {
  const shipped = readCountryTable(defaultTablePath());
  inTempDir((dir) => {
    const { countryOf, reads } = watchedLookup(dir);
    for (const [address] of PRIVATE_RANGES) {
      for (const ip of [address, address.includes(':') ? `${address}1` : address.replace(/0$/, '1')]) {
        assert.equal(countryOf(ip), 'ZZ', ip);
        assert.equal(lookupCountry(shipped, ip), 'ZZ', `the shipped table places ${ip} in no country either`);
      }
    }
    assert.equal(countryOf('::ffff:192.168.1.1'), 'ZZ', 'IPv4-mapped private');
    assert.deepEqual(reads, [], 'no part of the table was read');
    assert.equal(countryOf('::ffff:8.8.8.8'), 'US', 'IPv4-mapped public');
    assert.deepEqual(reads, [4]);
  });
});

test('a damaged IPv6 section fails IPv6 look-ups only, with one error kept; IPv4 look-ups go on, and the other way round', () => {
  inTempDir((dir) => {
    const file = encodeCountryTable(table);
    for (const [family, ip, otherIp, country] of [[6, '2001:7fd::1', '8.8.8.8', 'US'], [4, '::ffff:8.8.8.8', '2001:dc3::35', 'JP']] as const) {
      const path = join(dir, `damaged-v${family}.bin`);
      writeFileSync(path, flipped(file, family));
      const reads: Family[] = [];
      const countryOf = lazyCountryOf(path, (p, f) => {
        reads.push(f);
        return readFamily(p, f);
      });
      assert.equal(countryOf(otherIp), country);
      let first: unknown;
      assert.throws(() => countryOf(ip), (e: unknown) => {
        first = e;
        return e instanceof GeoError && e.message.includes(`IPv${family} section does not match its checksum`);
      });
      assert.throws(() => countryOf(ip), (e: unknown) => e === first, 'the same error');
      assert.equal(countryOf(otherIp), country, 'the other family still answers');
      assert.deepEqual(reads, [family === 6 ? 4 : 6, family], 'each family read once, the failed one too');
    }
  });
});

test('from the source tree, the table is the one the build writes into dist/', () => {
  assert.equal(defaultTablePath(), join(import.meta.dirname, '..', '..', 'dist', TABLE_FILE));
});

test('country codes: ISO 3166-1 alpha-2 in capitals, every one the table states, with English names', () => {
  assert.equal(COUNTRY_CODES.length, 250, '249 assigned codes and XK');
  assert.deepEqual([...COUNTRY_CODES].sort(), COUNTRY_CODES, 'alphabetical');
  assert.equal(new Set(COUNTRY_CODES).size, COUNTRY_CODES.length);
  for (const c of COUNTRY_CODES) assert.match(c, /^[A-Z]{2}$/);
  for (const c of ['US', 'DE', 'XK', 'AQ', 'SS', 'CW']) assert.ok(isCountryCode(c), c);
  for (const c of ['XP', 'ZZ', 'us', 'EU', 'UK', 'AN', '', 'USA', 'U']) assert.ok(!isCountryCode(c), c);
  for (const c of table.v4.codes.slice(1)) assert.ok(isCountryCode(c), c);
  assert.equal(countryName('DE'), 'Germany');
  assert.equal(countryName('XK'), 'Kosovo');
  assert.equal(countryName('XP'), 'XP');
  assert.equal(countryName('ZZ'), 'ZZ');
  assert.equal(countryName('not a code'), 'not a code');
  const unnamed = COUNTRY_CODES.filter((c) => countryName(c) === c);
  assert.deepEqual(unnamed, [], 'the runtime names every code');
});
