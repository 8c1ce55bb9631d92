// What a run measured, as `name=value unit` figures: the same lines a bench prints.

import { reachableExits } from '../../src/neighborhood/routes.js';
import type { Collusion } from './hostile.js';
import type { SimNetwork } from './network.js';
import type { SimNode } from './node.js';
import type { Probe } from './probe.js';
import type { Cut, Laid } from './script.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

export interface Joined {
  node: SimNode;
  /** Elapsed ms when it started. */
  at: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Mean, minimum and maximum of a per-Node quantity. */
function spread(name: string, xs: number[], unit: string): Figure[] {
  const sorted = [...xs].sort((a, b) => a - b);
  return [
    { name: `${name}_mean`, value: mean(sorted), unit },
    { name: `${name}_min`, value: sorted[0] ?? NaN, unit },
    { name: `${name}_max`, value: sorted[sorted.length - 1] ?? NaN, unit },
  ];
}

export function figures(joined: readonly Joined[], net: SimNetwork, minHops: number, elapsedMs: number): Figure[] {
  const routed = joined.filter((j) => j.node.routeFoundAt !== undefined);
  const afterJoin = routed.map((j) => ((j.node.routeFoundAt as number) - j.at) / 1000).sort((a, b) => a - b);
  const bytes = joined.map((j) => net.bytesSent(j.node.key));
  const all = routed.length === joined.length;
  return [
    { name: 'nodes', value: joined.length, unit: 'Nodes' },
    { name: 'nodes_with_route', value: routed.length, unit: 'Nodes' },
    { name: 'nodes_without_neighbor', value: joined.filter((j) => j.node.neighborhood.db.fullNeighbors(j.node.key).length === 0).length, unit: 'Nodes' },
    ...(all ? [{ name: 'all_routes_at', value: Math.max(...routed.map((j) => j.node.routeFoundAt as number)) / 1000, unit: 's' }] : []),
    { name: 'route_after_join_p50', value: quantile(afterJoin, 0.5), unit: 's' },
    { name: 'route_after_join_p95', value: quantile(afterJoin, 0.95), unit: 's' },
    { name: 'route_after_join_max', value: afterJoin[afterJoin.length - 1] ?? NaN, unit: 's' },
    { name: 'simulated', value: elapsedMs / 1000, unit: 's' },
    { name: 'gossip_bytes_total', value: bytes.reduce((a, b) => a + b, 0), unit: 'B' },
    ...spread('gossip_bytes_per_node', bytes, 'B'),
    ...spread('full_neighbors_per_node', joined.map((j) => j.node.neighborhood.db.fullNeighbors(j.node.key).length), 'Nodes'),
    ...spread('exits_reachable_per_node', joined.map((j) => reachableExits(j.node.neighborhood.db, j.node.key, minHops).size), 'Nodes'),
    ...spread('records_per_node', joined.map((j) => j.node.neighborhood.db.size()), 'records'),
    { name: 'offences', value: joined.reduce((a, j) => a + j.node.offences, 0), unit: 'offences' },
  ];
}

/** One sample while the network grows: elapsed s, the share of all N Nodes with a route, Gossip bytes sent so far. */
export interface GrowthSample {
  s: number;
  share: number;
  bytes: number;
}

/** Shares of Nodes with a route whose moment the curve over N reports: a run's last few stragglers do not decide it. */
export const ROUTED_SHARES = [90, 95, 99] as const;

/**
 * When 90, 95 and 99 % of the N Nodes had a route, and the Gossip spent until then per Node (absent for a share the
 * run never reached): the time and traffic a network of N Nodes takes to form.
 */
export function growthFigures(curve: readonly GrowthSample[], nodes: number): Figure[] {
  return ROUTED_SHARES.flatMap((pct) => {
    const at = curve.find((c) => c.share * 100 >= pct);
    return at ? [
      { name: `routes_${pct}_at`, value: at.s, unit: 's' },
      { name: `gossip_bytes_per_node_until_${pct}`, value: Math.round(at.bytes / nodes), unit: 'B' },
    ] : [];
  });
}

/** The last, least and mean value of one probe quantity over the script. */
function overTime(name: string, probes: readonly Probe[], of: (p: Probe) => number, unit: string): Figure[] {
  const xs = probes.map(of).filter((x) => !Number.isNaN(x));
  if (xs.length === 0) return [];
  return [
    { name: `${name}_end`, value: xs[xs.length - 1] as number, unit },
    { name: `${name}_min`, value: Math.min(...xs), unit },
    { name: `${name}_mean`, value: mean(xs), unit },
  ];
}

/**
 * How long after a cut healed the probes got back to where they were before it: the share of live Nodes with a
 * working route back within 2 points of it, and the share whose working route crosses the cut back to 80 % of it.
 */
function healFigures(probes: readonly Probe[], cut: Cut): Figure[] {
  const before = probes.filter((p) => p.s * 1000 <= cut.fromMs).at(-1);
  const during = probes.filter((p) => p.s * 1000 > cut.fromMs && p.s * 1000 <= cut.toMs);
  const after = probes.filter((p) => p.s * 1000 > cut.toMs);
  if (!before) return [];
  const back = (ok: (p: Probe) => boolean): number => {
    const p = after.find(ok);
    return p ? p.s - cut.toMs / 1000 : NaN;
  };
  return [
    { name: 'cut_nodes', value: cut.side.size, unit: 'Nodes' },
    { name: 'route_works_before_cut', value: before.works, unit: 'share' },
    { name: 'route_across_before_cut', value: before.across, unit: 'share' },
    { name: 'route_works_during_cut_min', value: Math.min(...during.map((p) => p.works)), unit: 'share' },
    { name: 'route_across_during_cut_end', value: during.at(-1)?.across ?? NaN, unit: 'share' },
    { name: 'heal_routes_s', value: back((p) => p.works >= before.works - 0.02), unit: 's' },
    { name: 'heal_across_s', value: back((p) => p.across >= 0.8 * before.across), unit: 's' },
  ];
}

/** What the probes measure over time, each as a figure's name, its reading of a probe and its unit. */
const PROBED: ReadonlyArray<readonly [string, (p: Probe) => number, string]> = [
  ['route_found_share', (p) => p.found, 'share'],
  ['route_works_share', (p) => p.works, 'share'],
  ['route_works_retried_share', (p) => p.worksRetried, 'share'],
  ['route_reuse_share', (p) => p.reuse, 'share'],
  ['route_cost_ratio_mean', (p) => p.costRatio, 'chosen/cheapest'],
  ['route_cost_ratio_max', (p) => p.costRatioMax, 'chosen/cheapest'],
  ['route_latency_mean', (p) => p.latencyMs, 'ms'],
  ['route_latency_p95', (p) => p.latencyP95Ms, 'ms'],
  ['exits_per_node', (p) => p.exits, 'Nodes'],
  ['relays_per_node', (p) => p.relays, 'Nodes'],
  ['route_across_share', (p) => p.across, 'share'],
  ['hostile_touch_share', (p) => p.hostileTouch, 'share'],
];

/** Route success, length and choice over the script, what the script did, and heal times of its cuts. */
export function probeFigures(probes: readonly Probe[], laid: Laid): Figure[] {
  if (probes.length === 0) return [];
  return [
    ...PROBED.flatMap(([name, read, unit]) => overTime(name, probes, read, unit)),
    ...Object.entries(laid.tally).map(([k, v]) => ({ name: `script_${k}`, value: v, unit: 'events' })),
    ...laid.cuts.flatMap((c) => healFigures(probes, c)),
  ];
}

/** The hostile Nodes' place: how many, and how much of the victim's neighborhood they hold. */
export function hostileFigures(live: readonly Joined[], victim: Joined, collusion: Collusion): Figure[] {
  const db = victim.node.neighborhood.db;
  const half = db.halfNeighbors(victim.node.key);
  const full = db.fullNeighbors(victim.node.key);
  const share = (keys: readonly string[]): number => (keys.length === 0 ? NaN : keys.filter((k) => collusion.has(k)).length / keys.length);
  return [
    { name: 'hostile_nodes', value: live.filter((j) => collusion.has(j.node.key)).length, unit: 'Nodes' },
    { name: 'victim_neighbors', value: half.length, unit: 'Nodes' },
    { name: 'victim_hostile_neighbor_share', value: share(half), unit: 'share' },
    { name: 'victim_full_neighbors', value: full.length, unit: 'Nodes' },
    { name: 'victim_hostile_full_neighbor_share', value: share(full), unit: 'share' },
  ];
}

export const formatFigure = (f: Figure): string => `${f.name}=${Number.isInteger(f.value) ? f.value : f.value.toFixed(3)} ${f.unit}`;
