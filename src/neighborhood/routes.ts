// Route selection (docs/MESH.md, 'Routes'): the cheapest over-route of exactly min-hops hops from the
// originator to an exit, and a back-route of the same length from that exit, avoiding the over-route's relays
// where the graph allows. Pure: it sees the graph only through the view passed in.

import type { RatePack } from '../wire/index.js';

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
/** Reusing an over-route relay on the way back costs this much more, so it happens only when nothing else exists. */
export const REUSE_PENALTY = 10n ** 18n;

function relayCost(view: GraphView, key: string, size: bigint): bigint {
  const r = view.ratePack(key);
  return r.routingServiceRate + r.routingByteRate * size;
}

function exitCost(view: GraphView, key: string, size: bigint): bigint {
  const r = view.ratePack(key);
  return r.exitServiceRate + r.exitByteRate * size;
}

interface Search {
  from: string;
  hops: number;
  /** Cost of a node when it sits inside the path (not at either end), or undefined if it may not. */
  inner(key: string): bigint | undefined;
  /** Cost of the last node, or undefined if it may not end the path. */
  last(key: string): bigint | undefined;
  avoid: ReadonlySet<string>;
}

/**
 * Every simple path of exactly `hops` edges over full neighbors whose nodes the search allows, depth first, up to
 * MAX_PATHS_EXAMINED ends. `ended` hears each allowed end with the path's cost; `bound` prunes a partial path.
 */
function walkPaths(view: GraphView, s: Search, ended: (path: string[], cost: bigint) => void, bound: (cost: bigint) => boolean): void {
  let examined = 0;
  const path = [s.from];
  const onPath = new Set(path);
  const walk = (cost: bigint): void => {
    if (examined >= MAX_PATHS_EXAMINED || bound(cost)) return;
    const here = path[path.length - 1] as string;
    const depth = path.length - 1;
    for (const next of view.fullNeighbors(here)) {
      if (onPath.has(next) || s.avoid.has(next)) continue;
      if (depth + 1 === s.hops) {
        examined++;
        const end = s.last(next);
        if (end !== undefined) ended([...path, next], cost + end);
        continue;
      }
      const step = view.routesData(next) ? s.inner(next) : undefined;
      if (step === undefined) continue;
      path.push(next);
      onPath.add(next);
      walk(cost + step);
      path.pop();
      onPath.delete(next);
    }
  };
  walk(0n);
}

/** Cheapest simple path of exactly `hops` edges over full neighbors, by depth-first branch and bound. */
function cheapestPath(view: GraphView, s: Search): { path: string[]; cost: bigint } | undefined {
  let best: { path: string[]; cost: bigint } | undefined;
  walkPaths(view, s, (path, cost) => {
    if (!best || cost < best.cost) best = { path, cost };
  }, (cost) => best !== undefined && cost >= best.cost);
  return best;
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
  walkPaths(view, { from: origin, hops: minHops, avoid: new Set(), inner: () => 0n, last: (k) => (mayExit(k) ? 0n : undefined) }, (path) => {
    exits.add(path[path.length - 1] as string);
  }, () => false);
  return exits;
}

export function findRoundTrip(view: GraphView, q: RouteQuery): RoundTrip | undefined {
  if (!Number.isInteger(q.minHops) || q.minHops < 1 || q.minHops > 6) throw new RangeError('min-hops must be 1 to 6');
  const size = BigInt(Math.max(0, Math.floor(q.payloadSize)));
  const avoid = q.avoid ?? new Set<string>();
  const mayExit = exitRule(view, q.origin, q.minHops);
  const over = cheapestPath(view, {
    from: q.origin, hops: q.minHops, avoid,
    inner: (k) => relayCost(view, k, size),
    last: (k) => {
      if (!mayExit(k)) return undefined;
      const penalty = q.exitPenalty ? q.exitPenalty(k) : 0n;
      return penalty === undefined ? undefined : exitCost(view, k, size) + penalty;
    },
  });
  if (!over) return undefined;
  const exit = over.path[over.path.length - 1] as string;
  const overRelays = new Set(over.path.slice(1, -1));
  const back = cheapestPath(view, {
    from: exit, hops: q.minHops, avoid,
    inner: (k) => (k === q.origin ? undefined : relayCost(view, k, size) + (overRelays.has(k) ? REUSE_PENALTY : 0n)),
    last: (k) => (k === q.origin ? 0n : undefined),
  });
  if (!back) return undefined;
  return { over: over.path, back: back.path, cost: over.cost + back.cost };
}
