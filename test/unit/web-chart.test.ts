// The earnings chart's scaling and the page's number formats (sizes, durations, countdowns, MASQ amounts, the
// Node's configuration keys as words).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { EarningsSample } from '../../src/setup/api.js';
import { chartOf, MAX_SAMPLES, niceCeil } from '../../web-setup/core/chart.js';
import { bytes, countdown, duration, keyWords, masq, shortGwei } from '../../web-setup/core/format.js';

const BOX = { width: 400, height: 200, left: 50, right: 10, top: 10, bottom: 30 };
const sample = (at: number, earnedGwei: number, owedGwei: number): EarningsSample => ({ at, earnedGwei, owedGwei, paidGwei: 0, receivedGwei: 0 });
const points = (d: string): Array<[number, number]> => d.slice(1).split('L').map((p) => p.split(',').map(Number) as [number, number]);

test('the y axis rounds up so that its quarters are readable', () => {
  assert.deepEqual([0, -5, NaN, 0.3, 1, 3, 7, 10, 11, 4500, 6e6].map(niceCeil), [1, 1, 1, 0.4, 1, 4, 8, 10, 20, 6000, 6e6]);
});

test('earned and owed lines span the plot: time left to right, amounts bottom to top', () => {
  const c = chartOf([sample(3000, 50, 10), sample(1000, 0, 0), sample(2000, 30, 40)], BOX);
  assert.equal(c.yMax, 60);
  assert.deepEqual(c.yTicks.map((t) => t.value), [0, 15, 30, 45, 60]);
  assert.equal(c.yTicks[0]?.y, 170);
  assert.equal(c.yTicks[4]?.y, 10);
  const earned = points(c.earned);
  assert.deepEqual(earned.map(([x]) => x), [50, 220, 390], 'sorted by time, first at the left edge, last at the right');
  assert.deepEqual(earned.map(([, y]) => Math.round(y)), [170, 90, 37]);
  assert.equal(points(c.owed)[1]?.[1], Number((170 - (40 / 60) * 160).toFixed(1)));
  assert.deepEqual([c.from, c.to], [1000, 3000]);
});

test('no history draws nothing; one sample is a flat line; nonsense values sit on the axis', () => {
  const none = chartOf([], BOX);
  assert.equal(none.earned, '');
  assert.equal(none.yMax, 1);
  const one = points(chartOf([sample(5, 10, 0)], BOX).earned);
  assert.deepEqual(one, [[50, 10], [390, 10]]);
  const bad = chartOf([sample(1, NaN, -5), sample(2, Infinity, 3)], BOX);
  assert.equal(bad.yMax, 4);
  assert.ok(points(bad.earned).every(([, y]) => y === 170));
});

test('fuzz: any history stays inside the box and keeps at most the newest samples', () => {
  const num = fc.oneof(fc.double(), fc.integer({ min: 0, max: 1e12 }));
  fc.assert(fc.property(fc.array(fc.record({ at: fc.integer({ min: 0, max: 1e13 }), earnedGwei: num, owedGwei: num, paidGwei: num, receivedGwei: num }), { maxLength: 50 }), (h) => {
    const c = chartOf(h, BOX);
    for (const d of [c.earned, c.owed]) {
      if (d === '') continue;
      for (const [x, y] of points(d)) assert.ok(x >= 50 && x <= 390 && y >= 10 && y <= 170, `${x},${y}`);
    }
  }), { seed: 42, numRuns: 300 });
  const long = Array.from({ length: MAX_SAMPLES + 100 }, (_, i) => sample(i, i, 0));
  const c = chartOf(long, BOX);
  assert.equal(points(c.earned).length, MAX_SAMPLES);
  assert.equal(c.from, 100);
});

test('numbers read as words and units', () => {
  assert.deepEqual([0, 999, 1500, 2.7e9, 31.9e9, -1].map(bytes), ['0 bytes', '999 bytes', '1.5 KB', '2.7 GB', '32 GB', '?']);
  assert.deepEqual([40, 420, 3 * 3600 + 120, 86_400 * 3 + 5 * 3600, 86_400].map(duration), ['40 s', '7 min', '3 h 2 min', '3 days 5 h', '1 day 0 h']);
  assert.deepEqual([299.2, 90, 0, -3, 5].map(countdown), ['5:00', '1:30', '0:00', '0:00', '0:05']);
  assert.equal(masq(56_401_000), '0.056401 MASQ');
  assert.equal(masq(1_500_000_000_000), '1,500 MASQ');
  assert.equal(masq(5), '0.000000005 MASQ');
  assert.deepEqual([0, 1500, 2.5e6, 3e9].map(shortGwei), ['0 gwei', '1.5k gwei', '2.5M gwei', '3 MASQ']);
  assert.equal(keyWords('blockchainServiceUrlOpt'), 'Blockchain service URL');
  assert.equal(keyWords('earningWalletAddressOpt'), 'Earning wallet address');
  assert.equal(keyWords('ip'), 'IP');
});
