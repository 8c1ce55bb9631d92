// The table's source: DB-IP's country CSV as the ip-location-db packages publish it, one range a line,
// `first,last,CC` (inclusive, addresses as text, one family a file). Bounded before anything is kept, and strict: a
// line that is not exactly that is refused with its number, so a changed upstream format stops the build instead of
// shipping guesses. Used at build time and by the tests, never by a running Node (it reads the built table file).

import { parseIPv4, parseIPv6 } from './address.js';
import { isCountryCode, UNKNOWN_COUNTRY } from './countries.js';
import { GeoError, SOURCE_FIX } from './errors.js';

export type Family = 4 | 6;

/** One range: its first and last address as numbers, its country, and the line it came from. */
export interface RangeRow {
  readonly line: number;
  readonly first: bigint;
  readonly last: bigint;
  readonly country: string;
}

export interface CsvLimits {
  /** Characters in one line, without its newline. Two full IPv6 addresses with IPv4 tails and a code make 94. */
  readonly maxLineChars: number;
  readonly maxRows: number;
}

/** DB-IP's files have about 356 000 (IPv4) and 346 000 (IPv6) lines. */
export const CSV_LIMITS: CsvLimits = { maxLineChars: 100, maxRows: 1_000_000 };

const words = new Uint32Array(4);

function addressValue(text: string, family: Family): bigint | undefined {
  if (family === 4) {
    const v = parseIPv4(text);
    return v === undefined ? undefined : BigInt(v);
  }
  if (!parseIPv6(text, words)) return undefined;
  return (BigInt(words[0]!) << 96n) | (BigInt(words[1]!) << 64n) | (BigInt(words[2]!) << 32n) | BigInt(words[3]!);
}

function rowOf(text: string, line: number, family: Family): RangeRow {
  const bad = (why: string): GeoError => new GeoError(`IPv${family} CSV line ${line}: ${why}.`, SOURCE_FIX, line);
  const fields = text.split(',');
  if (fields.length !== 3) throw bad(`${fields.length} fields where "first,last,country" has 3`);
  const [firstText, lastText, country] = fields as [string, string, string];
  const first = addressValue(firstText, family);
  const last = addressValue(lastText, family);
  if (first === undefined) throw bad(`'${firstText}' is not an IPv${family} address`);
  if (last === undefined) throw bad(`'${lastText}' is not an IPv${family} address`);
  if (last < first) throw bad(`the range ends (${lastText}) before it starts (${firstText})`);
  if (country !== UNKNOWN_COUNTRY && !isCountryCode(country)) throw bad(`'${country}' is not an ISO 3166-1 alpha-2 country code`);
  return { line, first, last, country };
}

/** The rows of one family's CSV, in file order. Bytes are read as Latin-1: anything not ASCII then fails a field. */
export function parseRangeCsv(source: string | Uint8Array, family: Family, limits: CsvLimits = CSV_LIMITS): RangeRow[] {
  const maxChars = limits.maxRows * (limits.maxLineChars + 1);
  const size = typeof source === 'string' ? source.length : source.byteLength;
  if (size > maxChars) {
    throw new GeoError(`The IPv${family} CSV has ${size} characters, more than the ${maxChars} a table of ${limits.maxRows} rows can have.`, SOURCE_FIX);
  }
  const text = typeof source === 'string' ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString('latin1');
  if (size === 0) throw new GeoError(`The IPv${family} CSV is empty.`, SOURCE_FIX);
  const rows: RangeRow[] = [];
  let at = 0;
  while (at < text.length) {
    const line = rows.length + 1;
    const end = text.indexOf('\n', at);
    const stop = end < 0 ? text.length : end;
    if (stop - at > limits.maxLineChars) {
      throw new GeoError(`IPv${family} CSV line ${line} is longer than ${limits.maxLineChars} characters.`, SOURCE_FIX, line);
    }
    if (rows.length === limits.maxRows) {
      throw new GeoError(`The IPv${family} CSV has more than ${limits.maxRows} rows.`, SOURCE_FIX, line);
    }
    rows.push(rowOf(text.slice(at, stop), line, family));
    at = stop + 1;
  }
  return rows;
}
