import assert from 'node:assert/strict';
import { test } from 'node:test';
import { growthFigures } from '../../scripts/sim/measure.js';
import { scaleChart } from '../../scripts/sim/svg.js';

test('growth figures: the first sample with 90, 95 and 99 % routed, and the Gossip per Node spent until then; none for a share never reached', () => {
  const curve = [{ s: 1, share: 0.5, bytes: 100 }, { s: 2, share: 0.96, bytes: 400 }, { s: 3, share: 1, bytes: 900 }];
  assert.deepEqual(growthFigures(curve, 4).map((f) => [f.name, f.value]), [
    ['routes_90_at', 2], ['gossip_bytes_per_node_until_90', 100], ['routes_95_at', 2], ['gossip_bytes_per_node_until_95', 100],
    ['routes_99_at', 3], ['gossip_bytes_per_node_until_99', 225],
  ]);
  assert.deepEqual(growthFigures([{ s: 1, share: 0.93, bytes: 8 }], 4).map((f) => f.name), ['routes_90_at', 'gossip_bytes_per_node_until_90']);
});

test('the chart over N draws a point per measured value and skips the ones a run did not measure', () => {
  const svg = scaleChart('t', [100, 1000, 10000], [{ label: 'a', values: [1, 2, 3] }, { label: 'b', values: [5, Number.NaN, 7] }]);
  assert.equal(svg.match(/<circle /g)?.length, 5);
  assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'));
  assert.ok(!svg.includes('NaN'));
});
