// Reading the table file, lazily and one family at a time: nothing is read until the first look-up, and then only
// the header and the section of the address's family (a Node looks up its own IPv4 address at start, and may never
// see an IPv6 one). Each family is read once, and a failure is kept, so a missing file costs one failed read per
// family, not one per look-up; damage in one family's section leaves the other's look-ups working.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { isPrivateAddress, unmappedIPv4 } from '../address-ranges/index.js';
import { describeError, programDir } from '../system/index.js';
import { UNKNOWN_COUNTRY } from './countries.js';
import type { Family } from './csv.js';
import { FILE_FIX, GeoError } from './errors.js';
import { lookupCountry } from './lookup.js';
import type { CountryTable, FamilyTables } from './table.js';
import { decodeHeader, decodeSection, MAX_HEADER_BYTES } from './table-file.js';

export const TABLE_FILE = 'geo-country.bin';

/** Where the table is: beside the programs (dist/, /usr/lib/masq/); from the source tree, the one the build wrote. */
export function defaultTablePath(): string {
  return join(programDir(import.meta.url), TABLE_FILE);
}

/** `length` bytes of the file at `position`; fewer only where the file ends first (which decoding then refuses). */
function readAt(fd: number, length: number, position: number): Buffer {
  const out = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, out, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return out.subarray(0, got);
}

/** One family's table from the file at `path`, reading only its header and that family's section. */
export function readFamily<F extends Family>(path: string, family: F): FamilyTables[F] {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      // The header checks the size (bounded) before the section is read.
      const header = decodeHeader(readAt(fd, Math.min(size, MAX_HEADER_BYTES), 0), size);
      const { at, bytes } = header.sections[family];
      return decodeSection(header, family, readAt(fd, bytes, at));
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof GeoError) throw e;
    throw new GeoError(`The IP-to-country table ${path} cannot be read: ${describeError(e)}.`, FILE_FIX);
  }
}

/** The whole table in the file at `path`; a GeoError when it is missing, unreadable, too large or damaged. */
export function readCountryTable(path: string): CountryTable {
  return { v4: readFamily(path, 4), v6: readFamily(path, 6) };
}

/** How a lazy look-up reads a family: readFamily, or a test's function that watches it. */
export type FamilyReader = <F extends Family>(path: string, family: F) => FamilyTables[F];

/** `read`'s value from its first call on, or its GeoError, kept. Other errors are bugs, thrown and not kept. */
function once<T>(read: () => T): () => T {
  let value: T | undefined;
  let failure: GeoError | undefined;
  return () => {
    if (failure) throw failure;
    if (value === undefined) {
      try {
        value = read();
      } catch (e) {
        if (e instanceof GeoError) failure = e;
        throw e;
      }
    }
    return value;
  };
}

/**
 * A look-up that reads each family of the table at `path` at the first call that needs it, once; a family that
 * failed to read then throws that GeoError at every look-up in it. Non-public addresses need none.
 */
export function lazyCountryOf(path: string, read: FamilyReader = readFamily): (ip: string) => string {
  const v4 = once(() => read(path, 4));
  const v6 = once(() => read(path, 6));
  // lookupCountry reads only the property of its address's family: the getters make that the moment of reading.
  const table: CountryTable = {
    get v4() {
      return v4();
    },
    get v6() {
      return v6();
    },
  };
  // A loopback, private or reserved address is in no country (the table says 'ZZ' for all of them): a Node on a LAN
  // or on loopback that knows no public address reads no table at all (1.8 MiB held for IPv4 alone).
  return (ip) => (isPrivateAddress(unmappedIPv4(ip)) ? UNKNOWN_COUNTRY : lookupCountry(table, ip));
}
