// The picture of make bench's comparison: the mesh, Tor, the minimal relay chain and the same chain doing the mesh's
// cipher work ('chain + crypto') on the figures issue 17 sets targets for, from one run.

import { barPanels } from '../scripts/sim/svg.js';
import type { ChainFigures } from './chain.js';
import type { MeshFigures } from './common.js';
import type { TorFigures } from './tor.js';

/** The targets of docs/PERFORMANCE.md (issue 17). */
export const SPEED_TARGETS = { bulkMBps: 100, cpuMsPerMB: 5, ttfbMs: 6 } as const;

export function speedChart(mesh: MeshFigures, chain: ChainFigures, guarded: ChainFigures, tor: TorFigures, date: string): string {
  const four = (m: number, t: number, pick: (c: ChainFigures) => number): { label: string; value: number }[] => [
    { label: 'the mesh', value: m },
    { label: 'Tor', value: t },
    { label: 'relay chain', value: pick(chain) },
    { label: 'chain + crypto', value: pick(guarded) },
  ];
  return barPanels(`make bench, ${date}: 3 hops on one 2-core machine (loopback)`, [
    { label: 'bulk download, MB/s (more is better)', bars: four(mesh.bulk, tor.bulkBytesPerSecond / 1e6, (c) => c.bulkThroughput), target: SPEED_TARGETS.bulkMBps },
    { label: 'CPU per MB, a relay, ms', bars: four(mesh.cpuRelay, tor.cpuMsPerMB.relay, (c) => c.cpuPerMbRelay), target: SPEED_TARGETS.cpuMsPerMB },
    { label: 'CPU per MB, the exit, ms', bars: four(mesh.cpuExit, tor.cpuMsPerMB.exit, (c) => c.cpuPerMbExit), target: SPEED_TARGETS.cpuMsPerMB },
    { label: 'first byte, new stream, ms', bars: four(mesh.ttfbMedian, tor.ttfbNewStreamMs.median, (c) => c.ttfbMedian), target: SPEED_TARGETS.ttfbMs },
  ]);
}
