// MASQ's exitLocation message: set, clear or show where the Node's own traffic leaves the mesh. The setting is
// stored (the exit-location parameter's row), so it outlives restarts, and takes effect for the next stream.

import { type CountryGroup, type ExitLocation, exitLocationFromGroups, formatExitLocation, groupsOf, ParamProblem, parseExitLocation, storeRowOf } from '../config/index.js';
import type { ExitReport } from '../neighborhood/index.js';
import type { Store } from '../store/index.js';
import { type Answers, UI_ERRORS } from '../ui/index.js';

export interface ExitLocationControl {
  /** Routes from now on honour `loc`. */
  apply(loc: ExitLocation): void;
  /** The countries with exits this Node reaches now (none without a neighborhood), and the listed ones without. */
  report(loc: ExitLocation): ExitReport;
}

/** The answer or error, and whether the setting changed (an error can follow a change). */
type Outcome = ({ payload: Answers['exitLocation'] } | { error: { code: bigint; message: string } }) & { changed: boolean };

/** The stored setting; a row that no longer parses (a hand-edited store) counts as unset rather than stopping the Node. */
export function storedExitLocation(store: Store): ExitLocation {
  try {
    return parseExitLocation(store.getConfig(storeRowOf('exit-location')) ?? '');
  } catch (e) {
    if (e instanceof ParamProblem) return parseExitLocation('');
    throw e;
  }
}

export async function exitLocation(store: Store, p: Record<string, unknown>, ctl: ExitLocationControl): Promise<Outcome> {
  if (p.showCountries === true) {
    const loc = storedExitLocation(store);
    const report = ctl.report(loc);
    return {
      payload: {
        ...answerFor(loc, report),
        exitCountries: report.counts.map((c) => c.country).sort(),
        exitCountryCounts: report.counts,
      },
      changed: false,
    };
  }
  let loc: ExitLocation;
  try {
    loc = exitLocationFromGroups(p.exitLocations as CountryGroup[], p.fallbackRouting === true);
  } catch (e) {
    if (e instanceof ParamProblem) return { error: { code: UI_ERRORS.NON_PARSABLE_VALUE, message: e.message }, changed: false };
    throw e;
  }
  await store.setConfig({ [storeRowOf('exit-location')]: formatExitLocation(loc) || null });
  ctl.apply(loc);
  const report = ctl.report(loc);
  const listed = loc.groups.flat();
  // As MASQ: when none of the countries has an exit, the answer is an error naming them (the setting stays, and
  // serves once exits there appear).
  if (listed.length > 0 && report.missing.length === listed.length) {
    return { error: { code: UI_ERRORS.EXIT_COUNTRY_MISSING_COUNTRIES_ERROR, message: report.missing.join(', ') }, changed: true };
  }
  return { payload: answerFor(loc, report), changed: true };
}

function answerFor(loc: ExitLocation, report: ExitReport): Answers['exitLocation'] {
  return { fallbackRouting: loc.fallback, exitCountrySelection: groupsOf(loc), missingCountries: report.missing };
}
