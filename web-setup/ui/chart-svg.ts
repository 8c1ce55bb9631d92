// The earnings chart: earned and owed over time as two lines, scaled by core/chart.ts, with the y axis in MASQ
// amounts and the time span under it.

import type { EarningsSample } from '../../src/setup/api.js';
import { chartOf } from '../core/chart.js';
import { clock, shortGwei } from '../core/format.js';
import { s } from './dom.js';

// About the size it is shown at on a phone, so its text stays readable.
const BOX = { width: 380, height: 200, left: 62, right: 8, top: 10, bottom: 26 };

export function chartSvg(history: readonly EarningsSample[]): SVGSVGElement {
  const c = chartOf(history, BOX);
  const right = BOX.width - BOX.right;
  const ticks = c.yTicks.map((t) => s('g', { class: 'tick' },
    s('line', { x1: BOX.left, x2: right, y1: t.y.toFixed(1), y2: t.y.toFixed(1) }),
    s('text', { x: BOX.left - 6, y: (t.y + 4).toFixed(1), 'text-anchor': 'end' }, shortGwei(t.value))));
  const base = BOX.height - 8;
  const times = c.from !== undefined && c.to !== undefined
    ? [s('text', { x: BOX.left, y: base }, clock(c.from)), s('text', { x: right, y: base, 'text-anchor': 'end' }, clock(c.to))]
    : [s('text', { x: (BOX.left + right) / 2, y: BOX.height / 2, 'text-anchor': 'middle' }, 'No history yet')];
  return s('svg', { class: 'chart', viewBox: `0 0 ${BOX.width} ${BOX.height}`, role: 'img', 'aria-label': 'Earned and owed over time' },
    ...ticks, ...times,
    c.earned && s('path', { d: c.earned, class: 'line earned' }),
    c.owed && s('path', { d: c.owed, class: 'line owed' }));
}
