// The exit-location setting: countries in order of preference, and whether other countries may serve when none of
// them is reachable (fallback routing). As text, the parameter's value: "CZ,PL|SK" (comma: same priority, pipe: next
// priority), with "|*" at the end for fallback routing; empty means unset. As MASQ's UI message, groups with
// priorities from 1.

import { isCountryCode } from '../geo/index.js';
import { ParamProblem } from './param-problem.js';

export interface ExitLocation {
  /** groups[0] holds the priority 1 countries. Empty: no preference. */
  groups: string[][];
  /** Exits in other countries serve when none in the groups is reachable. */
  fallback: boolean;
}

/** No preference: every exit may serve (MASQ reports this as fallback routing set, location unset). */
export const UNSET_EXIT_LOCATION: ExitLocation = Object.freeze({ groups: [], fallback: true });

export const FALLBACK_MARK = '*';
/** Bounds on what a user can ask for: more countries than exist, far longer than any sensible list. */
export const MAX_EXIT_LOCATION_CHARS = 1024;
export const MAX_EXIT_COUNTRIES = 300;

const HOW = 'Write country codes like CZ,PL|SK: a comma between countries of the same priority, a pipe before the next priority.';

/** The groups of country codes ("CZ,PL|SK"), checked: real ISO 3166 codes, no empty group, none listed twice. */
export function parseCountryGroups(text: string): string[][] {
  if (text.length > MAX_EXIT_LOCATION_CHARS) throw new ParamProblem(`exit-location is longer than ${MAX_EXIT_LOCATION_CHARS} characters. ${HOW}`);
  const groups = text.split('|').map((g) => g.split(',').map((c) => c.trim().toUpperCase()));
  const invalid = groups.flat().filter((c) => c.length > 0 && !isCountryCode(c));
  if (invalid.length > 0) throw new ParamProblem(invalid.slice(0, 10).map((c) => `'${c.slice(0, 8)}' is not a valid ISO3166 country code`).join(', ') + `. ${HOW}`);
  if (groups.some((g) => g.some((c) => c.length === 0))) throw new ParamProblem(`exit-location has an empty country in '${text.slice(0, 40)}'. ${HOW}`);
  const seen = new Set<string>();
  for (const c of groups.flat()) {
    if (seen.has(c)) throw new ParamProblem(`exit-location lists ${c} twice. Give each country once, in the group of its priority.`);
    seen.add(c);
  }
  if (seen.size > MAX_EXIT_COUNTRIES) throw new ParamProblem(`exit-location lists more than ${MAX_EXIT_COUNTRIES} countries.`);
  return groups;
}

/** The parameter's text as a setting; empty text is unset. */
export function parseExitLocation(text: string): ExitLocation {
  const trimmed = text.trim();
  if (trimmed === '') return UNSET_EXIT_LOCATION;
  const fallback = trimmed === FALLBACK_MARK || trimmed.endsWith(`|${FALLBACK_MARK}`);
  const codes = fallback ? trimmed.slice(0, -FALLBACK_MARK.length).replace(/\|$/, '') : trimmed;
  if (codes === '') return UNSET_EXIT_LOCATION;
  return { groups: parseCountryGroups(codes), fallback };
}

/** The setting as the parameter's text; '' when unset. */
export function formatExitLocation(loc: ExitLocation): string {
  if (loc.groups.length === 0) return '';
  const codes = loc.groups.map((g) => g.join(',')).join('|');
  return loc.fallback ? `${codes}|${FALLBACK_MARK}` : codes;
}

export interface CountryGroup {
  countryCodes: string[];
  priority: number;
}

/** MASQ's exitLocations of a UI request as a setting (groups ordered by priority, checked like the parameter). */
export function exitLocationFromGroups(groups: readonly CountryGroup[], fallbackRouting: boolean): ExitLocation {
  const ordered = [...groups].sort((a, b) => a.priority - b.priority).map((g) => g.countryCodes.join(','));
  if (ordered.length === 0) return UNSET_EXIT_LOCATION;
  return { groups: parseCountryGroups(ordered.join('|')), fallback: fallbackRouting };
}

/** A list of texts as Rust's Debug prints a Vec<String>, as MASQ shows them: ["CZ", "PL"]. */
export const debugList = (items: readonly string[]): string => `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;

/** MASQ's words for the groups, in its log and its masq exit-location. */
export function describeGroups(groups: readonly CountryGroup[]): string {
  return groups.map((g) => `Country Codes: ${debugList(g.countryCodes)} - Priority: ${g.priority}`).join('; ');
}

export function groupsOf(loc: ExitLocation): CountryGroup[] {
  return loc.groups.map((countryCodes, i) => ({ countryCodes: [...countryCodes], priority: i + 1 }));
}
