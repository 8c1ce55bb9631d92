// How this Node chooses among routes (docs/MESH.md, 'Routes'), where MASQ takes the cheapest: a Node that prices
// itself below everyone else would otherwise be on every route that can reach it, and colluders could buy the
// traffic they want to watch or drop (docs/SIMULATION.md, 'Churn, partition, hostile Nodes').
//  - For choosing, each hop's rates count as no lower than a floor: a low percentile, per rate, of the rate packs
//    of the Nodes in our database that route data. Undercutting below the market buys nothing more.
//  - Among the routes whose (floored) rate cost is within BAND_PERCENT of the cheapest, with the same penalties
//    (exit location, failed exits, reused relays), one is taken uniformly at random.
// What a hop is paid stays its own rate pack: the floor only ranks routes.

import { randomBytes } from 'node:crypto';
import type { RatePack } from '../wire/index.js';

/**
 * The percentile of each rate, over the routing Nodes we know, below which a lower rate ranks no better. Low, so
 * honest Nodes that ask a little less still gain by it; it holds while fewer than a quarter of the routing records
 * a Node holds price below it (more, and the floor sinks to their price: docs/SIMULATION.md says what then).
 */
export const FLOOR_PERCENTILE = 25;
/**
 * Routes within this many percent of the cheapest (floored) rate cost, at equal penalties, are taken alike: wide
 * enough that routes over Nodes at ordinary rates compete with one over Nodes at the floor, so pricing at the
 * floor buys no more than being ordinary; a route costs at most this much more than the ranked cheapest.
 */
export const BAND_PERCENT = 25;

/** What findRoundTrip needs to choose among near-cheapest routes instead of taking the cheapest. */
export interface RouteChoice {
  /** Rates a hop counts as at least, for ranking (not for paying). */
  floor: RatePack;
  bandPercent: number;
  /** Uniform in [0, 1): two draws per round trip, one for the over-route and one for the back-route. */
  random: () => number;
}

const RATES = ['routingByteRate', 'routingServiceRate', 'exitByteRate', 'exitServiceRate'] as const;

/** No floor at all: every rate ranks as it is (an empty database, or a choice that wants MASQ's ranking). */
export const NO_FLOOR: RatePack = { routingByteRate: 0n, routingServiceRate: 0n, exitByteRate: 0n, exitServiceRate: 0n };

/** Per rate, the `percentile`th of `packs` (the lower one at a split, so the floor never exceeds a real rate). */
export function rateFloor(packs: readonly RatePack[], percentile = FLOOR_PERCENTILE): RatePack {
  if (packs.length === 0) return NO_FLOOR;
  const at = Math.min(packs.length - 1, Math.floor((percentile / 100) * (packs.length - 1)));
  const floor = { ...NO_FLOOR };
  for (const rate of RATES) {
    const sorted = packs.map((p) => p[rate]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    floor[rate] = sorted[at] as bigint;
  }
  return floor;
}

/** A rate pack as the ranking sees it: each rate raised to the floor. */
export function floored(pack: RatePack, floor: RatePack): RatePack {
  const out = { ...pack };
  for (const rate of RATES) if (out[rate] < floor[rate]) out[rate] = floor[rate];
  return out;
}

/** What the ranking reads of the database: the Nodes we know, and which of them route data at what rates. */
export interface Market {
  keys(): string[];
  routesData(key: string): boolean;
  ratePack(key: string): RatePack;
}

/** The choice for `origin`'s own routes: the floor from the routing Nodes of `market` but itself, and the band. */
export function marketChoice(market: Market, origin: string, random: () => number): RouteChoice {
  const packs = market.keys().filter((k) => k !== origin && market.routesData(k)).map((k) => market.ratePack(k));
  return { floor: rateFloor(packs), bandPercent: BAND_PERCENT, random };
}

/**
 * A Node's default random source: crypto-random, because a route choice an observer could predict (Math.random's
 * state can be recovered from enough of its outputs) would let colluders know which of their offers is taken.
 * One 48-bit draw per call; a route() costs two, beside the route's own key agreements.
 */
export function cryptoRandom(): number {
  return randomBytes(6).readUIntBE(0, 6) / 2 ** 48;
}
