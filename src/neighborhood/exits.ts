// Which exits this Node's own routes may end at, by the exit-location setting, and the country of every Node it
// knows: the country its record declares (found from its own public address, as MASQ does), else the country of
// the address we know for it, else unknown.

import type { ExitLocation } from '../config/index.js';
import type { NeighborhoodDatabase } from './database.js';
import { UNKNOWN_COUNTRY } from '../geo/index.js';
import { countExits, countryPenalty, missingCountries } from './exit-countries.js';
import { reachableExits } from './routes.js';

/** An IP address's country (ISO 3166-1 alpha-2), UNKNOWN_COUNTRY when the table has none. */
export type CountryLookup = (ip: string) => string;

export interface ExitReport {
  /** Countries with exits this Node can reach now, and how many in each. */
  counts: Array<{ country: string; exits: number }>;
  /** Listed countries without such an exit. */
  missing: string[];
}

export class Exits {
  constructor(private readonly db: NeighborhoodDatabase, private readonly lookup: CountryLookup, private location: ExitLocation) {}

  get setting(): ExitLocation {
    return this.location;
  }

  set setting(loc: ExitLocation) {
    this.location = loc;
  }

  countryOf(key: string): string {
    const e = this.db.get(key);
    return e?.record.countryCode ?? (e?.address ? this.lookup(e.address.ip) : UNKNOWN_COUNTRY);
  }

  /** The extra undesirability of `key` as an exit, undefined when the setting rules it out. */
  penalty(key: string): bigint | undefined {
    return countryPenalty(this.location, this.countryOf(key));
  }

  report(origin: string, minHops: number): ExitReport {
    const countries = [...reachableExits(this.db, origin, minHops)].map((k) => this.countryOf(k));
    return { counts: countExits(countries), missing: missingCountries(this.location, new Set(countries)) };
  }
}
