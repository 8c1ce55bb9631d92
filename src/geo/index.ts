// The IP-to-country table: which country an IP address is in, as MASQ Node knows it, from a table shipped with the
// package (DB-IP's IP to Country Lite, CC BY 4.0; docs/GEO.md). countryOf is all a Node needs; the rest is for the
// build (CSV → table file), the tests and the bench.
//
//   countries.ts   the ISO 3166-1 alpha-2 codes, validation and names
//   address.ts     IP address text to numbers
//   csv.ts         the source CSV's parser (bounded, strict)
//   table.ts       the table in memory and its builder
//   lookup.ts      one address's country
//   table-file.ts  the shipped file's encoding
//   load.ts        reading that file, lazily

import { defaultTablePath, lazyCountryOf } from './load.js';

/**
 * The ISO 3166-1 alpha-2 code (capitals) of the country `ip` is in: 'ZZ' for an address the table does not place
 * (private, reserved, unassigned) and for text that is not an IP address. IPv4-mapped IPv6 looks up as IPv4. The
 * table is read at the first call (about 30 ms, 5 MiB); a missing or damaged table file throws a GeoError then and
 * at every later call.
 */
export const countryOf: (ip: string) => string = lazyCountryOf(defaultTablePath());

export { COUNTRY_CODES, countryName, isCountryCode, UNKNOWN_COUNTRY } from './countries.js';
export { CSV_LIMITS, type CsvLimits, type Family, parseRangeCsv, type RangeRow } from './csv.js';
export { GeoError } from './errors.js';
export { defaultTablePath, lazyCountryOf, readCountryTable, TABLE_FILE } from './load.js';
export { lookupCountry } from './lookup.js';
export { buildCountryTable, type CountryTable } from './table.js';
export { decodeCountryTable, encodeCountryTable, MAX_FILE_BYTES } from './table-file.js';
