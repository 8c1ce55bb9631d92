import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { exitLocationFromGroups, formatExitLocation, groupsOf, ParamProblem, parseExitLocation, UNSET_EXIT_LOCATION } from '../../src/config/index.js';
import { findParam } from '../../src/config/index.js';
import { countExits, countryPenalty, describeExitLocation, missingCountries, OTHER_COUNTRY_PENALTY, PRIORITY_STEP } from '../../src/neighborhood/exit-countries.js';
import { type GraphView, findRoundTrip, reachableExits } from '../../src/neighborhood/routes.js';
import type { RatePack } from '../../src/wire/node-record.js';
import { DNS_PENALTY } from '../../src/stream/originator.js';
import { BAND_PERCENT, type RouteChoice, rateFloor } from '../../src/neighborhood/route-choice.js';

test('the parameter\'s text: comma for the same priority, pipe for the next, |* for fallback; canonical form', () => {
  assert.deepEqual(parseExitLocation('CZ,PL|SK'), { groups: [['CZ', 'PL'], ['SK']], fallback: false });
  assert.deepEqual(parseExitLocation(' cz , pl | sk |*'), { groups: [['CZ', 'PL'], ['SK']], fallback: true });
  assert.deepEqual(parseExitLocation(''), UNSET_EXIT_LOCATION);
  assert.deepEqual(parseExitLocation('*'), UNSET_EXIT_LOCATION);
  assert.equal(formatExitLocation(parseExitLocation('cz,pl|sk|*')), 'CZ,PL|SK|*');
  assert.equal(formatExitLocation(UNSET_EXIT_LOCATION), '');
  assert.equal((findParam('exit-location')?.check('de|fr', 'dev')), 'DE|FR');
});

test('bad exit locations name the problem and the fix', () => {
  const refused = (text: string, why: RegExp): void => {
    assert.throws(() => parseExitLocation(text), (e: unknown) => e instanceof ParamProblem && why.test(e.message) && /CZ,PL\|SK|each country once|more than/.test(e.message), text);
  };
  refused('AD|AO,RR,XP', /'RR' is not a valid ISO3166 country code, 'XP' is not a valid ISO3166 country code/);
  refused('CZ||SK', /empty country/);
  refused('CZ,', /empty country/);
  refused('CZ|PL,CZ', /lists CZ twice/);
  refused('CZ|*|SK', /'\*' is not a valid/);
  refused('CZ,'.repeat(400), /longer than 1024/);
});

test('fuzz: any text either parses to a setting that formats and parses back the same, or is a ParamProblem', () => {
  const codes = fc.constantFrom('CZ', 'pl', 'SK', 'de', 'XX', '*', '', ' ', 'US', 'ZZ', 'ABC');
  const text = fc.oneof(fc.string({ maxLength: 60 }), fc.array(fc.tuple(codes, fc.constantFrom(',', '|', '|*', ' ')), { maxLength: 12 }).map((parts) => parts.flat().join('')));
  fc.assert(fc.property(text, (t) => {
    try {
      const loc = parseExitLocation(t);
      assert.deepEqual(parseExitLocation(formatExitLocation(loc)), loc);
    } catch (e) {
      if (!(e instanceof ParamProblem)) throw e;
    }
  }), { numRuns: 3000 });
});

test('MASQ\'s UI groups: sorted by priority, checked like the parameter, and back', () => {
  const loc = exitLocationFromGroups([{ countryCodes: ['SK'], priority: 2 }, { countryCodes: ['CZ', 'PL'], priority: 1 }], false);
  assert.deepEqual(loc, { groups: [['CZ', 'PL'], ['SK']], fallback: false });
  assert.deepEqual(groupsOf(loc), [{ countryCodes: ['CZ', 'PL'], priority: 1 }, { countryCodes: ['SK'], priority: 2 }]);
  assert.deepEqual(exitLocationFromGroups([], false), UNSET_EXIT_LOCATION, 'no countries: unset, whatever the fallback flag');
  assert.throws(() => exitLocationFromGroups([{ countryCodes: ['QQ'], priority: 1 }], true), ParamProblem);
});

test('weights: a priority step outweighs any route cost, another country outweighs every priority, none is ruled out', () => {
  const loc = parseExitLocation('CZ,PL|SK');
  assert.equal(countryPenalty(loc, 'CZ'), 0n);
  assert.equal(countryPenalty(loc, 'PL'), 0n);
  assert.equal(countryPenalty(loc, 'SK'), PRIORITY_STEP);
  assert.equal(countryPenalty(loc, 'DE'), undefined, 'without fallback another country may not exit');
  assert.equal(countryPenalty(loc, 'ZZ'), undefined);
  assert.equal(countryPenalty(parseExitLocation('CZ,PL|SK|*'), 'DE'), OTHER_COUNTRY_PENALTY);
  assert.ok(OTHER_COUNTRY_PENALTY > PRIORITY_STEP * 300n, 'after every priority a list can have');
  // A 12-Node route at the largest rates a record can carry, for a 16 KiB package.
  const u64 = 2n ** 64n - 1n;
  assert.ok(PRIORITY_STEP > 12n * (u64 + u64 * 16_384n));
  assert.equal(countryPenalty(UNSET_EXIT_LOCATION, 'ZZ'), 0n);
});

const pack = (n: bigint): RatePack => ({ routingByteRate: n, routingServiceRate: n, exitByteRate: n, exitServiceRate: n });

/**
 * The exit `exitWith` chooses under MASQ's cheapest rule and under the near-cheapest choice for draws across [0, 1),
 * checked to be one and the same: penalties (exit location, DNS failures) rank above any band of rates.
 */
