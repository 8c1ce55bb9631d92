// An address's country: one binary search over its family's starts. IPv4-mapped IPv6 (::ffff:a.b.c.d) is looked up
// as the IPv4 address it carries; anything that is not an address is in the unknown country. Only the family the
// address is in is touched, so a table that reads each family at its first use (load.ts) reads no more than that.

import { parseIPv4, parseIPv6 } from './address.js';
import { UNKNOWN_COUNTRY } from './countries.js';
import { type CountryTable, type V4Table, type V6Table, v6StartsAtOrBelow } from './table.js';

/** The country of the last IPv4 range starting at or below `address`. Row 0 starts at 0, so there always is one. */
function v4Country(t: V4Table, address: number): string {
  const starts = t.starts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= address) lo = mid;
    else hi = mid - 1;
  }
  return t.codes[t.countries[lo]!]!;
}

function v6Country(t: V6Table, q: Uint32Array): string {
  let lo = 0;
  let hi = t.countries.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (v6StartsAtOrBelow(t, mid, q)) lo = mid;
    else hi = mid - 1;
  }
  return t.codes[t.countries[lo]!]!;
}

// Look-ups are synchronous: one scratch address serves them all.
const words = new Uint32Array(4);

/** The ISO 3166-1 alpha-2 code of the country `ip` is in, or 'ZZ' when the table has none or `ip` is no address. */
export function lookupCountry(t: CountryTable, ip: string): string {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return v4Country(t.v4, v4);
  if (!parseIPv6(ip, words)) return UNKNOWN_COUNTRY;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return v4Country(t.v4, words[3]!);
  return v6Country(t.v6, words);
}
