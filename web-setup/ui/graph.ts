// The neighborhood as a picture: nodes placed by core/graph-layout.ts, directed edges as arrows that stop at the
// node's circle, each Node's country code inside its circle when it is known. Only this Node and its neighbors
// carry a label, set outward from the centre so that labels do not cover the middle; every node names itself (and
// its country) in a tooltip. Labels are text nodes, whatever a neighbor says.

import type { NeighborhoodPanel } from '../../src/setup/api.js';
import { countryName } from '../core/countries.js';
import { type Layout, layoutGraph, type PlacedNode } from '../core/graph-layout.js';
import { s } from './dom.js';

const SIZE = 400;
const R = 12;
const SELF_R = 17;
const LABEL_CHARS = 10;

const radius = (n: PlacedNode): number => (n.self ? SELF_R : R);

/** The point on the segment a→b at distance `by` before b: arrows end at the circle, not at its centre. */
function before(a: PlacedNode, b: PlacedNode, by: number): { x: number; y: number } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  return { x: b.x - (dx / len) * by, y: b.y - (dy / len) * by };
}

const short = (t: string): string => (t.length > LABEL_CHARS ? `${t.slice(0, LABEL_CHARS - 1)}…` : t);
function label(n: PlacedNode): SVGTextElement | null {
  if (n.ring === 0) return s('text', { x: n.x.toFixed(1), y: (n.y + SELF_R + 17).toFixed(1), 'text-anchor': 'middle', class: 'self-label' }, 'This Node');
  if (n.ring !== 1) return null;
  const dx = n.x - SIZE / 2;
  const dy = n.y - SIZE / 2;
  const len = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [dx / len, dy / len];
  const anchor = ux > 0.35 ? 'start' : ux < -0.35 ? 'end' : 'middle';
  const shift = uy > 0.35 ? '0.9em' : uy < -0.35 ? '-0.2em' : '0.35em';
  return s('text', { x: (n.x + ux * (R + 5)).toFixed(1), y: (n.y + uy * (R + 5)).toFixed(1), dy: shift, 'text-anchor': anchor }, short(n.label[0] ?? n.id));
}

export function graphSvg(graph: NeighborhoodPanel): { svg: SVGSVGElement; layout: Layout } {
  const layout = layoutGraph(graph, SIZE);
  const marker = s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
    s('path', { d: 'M0 0L10 5L0 10z', class: 'arrow-head' }));
  const edges = layout.edges.map((e) => {
    const start = before(e.to, e.from, radius(e.from));
    const end = before(e.from, e.to, radius(e.to) + 2);
    return s('line', { x1: start.x.toFixed(1), y1: start.y.toFixed(1), x2: end.x.toFixed(1), y2: end.y.toFixed(1), class: e.mutual ? 'edge mutual' : 'edge', 'marker-end': 'url(#arrow)' });
  });
  const nodes = layout.nodes.map((n) => s('g', { class: `node${n.self ? ' self' : ''}${n.routes ? ' routes' : ''}` },
    s('title', {}, [n.label.join(' ') || n.id, n.country ? `in ${countryName(n.country)}` : ''].join(' ').trim()),
    s('circle', { cx: n.x.toFixed(1), cy: n.y.toFixed(1), r: radius(n) }),
    n.country ? s('text', { x: n.x.toFixed(1), y: n.y.toFixed(1), dy: '0.35em', 'text-anchor': 'middle', class: 'country' }, n.country) : null,
    label(n)));
  const svg = s('svg', { class: 'graph', viewBox: `-55 -12 ${SIZE + 110} ${SIZE + 24}`, role: 'img', 'aria-label': `Neighborhood graph: ${layout.nodes.length} nodes, ${layout.edges.length} connections` },
    s('defs', {}, marker), ...edges, ...nodes);
  return { svg, layout };
}
