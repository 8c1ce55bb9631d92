// Route selection (docs/MESH.md, 'Routes'): an over-route of exactly min-hops hops from the originator to an exit,
// and a back-route of the same length from that exit, avoiding the over-route's relays where the graph allows;
// the cheapest (MASQ's rule) or one of the near-cheapest (route-choice.ts). Pure: it sees the graph only through
// the view passed in, and chance only through the choice's random source.

import type { RatePack } from '../wire/index.js';
import { type RouteChoice, floored } from './route-choice.js';

/** What route selection needs to know about the network. Keys are hex strings of node public keys. */
export interface GraphView {
  /** Nodes that are full neighbors of `key` (each lists the other). */
  fullNeighbors(key: string): readonly string[];
  /** Whether the node relays and exits for others. */
  routesData(key: string): boolean;
  ratePack(key: string): RatePack;
}

export interface RouteQuery {
  origin: string;
  /** Hops from the originator to the exit, 1–6. */
  minHops: number;
  /** Bytes expected per package, for the byte rates. */
  payloadSize: number;
  /**
   * Extra undesirability of a node as exit for this request (it could not resolve the host, it is not in the
   * country the user prefers), or undefined when it may not be the exit at all.
   */
  exitPenalty?(key: string): bigint | undefined;
  /** Nodes not to use at all (e.g. a relay that just died). */
  avoid?: ReadonlySet<string>;
}

export interface RoundTrip {
  /** origin, relays…, exit */
  over: string[];
  /** exit, relays…, origin */
  back: string[];
  /** Total undesirability (wei for the rate-pack part). */
  cost: bigint;
}

/** Upper bound on paths examined per search, so a pathological graph cannot stall the Node. */
export const MAX_PATHS_EXAMINED = 50_000;
/** Upper bound on the near-cheapest paths kept to choose from; beyond it the first ones found stay. */
export const MAX_CANDIDATES = 1024;
/** Over-routes tried, near-cheapest first from the drawn one, for a back-route that need not reuse their relays. */
export const MAX_OVER_TRIES = 8;
/** Reusing an over-route relay on the way back costs this much more, so it happens only when nothing else exists. */
export const REUSE_PENALTY = 10n ** 18n;

/** What one Node adds to a path: its rates for the payload, and penalties that rank above any rate. */
interface Step {
  rate: bigint;
  penalty: bigint;
}

function relayCost(r: RatePack, size: bigint): bigint {
  return r.routingServiceRate + r.routingByteRate * size;
}

function exitCost(r: RatePack, size: bigint): bigint {
  return r.exitServiceRate + r.exitByteRate * size;
}

interface Search {
  from: string;
  hops: number;
  /** What a node adds when it sits inside the path (not at either end), or undefined if it may not. */
  inner(key: string): Step | undefined;
  /** What the last node adds, or undefined if it may not end the path. */
  last(key: string): Step | undefined;
  avoid: ReadonlySet<string>;
}

/**
 * Every simple path of exactly `hops` edges over full neighbors whose nodes the search allows, depth first, up to
 * MAX_PATHS_EXAMINED ends. `ended` hears each allowed end with the path's rate and penalty; `bound` prunes a
 * partial path by its rate and penalty so far (both only grow).
 */
function walkPaths(view: GraphView, s: Search, ended: (path: string[], rate: bigint, penalty: bigint) => void, bound: (rate: bigint, penalty: bigint) => boolean): void {
  let examined = 0;
  const path = [s.from];
  const onPath = new Set(path);
  const walk = (rate: bigint, penalty: bigint): void => {
    if (examined >= MAX_PATHS_EXAMINED || bound(rate, penalty)) return;
    const here = path[path.length - 1] as string;
    const depth = path.length - 1;
    for (const next of view.fullNeighbors(here)) {
      if (onPath.has(next) || s.avoid.has(next)) continue;
      if (depth + 1 === s.hops) {
        examined++;
        const end = s.last(next);
        if (end !== undefined) ended([...path, next], rate + end.rate, penalty + end.penalty);
        continue;
      }
      const step = view.routesData(next) ? s.inner(next) : undefined;
      if (step === undefined) continue;
      path.push(next);
      onPath.add(next);
      walk(rate + step.rate, penalty + step.penalty);
      path.pop();
      onPath.delete(next);
    }
  };
  walk(0n, 0n);
}

/** How near-cheapest paths are told apart: a band over the cheapest rate, and the draw (in [0, 1)) that picks one. */
interface Band {
  percent: number;
  draw: number;
}

interface Found {
  path: string[];
  rate: bigint;
  penalty: bigint;
}

/**
 * The cheapest simple path of exactly `hops` edges over full neighbors, by depth-first branch and bound; with a
 * band, every path with the cheapest's penalty and a rate within the band of its rate (up to MAX_CANDIDATES),
 * starting at the one the draw picks (uniformly) and going round from there.
 */
