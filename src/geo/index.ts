// The IP-to-country table: which country an IP address is in, as MASQ Node knows it, from a table shipped with the
// package (DB-IP's IP to Country Lite, CC BY 4.0; docs/GEO.md). countryOf is all a Node needs; the rest is for the
// build (CSV → table file), the tests and the bench.
//
//   countries.ts   the ISO 3166-1 alpha-2 codes, validation and names
//   address.ts     IP address text to numbers
//   csv.ts         the source CSV's parser (bounded, strict)
//   table.ts       the table in memory, one part per family, and its builder
//   lookup.ts      one address's country
//   deltas.ts      sorted columns as differences, as the file keeps them
//   table-check.ts the invariants a decoded table must meet
//   table-file.ts  the shipped file's encoding: a header and a section per family
//   load.ts        reading that file, lazily, one family at a time

import { defaultTablePath, lazyCountryOf } from './load.js';

/**
 * The ISO 3166-1 alpha-2 code (capitals) of the country `ip` is in: 'ZZ' for an address the table does not place
 * (private, reserved, unassigned) and for text that is not an IP address. IPv4-mapped IPv6 looks up as IPv4. Each
 * family's part of the table is read at the first look-up of an address in it (IPv4 about 15 ms and 1.8 MiB,
 * IPv6 about 20 ms and 3 MiB more); a missing or damaged part throws a GeoError then and at every later look-up in that family.
 */
export const countryOf: (ip: string) => string = lazyCountryOf(defaultTablePath());

export { COUNTRY_CODES, countryName, isCountryCode, UNKNOWN_COUNTRY } from './countries.js';
export { CSV_LIMITS, type CsvLimits, type Family, parseRangeCsv, type RangeRow } from './csv.js';
export { GeoError } from './errors.js';
export { defaultTablePath, type FamilyReader, lazyCountryOf, readCountryTable, readFamily, TABLE_FILE } from './load.js';
export { lookupCountry } from './lookup.js';
export { buildCountryTable, type CountryTable, type FamilyTables, type V4Table, type V6Table } from './table.js';
export { decodeCountryTable, decodeHeader, decodeSection, encodeCountryTable, MAX_FILE_BYTES, MAX_HEADER_BYTES, type TableHeader } from './table-file.js';
