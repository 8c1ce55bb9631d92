// masq exit-location (MASQ's masq/src/commands/exit_location_command.rs): which countries the Node's own traffic
// leaves the mesh from. Its arguments become the exitLocation request, checked before anything is sent; the answer
// is printed in MASQ's words, with how many exits each country has on top.

import { debugList, describeGroups, exitLocationFromGroups, groupsOf, ParamProblem } from '../config/index.js';
import { isCountryCode } from '../geo/index.js';
import { describeError } from '../system/index.js';
import { type Answers, type Requests, UI_ERRORS, UiRequestError } from '../ui/index.js';
import type { Command, CommandIo } from './command.js';
import { ask, parseFlags, UsageError } from './flags.js';

/** The request for masq exit-location's arguments; wrong ones are usage errors naming the problem. */
export function exitLocationRequest(args: readonly string[]): Requests['exitLocation'] {
  const flags = parseFlags(args, ['country-codes'], ['fallback-routing', 'show-countries']);
  const codes = flags.get('country-codes');
  const fallback = flags.has('fallback-routing');
  if (flags.has('show-countries')) {
    if (flags.size > 1) throw new UsageError('--show-countries only lists the countries; give it alone, then set them with --country-codes');
    return { fallbackRouting: true, exitLocations: [], showCountries: true };
  }
  // No countries: the setting is cleared, and every exit may serve.
  if (codes === undefined) return { fallbackRouting: true, exitLocations: [], showCountries: false };
  try {
    const loc = exitLocationFromGroups(codes.split('|').map((g, i) => ({ countryCodes: g.split(','), priority: i + 1 })), fallback);
    return { fallbackRouting: loc.fallback, exitLocations: groupsOf(loc), showCountries: false };
  } catch (e) {
    if (e instanceof ParamProblem) throw new UsageError(`--country-codes: ${e.message}`);
    throw e;
  }
}


/** MASQ prints the missing countries as an error even when the setting was made; masq writes every Node error so. */
const missingError = (message: string): string => describeError(new UiRequestError('exitLocation', { code: UI_ERRORS.EXIT_COUNTRY_MISSING_COUNTRIES_ERROR, message }));

export interface Printed { text: string; stderr: boolean }

/** What masq prints for the Node's answer, line by line, in MASQ's order and streams. */
export function exitLocationText(a: Answers['exitLocation']): Printed[] {
  const out: Printed[] = [];
  const say = (text: string, stderr = false): void => void out.push({ text, stderr });
  if (a.exitCountries) {
    if (a.exitCountries.length === 0) say('No countries available for exit-location!', true);
    else {
      say(`Countries available for exit-location: ${debugList(a.exitCountries)}`);
      for (const c of a.exitCountryCounts ?? []) say(`  ${c.country.padEnd(4)}${c.exits} exit${c.exits === 1 ? '' : 's'}${isCountryCode(c.country) ? '' : ' (country unknown)'}`);
    }
  } else {
    say(a.fallbackRouting ? 'Fallback Routing is set.' : 'Fallback Routing NOT set.');
  }
  if (a.exitCountrySelection.length > 0) {
    if (a.missingCountries.length > 0) {
      say(`Following countries are missing in Database: ${debugList(a.missingCountries)}`);
      say(missingError(debugList(a.missingCountries)), true);
    }
    say(`Exit location set: ${describeGroups(a.exitCountrySelection)}`);
  } else if (a.fallbackRouting) {
    say('Exit location is Unset.');
  }
  return out;
}

const DETAILS = `With --country-codes, only exits in the countries listed carry your traffic out of the mesh. List them most
wanted first: a comma between countries you want as much as each other, a pipe (|) before the next, less wanted
ones. Codes are ISO 3166 two-letter codes (CZ, de, …). If none of them is reachable, your traffic does not leave,
unless --fallback-routing lets exits in other countries serve then. Without arguments, the choice is cleared and
any exit may serve. --show-countries lists the countries with exits in the Node's neighborhood now, and how many;
it changes nothing. A country without exits yet may be listed: the Node uses it once exits there appear.

Examples:
  masq exit-location --show-countries                            what can be chosen now
  masq exit-location --country-codes "CZ,PL|SK"                  Czechia or Poland first, then Slovakia, nowhere else
  masq exit-location --country-codes "CZ|SK" --fallback-routing  Czechia, then Slovakia, then anywhere
  masq exit-location                                             no preference any more`;

async function run(args: readonly string[], io: CommandIo): Promise<number> {
  const request = exitLocationRequest(args);
  let answer: Answers['exitLocation'];
  try {
    answer = await ask(io, 'exitLocation', request);
  } catch (e) {
    if (!(e instanceof UiRequestError) || e.error.code !== UI_ERRORS.EXIT_COUNTRY_MISSING_COUNTRIES_ERROR) throw e;
    io.err(describeError(e));
    io.out(`All requested countries are missing in Database: ${e.error.message}`);
    return 1;
  }
  for (const line of exitLocationText(answer)) {
    if (line.stderr) io.err(line.text);
    else io.out(line.text);
  }
  return 0;
}

export const EXIT_LOCATION_COMMAND: Command = {
  name: 'exit-location',
  usage: 'exit-location [--country-codes "<CC,CC|CC>"] [--fallback-routing] [--show-countries]',
  help: 'Chooses the countries your traffic leaves the mesh from, most wanted first (comma: as wanted, pipe: less wanted), and whether other countries may serve when none of them is reachable; without arguments, clears the choice. --show-countries lists the countries with exits now.',
  details: DETAILS,
  run,
};
