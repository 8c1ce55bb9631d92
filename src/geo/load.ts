// Reading the table file, lazily: nothing is read until the first look-up, so a Node that never asks for a country
// pays nothing; then once, and a failure is kept, so a missing file costs one failed read, not one per look-up.

import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError } from '../system/index.js';
import { FILE_FIX, GeoError } from './errors.js';
import { lookupCountry } from './lookup.js';
import type { CountryTable } from './table.js';
import { decodeCountryTable, MAX_FILE_BYTES } from './table-file.js';

export const TABLE_FILE = 'geo-country.bin';

/**
 * Where the table is: beside the running program once bundled (dist/, /usr/lib/masq/); from the source tree (tsx),
 * the one the build wrote into dist/.
 */
export function defaultTablePath(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? join(dirname(here), '..', '..', 'dist', TABLE_FILE) : join(dirname(here), TABLE_FILE);
}

/** The table in the file at `path`; a GeoError when it is missing, unreadable, too large or damaged. */
export function readCountryTable(path: string): CountryTable {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) throw new GeoError(`The IP-to-country table ${path} has ${size} bytes, more than the ${MAX_FILE_BYTES} a table can take.`, FILE_FIX);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof GeoError) throw e;
    throw new GeoError(`The IP-to-country table ${path} cannot be read: ${describeError(e)}.`, FILE_FIX);
  }
  return decodeCountryTable(bytes);
}

/** A look-up that reads the table at `path` at its first call, once; it then throws that call's GeoError, if any. */
export function lazyCountryOf(path: string): (ip: string) => string {
  let table: CountryTable | undefined;
  let failure: GeoError | undefined;
  return (ip) => {
    if (failure) throw failure;
    if (!table) {
      try {
        table = readCountryTable(path);
      } catch (e) {
        if (e instanceof GeoError) failure = e;
        throw e;
      }
    }
    return lookupCountry(table, ip);
  };
}
