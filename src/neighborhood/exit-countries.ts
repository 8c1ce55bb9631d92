// Exit location as route weights, and what to tell the user about it. Pure: countries come in as plain values.
//
// MASQ adds 1000 × (priority − 1) for a preferred country and 100 000 000 for any other country under fallback
// routing; next to rate-pack costs in wei (about 10^9 for one exit and one 16 KiB package) those barely weigh, so a
// cheaper exit in a less wanted country could win. Here a priority step outweighs any difference of cost a route
// can have, and a country outside the list outweighs every priority: the order the user gave is kept strictly.

import { describeGroups, type ExitLocation, groupsOf } from '../config/index.js';
/** More than any route's whole cost: rates are u64 wei per byte or per service, a route at most 12 Nodes. */
export const PRIORITY_STEP = 1n << 100n;
/** An exit outside the listed countries, allowed by fallback routing: after every listed priority. */
export const OTHER_COUNTRY_PENALTY = PRIORITY_STEP << 10n;

/** The undesirability of an exit in `country`, or undefined when the setting rules it out. */
export function countryPenalty(loc: ExitLocation, country: string): bigint | undefined {
  if (loc.groups.length === 0) return 0n;
  const i = loc.groups.findIndex((g) => g.includes(country));
  if (i >= 0) return PRIORITY_STEP * BigInt(i);
  return loc.fallback ? OTHER_COUNTRY_PENALTY : undefined;
}

/** Exits per country, most first, then by code. */
export function countExits(countries: Iterable<string>): Array<{ country: string; exits: number }> {
  const counts = new Map<string, number>();
  for (const c of countries) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts.entries()].map(([country, exits]) => ({ country, exits })).sort((a, b) => b.exits - a.exits || a.country.localeCompare(b.country));
}

/** The listed countries that have no exit this Node can reach now. */
export function missingCountries(loc: ExitLocation, available: ReadonlySet<string>): string[] {
  return loc.groups.flat().filter((c) => !available.has(c));
}

/** How the log and `masq configuration` describe the setting (MASQ's wording for the groups). */
export function describeExitLocation(loc: ExitLocation): string {
  if (loc.groups.length === 0) return 'Exit location unset: any exit may serve.';
  const groups = describeGroups(groupsOf(loc));
  return `${loc.fallback ? 'Fallback Routing is set.' : 'Fallback Routing NOT set.'} Exit location set: ${groups}`;
}
