// The earnings chart's geometry: earned and owed over EarningsPanel.history as two polylines in a box, with a
// y axis rounded up to a readable number and a few ticks. Pure, so the scaling is tested without a browser.

import type { EarningsSample } from '../../src/setup/api.js';

/** Samples beyond this many (the newest kept) add nothing a phone can show. */
export const MAX_SAMPLES = 720;

export interface Box { width: number; height: number; left: number; right: number; top: number; bottom: number }
export interface Chart {
  yMax: number;
  /** Tick values from 0 to yMax, with their y coordinates. */
  yTicks: Array<{ value: number; y: number }>;
  /** SVG path data, empty when there is nothing to draw. */
  earned: string;
  owed: string;
  from?: number;
  to?: number;
}

/** The smallest of 1, 2, 4, 6, 8 × 10^n that is at least v (1 for nothing). */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 4, 6, 8, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

const finite = (v: number): number => (Number.isFinite(v) && v > 0 ? v : 0);

export function chartOf(history: readonly EarningsSample[], box: Box): Chart {
  const samples = history.filter((s) => Number.isFinite(s.at)).slice().sort((a, b) => a.at - b.at).slice(-MAX_SAMPLES);
  const yMax = niceCeil(Math.max(0, ...samples.map((s) => Math.max(finite(s.earnedGwei), finite(s.owedGwei)))));
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const yOf = (v: number): number => box.top + plotH - (finite(v) / yMax) * plotH;
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ value: yMax * f, y: yOf(yMax * f) }));
  if (samples.length === 0) return { yMax, yTicks, earned: '', owed: '' };
  const from = (samples[0] as EarningsSample).at;
  const to = (samples[samples.length - 1] as EarningsSample).at;
  // One sample is a flat line across the plot rather than a dot nobody sees.
  const xOf = (at: number): number => box.left + (to > from ? ((at - from) / (to - from)) * plotW : 0);
  const path = (value: (s: EarningsSample) => number): string => {
    const pts = samples.map((s) => `${xOf(s.at).toFixed(1)},${yOf(value(s)).toFixed(1)}`);
    if (samples.length === 1) pts.push(`${(box.left + plotW).toFixed(1)},${yOf(value(samples[0] as EarningsSample)).toFixed(1)}`);
    return `M${pts.join('L')}`;
  };
  return { yMax, yTicks, earned: path((s) => s.earnedGwei), owed: path((s) => s.owedGwei), from, to };
}
