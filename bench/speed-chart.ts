// The picture of make bench's comparison: the mesh, Tor and the minimal relay chain on the figures issue 17 sets
// targets for, from one run.

import { barPanels } from '../scripts/sim/svg.js';
import type { ChainFigures } from './chain.js';
import type { MeshFigures } from './common.js';
import type { TorFigures } from './tor.js';

/** The targets of docs/PERFORMANCE.md (issue 17). */
export const SPEED_TARGETS = { bulkMBps: 100, cpuMsPerMB: 5, ttfbMs: 6 } as const;

export function speedChart(mesh: MeshFigures, chain: ChainFigures, tor: TorFigures, date: string): string {
  const three = (m: number, t: number, c: number): { label: string; value: number }[] => [
    { label: 'the mesh', value: m },
    { label: 'Tor', value: t },
    { label: 'relay chain', value: c },
  ];
  return barPanels(`make bench, ${date}: 3 hops on one 2-core machine (loopback)`, [
    { label: 'bulk download, MB/s (more is better)', bars: three(mesh.bulk, tor.bulkBytesPerSecond / 1e6, chain.bulkThroughput), target: SPEED_TARGETS.bulkMBps },
    { label: 'CPU per MB, a relay, ms', bars: three(mesh.cpuRelay, tor.cpuMsPerMB.relay, chain.cpuPerMbRelay), target: SPEED_TARGETS.cpuMsPerMB },
    { label: 'CPU per MB, the exit, ms', bars: three(mesh.cpuExit, tor.cpuMsPerMB.exit, chain.cpuPerMbExit), target: SPEED_TARGETS.cpuMsPerMB },
    { label: 'first byte, new stream, ms', bars: three(mesh.ttfbMedian, tor.ttfbNewStreamMs.median, chain.ttfbMedian), target: SPEED_TARGETS.ttfbMs },
  ]);
}
