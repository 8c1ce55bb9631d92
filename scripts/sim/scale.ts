// How a run scales with N: what one virtual Node costs in memory and in Gossip traffic, each divided so that a Node
// whose work is bounded by its neighborhood shows the same value at any N (docs/SIMULATION.md).

import type { Figure, Joined } from './measure.js';
import type { SimNetwork } from './network.js';

/** The heap at one moment, after a full collection. */
export interface HeapMark {
  heapUsed: number;
  /** ArrayBuffers (every Buffer's bytes) live outside the JS heap. */
  arrayBuffers: number;
}

/**
 * The heap now, after a full collection; undefined unless node runs with --expose-gc: heapUsed with garbage in it
 * says how long ago the last collection ran, not what the Nodes hold. (Measured heaps also differ from run to run,
 * so a run without the flag keeps only figures that the seed decides.)
 */
export function heapMark(): HeapMark | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers };
}

/**
 * Per Node: the heap and Buffer bytes the run added since `before` (taken before the first Node was made), and the
 * Gossip bytes sent per minute a Node was in the mesh. The heap includes the simulator's share (pending events,
 * links, remembered signatures), which is per Node too; the Gossip rate divides by each Node's own time since it
 * joined, as a run with more Nodes lasts longer and its late joiners are in it only briefly.
 */
export function scaleFigures(joined: readonly Joined[], net: SimNetwork, elapsedMs: number, before: HeapMark | undefined): Figure[] {
  const n = joined.length;
  const nodeMinutes = joined.reduce((sum, j) => sum + Math.max(0, elapsedMs - j.at), 0) / 60_000;
  const bytes = joined.reduce((sum, j) => sum + net.bytesSent(j.node.key), 0);
  const rate: Figure = { name: 'gossip_bytes_per_node_minute', value: nodeMinutes > 0 ? bytes / nodeMinutes : NaN, unit: 'B' };
  const after = before && heapMark();
  if (!before || !after || n === 0) return [rate];
  return [
    rate,
    { name: 'heap_per_node', value: Math.round((after.heapUsed - before.heapUsed) / n), unit: 'B' },
    { name: 'buffers_per_node', value: Math.round((after.arrayBuffers - before.arrayBuffers) / n), unit: 'B' },
  ];
}
