// The dashboard's exit location: the Node's choice of countries for its own traffic and the countries it can choose
// from now (one exitLocation request with showCountries, which changes nothing), and the form that changes it. The
// form is checked here with the parameter's own rules, so a wrong code is refused in words before the Node is asked.

import { exitLocationFromGroups, groupsOf, ParamProblem } from '../config/index.js';
import { isCountryCode } from '../geo/index.js';
import { type Answers, type Requests, UI_ERRORS, UiRequestError } from '../ui/index.js';
import type { ExitLocationPanel, ExitLocationSaved } from './api.js';
import { type PageContext, pageError } from './context.js';
import { MAX_FORM_COUNTRIES } from './forms.js';
import type { Handlers } from './handler.js';

const SHOW: Requests['exitLocation'] = { fallbackRouting: true, exitLocations: [], showCountries: true };

const isCodeList = (g: unknown): g is string[] => Array.isArray(g) && g.length <= MAX_FORM_COUNTRIES && g.every((c) => typeof c === 'string');

/** The exitLocation request for the page's form ({ groups, fallback }); a form that is not one is refused in words. */
export function exitLocationForm(body: Record<string, unknown>): Requests['exitLocation'] {
  const { groups, fallback } = body;
  if (!Array.isArray(groups) || groups.length > MAX_FORM_COUNTRIES || !groups.every(isCodeList) || typeof fallback !== 'boolean' || groups.flat().length > MAX_FORM_COUNTRIES) {
    throw pageError(400, 'FORM_INVALID', `The exit location takes at most ${MAX_FORM_COUNTRIES} country codes in groups, and whether to fall back to other countries.`, { fix: 'Use the page itself.' });
  }
  try {
    const loc = exitLocationFromGroups(groups.map((countryCodes, i) => ({ countryCodes, priority: i + 1 })), fallback);
    return { fallbackRouting: loc.fallback, exitLocations: groupsOf(loc), showCountries: false };
  } catch (e) {
    if (e instanceof ParamProblem) throw pageError(400, 'EXIT_LOCATION', e.message, { field: 'countries', fix: 'Choose the countries from the list.' });
    throw e;
  }
}

/** The Node's answer as the panel shows it: the choice by priority, and the real countries with exits, bounded. */
export function exitLocationPanel(a: Answers['exitLocation']): ExitLocationPanel {
  const groups = [...a.exitCountrySelection].sort((x, y) => x.priority - y.priority).map((g) => g.countryCodes.slice(0, MAX_FORM_COUNTRIES));
  const countries = (a.exitCountryCounts ?? []).filter((c) => isCountryCode(c.country)).slice(0, MAX_FORM_COUNTRIES).map((c) => ({ code: c.country, exits: c.exits }));
  return { running: true, groups: groups.slice(0, MAX_FORM_COUNTRIES), fallback: a.fallbackRouting, missing: a.missingCountries.slice(0, MAX_FORM_COUNTRIES), countries };
}

const refused = (e: unknown, code: bigint): boolean => e instanceof UiRequestError && e.error.code === code;

export function exitLocationRoutes(ctx: PageContext): Handlers {
  return {
    async panelExitLocation(): Promise<ExitLocationPanel> {
      try {
        return exitLocationPanel(await ctx.link.node('exitLocation', SHOW));
      } catch (e) {
        // A stopped Node is the panel's content (it says so), not a failure.
        if (refused(e, UI_ERRORS.NODE_NOT_RUNNING_ERROR)) return { running: false };
        throw e;
      }
    },
    async setExitLocation({ body }): Promise<ExitLocationSaved> {
      const request = exitLocationForm(body);
      try {
        return { missing: (await ctx.link.node('exitLocation', request)).missingCountries };
      } catch (e) {
        // The Node refuses a choice none of whose countries has an exit, yet keeps it (as MASQ's does): it serves
        // once exits there appear.
        if (refused(e, UI_ERRORS.EXIT_COUNTRY_MISSING_COUNTRIES_ERROR)) return { missing: request.exitLocations.flatMap((g) => g.countryCodes) };
        throw e;
      }
    },
  };
}
