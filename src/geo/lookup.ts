// An address's country: one binary search over the table's starts. IPv4-mapped IPv6 (::ffff:a.b.c.d) is looked up
// as the IPv4 address it carries; anything that is not an address is in the unknown country.

import { parseIPv4, parseIPv6 } from './address.js';
import { UNKNOWN_COUNTRY } from './countries.js';
import { type CountryTable, v6StartsAtOrBelow } from './table.js';

/** The last IPv4 range starting at or below `address`. Row 0 starts at 0, so there always is one. */
function v4Row(starts: Uint32Array, address: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= address) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function v6Row(t: CountryTable, q: Uint32Array): number {
  let lo = 0;
  let hi = t.v6Codes.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (v6StartsAtOrBelow(t, mid, q)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

// Look-ups are synchronous: one scratch address serves them all.
const words = new Uint32Array(4);

/** The ISO 3166-1 alpha-2 code of the country `ip` is in, or 'ZZ' when the table has none or `ip` is no address. */
export function lookupCountry(t: CountryTable, ip: string): string {
  const v4 = parseIPv4(ip);
  if (v4 !== undefined) return t.codes[t.v4Codes[v4Row(t.v4Starts, v4)]!]!;
  if (!parseIPv6(ip, words)) return UNKNOWN_COUNTRY;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return t.codes[t.v4Codes[v4Row(t.v4Starts, words[3]!)]!]!;
  return t.codes[t.v6Codes[v6Row(t, words)]!]!;
}
