// What a run measured, as `name=value unit` figures: the same lines a bench prints.

import { reachableExits } from '../../src/neighborhood/routes.js';
import type { SimNetwork } from './network.js';
import type { SimNode } from './node.js';

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

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

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

export const formatFigure = (f: Figure): string => `${f.name}=${Number.isInteger(f.value) ? f.value : f.value.toFixed(3)} ${f.unit}`;