function choosePaths(view: GraphView, s: Search, band?: Band): Found[] {
  let best: Found | undefined;
  let limit = 0n;
  let candidates: Found[] = [];
  const widen = (rate: bigint): bigint => (band ? rate + (rate * BigInt(Math.round(band.percent * 100))) / 10_000n : rate);
  walkPaths(view, s, (path, rate, penalty) => {
    if (!best || rate + penalty < best.rate + best.penalty) {
      best = { path, rate, penalty };
      limit = widen(rate);
      candidates = candidates.filter((c) => c.penalty === penalty && c.rate <= limit);
      candidates.unshift(best);
    } else if (band && penalty === best.penalty && rate <= limit && candidates.length < MAX_CANDIDATES) {
      candidates.push({ path, rate, penalty });
    }
  }, (rate, penalty) => best !== undefined && (band ? rate + penalty > best.penalty + limit : rate + penalty >= best.rate + best.penalty));
  const i = band ? Math.min(candidates.length - 1, Math.floor(band.draw * candidates.length)) : 0;
  return [...candidates.slice(i), ...candidates.slice(0, i)];
}

/** The rule for an over-route's exit: it relays for others and, beyond one hop, is not the originator's neighbor. */
function exitRule(view: GraphView, origin: string, minHops: number): (key: string) => boolean {
  const originNeighbors = new Set(view.fullNeighbors(origin));
  // With more than one hop the exit must not be the originator's neighbor: it would learn who asks and what.
  return (k) => view.routesData(k) && !(minHops > 1 && originNeighbors.has(k));
}

/** The Nodes an over-route of min-hops hops can end at: the exits this Node can use now. */
export function reachableExits(view: GraphView, origin: string, minHops: number): Set<string> {
  const exits = new Set<string>();
  const mayExit = exitRule(view, origin, minHops);
  const free: Step = { rate: 0n, penalty: 0n };
  walkPaths(view, { from: origin, hops: minHops, avoid: new Set(), inner: () => free, last: (k) => (mayExit(k) ? free : undefined) }, (path) => {
    exits.add(path[path.length - 1] as string);
  }, () => false);
  return exits;
}

/** The over- and back-route searches of a query, each hop's rates seen through `rates` (floored, or as they are). */
function searches(view: GraphView, q: RouteQuery, rates: (key: string) => RatePack): { over: Search; back(over: string[]): Search } {
  const size = BigInt(Math.max(0, Math.floor(q.payloadSize)));
  const avoid = q.avoid ?? new Set<string>();
  const mayExit = exitRule(view, q.origin, q.minHops);
  return {
    over: {
      from: q.origin, hops: q.minHops, avoid,
      inner: (k) => ({ rate: relayCost(rates(k), size), penalty: 0n }),
      last: (k) => {
        if (!mayExit(k)) return undefined;
        const penalty = q.exitPenalty ? q.exitPenalty(k) : 0n;
        return penalty === undefined ? undefined : { rate: exitCost(rates(k), size), penalty };
      },
    },
    back: (over) => {
      const overRelays = new Set(over.slice(1, -1));
      return {
        from: over[over.length - 1] as string, hops: q.minHops, avoid,
        inner: (k) => (k === q.origin ? undefined : { rate: relayCost(rates(k), size), penalty: overRelays.has(k) ? REUSE_PENALTY : 0n }),
        last: (k) => (k === q.origin ? { rate: 0n, penalty: 0n } : undefined),
      };
    },
  };
}

/** What a path found by `s` costs: its inner Nodes and its last, rates and penalties together. */
function costOf(s: Search, path: readonly string[]): bigint {
  const steps = [...path.slice(1, -1).map((k) => s.inner(k)), s.last(path[path.length - 1] as string)];
  return steps.reduce((sum, st) => sum + (st ? st.rate + st.penalty : 0n), 0n);
}

/**
 * A round trip for `q`: MASQ's cheapest without `choice`; with it, one of the near-cheapest by floored rates
 * (src/neighborhood/route-choice.ts). Its cost is what the hops' own rate packs ask, plus the penalties.
 */
export function findRoundTrip(view: GraphView, q: RouteQuery, choice?: RouteChoice): RoundTrip | undefined {
  if (!Number.isInteger(q.minHops) || q.minHops < 1 || q.minHops > 6) throw new RangeError('min-hops must be 1 to 6');
  const paid = searches(view, q, (k) => view.ratePack(k));
  const ranked = choice ? searches(view, q, (k) => floored(view.ratePack(k), choice.floor)) : paid;
  // Two draws whatever the graph, so the random source advances alike for alike queries.
  const [overBand, backBand] = choice ? [0, 1].map(() => ({ percent: choice.bandPercent, draw: choice.random() })) : [];
  let fallback: RoundTrip | undefined;
  // A drawn over-route may leave no back-route but through its own relays, where the cheapest would not: the next
  // near-cheapest ones are tried before that (a bounded few).
  for (const over of choosePaths(view, ranked.over, overBand).slice(0, MAX_OVER_TRIES)) {
    const [back] = choosePaths(view, ranked.back(over.path), backBand);
    if (!back) continue;
    const rt = { over: over.path, back: back.path, cost: costOf(paid.over, over.path) + costOf(paid.back(over.path), back.path) };
    if (back.penalty === 0n) return rt;
    fallback ??= rt;
  }
  return fallback;
}