function sameForEveryDraw(view: GraphView, keys: string[], exitWith: (choice?: RouteChoice) => string | undefined): string | undefined {
  const floor = rateFloor(keys.map((k) => view.ratePack(k)));
  const cheapest = exitWith();
  for (const u of [0, 0.25, 0.5, 0.75, 0.999]) assert.equal(exitWith({ floor, bandPercent: BAND_PERCENT, random: () => u }), cheapest, `draw ${u}`);
  return cheapest;
}

/** o — a — {x (CZ, dear), y (SK, cheap), z (DE, cheapest)}; o's only neighbor is a. */
function star(): { view: GraphView; country: Record<string, string> } {
  const adj: Record<string, string[]> = { o: ['a'], a: ['o', 'x', 'y', 'z'], x: ['a'], y: ['a'], z: ['a'] };
  const rates: Record<string, bigint> = { x: 1000n, y: 10n, z: 1n };
  return {
    view: { fullNeighbors: (k) => adj[k] ?? [], routesData: () => true, ratePack: (k) => pack(rates[k] ?? 1n) },
    country: { x: 'CZ', y: 'SK', z: 'DE' },
  };
}

test('routes honour the exit location (cheapest or drawn near-cheapest alike): the wanted country even when dearer, fallback only when nothing listed is reachable', () => {
  const { view, country } = star();
  const exitOf = (text: string): string | undefined => {
    const loc = parseExitLocation(text);
    return sameForEveryDraw(view, ['a', 'x', 'y', 'z'], (choice) => findRoundTrip(view, { origin: 'o', minHops: 2, payloadSize: 100, exitPenalty: (k) => countryPenalty(loc, country[k] ?? 'ZZ') }, choice)?.over.at(-1));
  };
  assert.equal(exitOf(''), 'z', 'unset: the cheapest exit');
  assert.equal(exitOf('CZ'), 'x', 'the dearest exit, because it is in the country asked for');
  assert.equal(exitOf('SK|CZ'), 'y');
  assert.equal(exitOf('CZ,SK'), 'y', 'the same priority: the cheaper of the two');
  assert.equal(exitOf('US'), undefined, 'no exit in the country and no fallback: no route');
  assert.equal(exitOf('US|*'), 'z', 'fallback: the cheapest of the others');
  assert.equal(exitOf('US|CZ|*'), 'x', 'a listed country still beats fallback');
});

test('after a DNS failure the retry takes another exit, even one far dearer, and the exit location still ranks first, whatever the draw', () => {
  // Rates at MASQ's scale (wei per byte): the failed exit z is 10^6 times cheaper than x.
  const adj: Record<string, string[]> = { o: ['a'], a: ['o', 'x', 'y', 'z'], x: ['a'], y: ['a'], z: ['a'] };
  const rates: Record<string, bigint> = { a: 172_000_000n, x: 172_000_000_000_000n, y: 1_000_000_000_000n, z: 172_000_000n };
  const view: GraphView = { fullNeighbors: (k) => adj[k] ?? [], routesData: () => true, ratePack: (k) => pack(rates[k] ?? 1n) };
  const country: Record<string, string> = { x: 'CZ', y: 'SK', z: 'DE' };
  const exitAfterFailures = (text: string, failed: string[]): string | undefined => {
    const loc = parseExitLocation(text);
    const penalty = (k: string): bigint | undefined => {
      const c = countryPenalty(loc, country[k] ?? 'ZZ');
      return c === undefined ? c : c + (failed.includes(k) ? DNS_PENALTY : 0n);
    };
    return sameForEveryDraw(view, ['a', 'x', 'y', 'z'], (choice) => findRoundTrip(view, { origin: 'o', minHops: 2, payloadSize: 16_384, exitPenalty: penalty }, choice)?.over.at(-1));
  };
  assert.equal(exitAfterFailures('', []), 'z');
  assert.equal(exitAfterFailures('', ['z']), 'y', 'MASQ\'s 10^8 would have kept z');
  assert.equal(exitAfterFailures('', ['z', 'y']), 'x');
  assert.equal(exitAfterFailures('', ['z', 'y', 'x']), 'z', 'all failed: the cheapest again');
  assert.equal(exitAfterFailures('CZ|SK', ['x']), 'y', 'the next country in order');
  assert.equal(exitAfterFailures('DE|SK,CZ|*', ['z']), 'y', 'the cheaper of the next priority');
  assert.equal(exitAfterFailures('DE|*', ['z']), 'y', 'fallback: another country before the exit that failed');
  assert.equal(exitAfterFailures('DE', ['z']), 'z', 'no fallback: the only exit allowed, tried again');
  assert.ok(DNS_PENALTY > OTHER_COUNTRY_PENALTY * 2n);
});

test('the exits a Node can reach, and the countries that have them', () => {
  const { view, country } = star();
  assert.deepEqual([...reachableExits(view, 'o', 2)].sort(), ['x', 'y', 'z']);
  assert.deepEqual([...reachableExits(view, 'o', 1)], ['a'], 'one hop: the neighbor itself exits');
  assert.deepEqual([...reachableExits(view, 'o', 3)], [], 'no simple path of three hops');
  assert.deepEqual(countExits(['CZ', 'DE', 'CZ', 'AT']), [{ country: 'CZ', exits: 2 }, { country: 'AT', exits: 1 }, { country: 'DE', exits: 1 }]);
  assert.deepEqual(missingCountries(parseExitLocation('CZ|US,DE'), new Set(Object.values(country))), ['US']);
});

test('the log describes the setting with MASQ\'s words', () => {
  assert.equal(describeExitLocation(parseExitLocation('CZ,PL|SK')), 'Fallback Routing NOT set. Exit location set: Country Codes: ["CZ", "PL"] - Priority: 1; Country Codes: ["SK"] - Priority: 2');
  assert.match(describeExitLocation(UNSET_EXIT_LOCATION), /unset/);
});
