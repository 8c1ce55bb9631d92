// A look at every live Node's route at one moment of a script: whether route() finds a round trip, whether that
// round trip would carry data now (every hop over a live link), how long it is, whom it runs through, and how many
// exits and relays the Node could choose from.

import { REUSE_PENALTY, findRoundTrip, reachableExits } from '../../src/neighborhood/routes.js';
import { mean, quantile } from './measure.js';
import type { SimNetwork } from './network.js';
import type { SimNode } from './node.js';
import { PROBE_PAYLOAD_BYTES, type RoundTrip } from '../../src/neighborhood/index.js';
import { ROUTE_RETRIES } from '../../src/stream/index.js';

export interface Probe {
  /** Elapsed s. */
  s: number;
  live: number;
  /** Share of live Nodes whose route() finds a round trip. */
  found: number;
  /** Share whose round trip runs over live links only: what a stream would get now. */
  works: number;
  /** Share with a working round trip within the originator's retries, each avoiding the Nodes of the broken ones. */
  worksRetried: number;
  /** Share of found round trips whose back-route reuses an over-route relay. */
  reuse: number;
  /**
   * Mean over found round trips of cost / the cheapest round trip's cost (MASQ's choice): what the choice costs
   * (round trips that reuse a relay left out: their penalty is no price).
   */
  costRatio: number;
  /** The largest such ratio. */
  costRatioMax: number;
  /** One-way link latencies summed over and back along the working round trips, ms: mean and p95. */
  latencyMs: number;
  latencyP95Ms: number;
  /** Share of honest Nodes' found round trips with a hostile relay or exit (NaN without hostile Nodes). */
  hostileTouch: number;
  /** Share of live Nodes on one side of `side` whose working round trip reaches a Node on the other. */
  across: number;
  /** Mean exits (and relays) a live Node can choose from, when asked for. */
  exits: number;
  relays: number;
}

export interface ProbeOptions {
  minHops: number;
  hostile?(key: string): boolean;
  /** A set of Nodes (a partition's island): measure round trips that cross its edge. */
  side?: ReadonlySet<string>;
  /** Count exits and relays too (a walk over every path: the costly part). */
  choices: boolean;
}

/** Relay candidates: Nodes that relay, within min-hops − 1 hops over full neighbors (the inner Nodes of a route). */
function relays(n: SimNode, minHops: number): number {
  const db = n.neighborhood.db;
  const seen = new Set([n.key]);
  let frontier = [n.key];
  let count = 0;
  for (let d = 1; d < minHops && frontier.length > 0; d++) {
    const next: string[] = [];
    for (const k of frontier) for (const m of db.fullNeighbors(k)) {
      if (seen.has(m)) continue;
      seen.add(m);
      next.push(m);
      if (db.routesData(m)) count++;
    }
    frontier = next;
  }
  return count;
}

const pairs = (path: readonly string[]): [string, string][] => path.slice(1).map((k, i) => [path[i] as string, k]);
const hopsOf = (rt: RoundTrip): [string, string][] => [...pairs(rt.over), ...pairs(rt.back)];

/** What the originator's retries reach after a broken round trip: a working one, avoiding each broken one's Nodes. */
function retried(n: SimNode, net: SimNetwork, first: RoundTrip): boolean {
  const avoid = new Set<string>();
  let rt: RoundTrip | undefined = first;
  for (let i = 0; i < ROUTE_RETRIES && rt; i++) {
    for (const k of [...rt.over.slice(1), ...rt.back.slice(1, -1)]) avoid.add(k);
    rt = n.neighborhood.route({ payloadSize: PROBE_PAYLOAD_BYTES, avoid });
    if (rt && hopsOf(rt).every(([a, b]) => net.carries(a, b))) return true;
  }
  return false;
}

export function probe(live: readonly SimNode[], net: SimNetwork, elapsedMs: number, o: ProbeOptions): Probe {
  let found = 0;
  let works = 0;
  let honest = 0;
  let touched = 0;
  let across = 0;
  let rescued = 0;
  let reused = 0;
  const latencies: number[] = [];
  const ratios: number[] = [];
  for (const n of live) {
    const rt = n.neighborhood.route({ payloadSize: PROBE_PAYLOAD_BYTES });
    if (!rt) continue;
    found++;
    const cheapest = findRoundTrip(n.neighborhood.db, { origin: n.key, minHops: o.minHops, payloadSize: PROBE_PAYLOAD_BYTES });
    if (rt.cost >= REUSE_PENALTY) reused++;
    else if (cheapest && cheapest.cost > 0n && cheapest.cost < REUSE_PENALTY) ratios.push(Number(rt.cost) / Number(cheapest.cost));
    const hops = hopsOf(rt);
    const others = new Set([...rt.over, ...rt.back]);
    others.delete(n.key);
    if (o.hostile && !o.hostile(n.key)) {
      honest++;
      if ([...others].some((k) => o.hostile?.(k))) touched++;
    }
    if (!hops.every(([a, b]) => net.carries(a, b))) {
      if (retried(n, net, rt)) rescued++;
      continue;
    }
    works++;
    latencies.push(hops.reduce((sum, [a, b]) => sum + net.latency(a, b), 0));
    const side = o.side;
    if (side && [...others].some((k) => side.has(k) !== side.has(n.key))) across++;
  }
  latencies.sort((a, b) => a - b);
  const share = (x: number, of: number): number => (of === 0 ? NaN : x / of);
  return {
    s: elapsedMs / 1000, live: live.length, found: share(found, live.length), works: share(works, live.length),
    worksRetried: share(works + rescued, live.length), reuse: share(reused, found), costRatio: mean(ratios), costRatioMax: ratios.length === 0 ? NaN : Math.max(...ratios),
    latencyMs: mean(latencies), latencyP95Ms: quantile(latencies, 0.95),
    hostileTouch: o.hostile ? share(touched, honest) : NaN, across: o.side ? share(across, live.length) : NaN,
    exits: o.choices ? mean(live.map((n) => reachableExits(n.neighborhood.db, n.key, o.minHops).size)) : NaN,
    relays: o.choices ? mean(live.map((n) => relays(n, o.minHops))) : NaN,
  };
}
