import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChainFigures } from '../../bench/chain.js';
import { SPEED_TARGETS, speedChart } from '../../bench/speed-chart.js';
import type { TorFigures } from '../../bench/tor.js';
import { barPanels } from '../../scripts/sim/svg.js';

test('bars: one per system and figure, sized against the panel\'s largest value or target, with its value written', () => {
  const svg = barPanels('t <&>', [
    { label: 'a', bars: [{ label: 'x', value: 50 }, { label: 'y', value: 200 }], target: 100 },
    { label: 'b', bars: [{ label: 'x', value: Number.NaN }, { label: 'y', value: 2.5 }] },
  ]);
  assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'));
  assert.ok(svg.includes('t &lt;&amp;&gt;'), 'text is escaped');
  const widths = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(widths.length, 4);
  assert.ok(Math.abs((widths[1] as number) / (widths[0] as number) - 4) < 0.01, '200 is four times as long as 50');
  assert.equal(widths[2], 0, 'a figure not measured has no bar');
  assert.match(svg, />n\/a</);
  assert.match(svg, />200</);
  assert.match(svg, />2\.5</);
  assert.equal(svg.match(/stroke-dasharray/g)?.length, 1, 'one target line, where a target is given');
  assert.ok(!svg.includes('NaN'));
});

test('the speed chart shows the mesh, Tor, the chain and the chain with the mesh\'s crypto on the four figures with targets', () => {
  const chain = { bulkThroughput: 150, cpuPerMbRelay: 3.3, cpuPerMbExit: 2.4, ttfbMedian: 2.2 } as ChainFigures;
  const guarded = { bulkThroughput: 110, cpuPerMbRelay: 3.9, cpuPerMbExit: 3.1, ttfbMedian: 2.7 } as ChainFigures;
  const tor = { bulkBytesPerSecond: 9e6, cpuMsPerMB: { relay: 6.5, exit: 6.8 }, ttfbNewStreamMs: { median: 16, p95: 50 } } as TorFigures;
  const svg = speedChart({ bulk: 80, cpuRelay: 4.7, cpuExit: 5.1, ttfbMedian: 6.4, ttfbP95: 10 }, chain, guarded, tor, '2026-12-06');
  for (const v of ['80', '4.7', '5.1', '6.4', '9.0', '6.5', '6.8', '16', '150', '3.3', '2.4', '2.2', '110', '3.9', '3.1', '2.7']) assert.match(svg, new RegExp(`>${v.replace('.', '\\.')}<`), v);
  assert.equal(svg.match(/stroke-dasharray/g)?.length, 4);
  assert.match(svg, new RegExp(`target ${SPEED_TARGETS.bulkMBps}`));
  assert.match(svg, /2026-12-06/);
  assert.equal(svg.match(/>chain \+ crypto</g)?.length, 4, 'the protected chain has a bar in each panel');
});
