// Tiny SVG charts: shares over time (one curve per series, y from 0 to 1, dashed lines at marked moments such as a
// cut and its heal), small multiples of figures over N, and bars comparing systems (make bench).

export interface Series {
  label: string;
  points: readonly { x: number; y: number }[];
}

const BOX = { width: 640, height: 360, left: 56, right: 16, top: 36, bottom: 44 };
const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df'];

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The opening of a chart: the svg element, a white ground and the title at (x, y). */
function start(width: number, height: number, title: string, x: number, y: number): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${x}" y="${y}" font-size="14">${esc(title)}</text>`,
  ];
}

export interface Mark {
  x: number;
  label: string;
}

export function shareChart(title: string, xLabel: string, series: readonly Series[], marks: readonly Mark[] = []): string {
  const xMax = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.x)));
  const w = BOX.width - BOX.left - BOX.right;
  const h = BOX.height - BOX.top - BOX.bottom;
  const x = (v: number): string => (BOX.left + (v / xMax) * w).toFixed(1);
  const y = (v: number): string => (BOX.top + (1 - v) * h).toFixed(1);
  const out = start(BOX.width, BOX.height, title, BOX.left, 20);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${BOX.left}" x2="${BOX.width - BOX.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${BOX.left - 6}" y="${(Number(y(t)) + 4).toFixed(1)}" text-anchor="end">${t * 100} %</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const v = (xMax * i) / 4;
    out.push(`<text x="${x(v)}" y="${BOX.height - BOX.bottom + 16}" text-anchor="middle">${Math.round(v)}</text>`);
  }
  out.push(`<text x="${BOX.left + w / 2}" y="${BOX.height - 8}" text-anchor="middle">${esc(xLabel)}</text>`);
  for (const m of marks) {
    out.push(`<line x1="${x(m.x)}" x2="${x(m.x)}" y1="${y(1)}" y2="${y(0)}" stroke="#888" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${(Number(x(m.x)) + 4).toFixed(1)}" y="${(Number(y(0)) - 6).toFixed(1)}" fill="#555">${esc(m.label)}</text>`);
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] as string;
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.x)},${y(p.y)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    // Bottom right, above the axis: the curves are shares that rise, so they are high there, seldom low.
    out.push(`<text x="${BOX.width - BOX.right - 4}" y="${BOX.height - BOX.bottom - 8 - 16 * (series.length - 1 - i)}" text-anchor="end" fill="${color}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One quantity of the chart over N: its title and each run's value (NaN where the run did not measure it). */
export interface Panel {
  label: string;
  values: readonly number[];
}

const PANEL = { width: 300, height: 240, left: 56, right: 24, top: 48, bottom: 40 };

/** Small multiples, one panel per quantity, each over N on a log axis: how a run scales with the network's size. */
export function scaleChart(title: string, nodes: readonly number[], panels: readonly Panel[]): string {
  const width = PANEL.width * panels.length;
  const w = PANEL.width - PANEL.left - PANEL.right;
  const h = PANEL.height - PANEL.top - PANEL.bottom;
  const lo = Math.log10(Math.min(...nodes));
  const span = Math.max(1, Math.log10(Math.max(...nodes)) - lo);
  const out = start(width, PANEL.height, title, PANEL.left, 18);
  panels.forEach((p, i) => {
    const x0 = i * PANEL.width + PANEL.left;
    const top = Math.max(...p.values.filter((v) => Number.isFinite(v)), 0) * 1.15 || 1;
    const x = (n: number): number => x0 + ((Math.log10(n) - lo) / span) * w;
    const y = (v: number): number => PANEL.top + (1 - v / top) * h;
    out.push(`<text x="${x0}" y="${PANEL.top - 12}" font-size="13">${esc(p.label)}</text>`);
    out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${y(0)}" y2="${y(0)}" stroke="#999"/>`);
    const points = nodes.map((n, j) => ({ n, v: p.values[j] ?? NaN })).filter((q) => Number.isFinite(q.v));
    if (points.length > 1) out.push(`<path d="${points.map((q, j) => `${j === 0 ? 'M' : 'L'}${x(q.n).toFixed(1)},${y(q.v).toFixed(1)}`).join(' ')}" fill="none" stroke="${COLORS[0]}" stroke-width="2"/>`);
    for (const q of points) {
      out.push(`<circle cx="${x(q.n).toFixed(1)}" cy="${y(q.v).toFixed(1)}" r="4" fill="${COLORS[0]}"/>`);
      out.push(`<text x="${x(q.n).toFixed(1)}" y="${(y(q.v) - 9).toFixed(1)}" text-anchor="middle">${esc(q.v >= 100 ? Math.round(q.v).toString() : q.v.toPrecision(2))}</text>`);
    }
    for (const n of nodes) out.push(`<text x="${x(n).toFixed(1)}" y="${PANEL.height - PANEL.bottom + 16}" text-anchor="middle">${n}</text>`);
    out.push(`<text x="${x0 + w / 2}" y="${PANEL.height - 8}" text-anchor="middle">Nodes (log scale)</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One figure compared across systems: a bar each, and the target as a dashed line. */
export interface BarPanel {
  label: string;
  bars: readonly { label: string; value: number }[];
  target?: number;
}

const BARS = { width: 320, height: 200, left: 92, right: 48, top: 52, bottom: 16, bar: 22, gap: 12 };

/** Small multiples of horizontal bars, one panel per figure, each scaled to its own largest value. */
export function barPanels(title: string, panels: readonly BarPanel[]): string {
  const width = BARS.width * panels.length;
  const w = BARS.width - BARS.left - BARS.right;
  const out = start(width, BARS.height, title, 8, 18);
  panels.forEach((p, i) => {
    const x0 = i * BARS.width + BARS.left;
    const top = Math.max(p.target ?? 0, ...p.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0))) * 1.05 || 1;
    const x = (v: number): number => x0 + (v / top) * w;
    out.push(`<text x="${i * BARS.width + 8}" y="${BARS.top - 14}" font-size="13">${esc(p.label)}</text>`);
    // The target first, so bars and their values are drawn over it.
    if (p.target !== undefined) {
      const bottom = BARS.top + p.bars.length * (BARS.bar + BARS.gap) - BARS.gap + 6;
      out.push(`<line x1="${x(p.target).toFixed(1)}" x2="${x(p.target).toFixed(1)}" y1="${BARS.top - 6}" y2="${bottom}" stroke="#333" stroke-dasharray="4 3"/>`);
      out.push(`<text x="${x(p.target).toFixed(1)}" y="${bottom + 14}" text-anchor="middle" fill="#333">target ${esc(String(p.target))}</text>`);
    }
    p.bars.forEach((b, j) => {
      const y = BARS.top + j * (BARS.bar + BARS.gap);
      const value = Number.isFinite(b.value) ? b.value : 0;
      out.push(`<text x="${x0 - 6}" y="${y + BARS.bar / 2 + 4}" text-anchor="end">${esc(b.label)}</text>`);
      out.push(`<rect x="${x0}" y="${y}" width="${(x(value) - x0).toFixed(1)}" height="${BARS.bar}" fill="${COLORS[j % COLORS.length]}"/>`);
      const text = Number.isFinite(b.value) ? (b.value >= 100 ? Math.round(b.value).toString() : b.value.toPrecision(2)) : 'n/a';
      // A white halo keeps the value legible where the target line passes behind it.
      out.push(`<text x="${(x(value) + 4).toFixed(1)}" y="${y + BARS.bar / 2 + 4}" stroke="white" stroke-width="4" paint-order="stroke">${esc(text)}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
