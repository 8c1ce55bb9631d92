// Where the neighborhood graph's nodes go: this Node in the centre, its neighbors on a ring around it, nodes two
// hops away on a ring outside that, everything further (or not connected to it) on the outermost ring. The same
// graph always gets the same picture: the neighbors' ring is ordered by id from the top, clockwise; an outer node
// sits at the angle of the node it is reached through (moved aside just enough to not overlap), so few edges cross.

import type { NeighborhoodPanel } from '../../src/setup/api.js';

/** More would not be readable on a phone; the rest is counted, not drawn. */
export const MAX_DRAWN = 60;
export const RINGS = 3;

export interface PlacedNode { id: string; label: string[]; self: boolean; routes: boolean; country?: string; ring: number; x: number; y: number }
export interface PlacedEdge { from: PlacedNode; to: PlacedNode; /** The other direction exists too. */ mutual: boolean }
export interface Layout { nodes: PlacedNode[]; edges: PlacedEdge[]; hidden: number }

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Hop counts from the self node over edges taken in either direction; unreachable nodes are absent. */
function distances(self: string | undefined, adjacent: Map<string, Set<string>>): Map<string, number> {
  const dist = new Map<string, number>();
  if (self === undefined) return dist;
  dist.set(self, 0);
  const queue = [self];
  for (let q = 0; q < queue.length; q++) {
    const at = queue[q] as string;
    for (const next of [...(adjacent.get(at) ?? [])].sort()) {
      if (!dist.has(next)) {
        dist.set(next, (dist.get(at) ?? 0) + 1);
        queue.push(next);
      }
    }
  }
  return dist;
}

/**
 * Angles as close to the wished ones (sorted, Infinity for "anywhere") as a minimum gap allows; when the ring is too
 * full for that, evenly spaced from the first wish.
 */
function spread(wishes: readonly number[]): number[] {
  const n = wishes.length;
  const gap = Math.min((2 * Math.PI) / Math.max(n, 1), 0.45);
  const out: number[] = [];
  for (const w of wishes) {
    const prev = out.at(-1);
    out.push(prev === undefined ? (Number.isFinite(w) ? w : 0) : Math.max(Number.isFinite(w) ? w : -Infinity, prev + gap));
  }
  const first = out[0] ?? 0;
  if (n > 1 && (out.at(-1) ?? 0) - first > 2 * Math.PI - gap) return out.map((_, i) => first + (2 * Math.PI * i) / n);
  return out;
}

/** Positions in a square of side `size`, centred on size/2. */
export function layoutGraph(graph: NeighborhoodPanel, size: number): Layout {
  const unique = new Map(graph.nodes.map((n) => [n.id, n]));
  const all = [...unique.values()].sort(byId);
  const selfNode = all.find((n) => n.self);
  const adjacent = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    if (!adjacent.has(a)) adjacent.set(a, new Set());
    adjacent.get(a)?.add(b);
  };
  for (const e of graph.edges) if (unique.has(e.from) && unique.has(e.to) && e.from !== e.to) { link(e.from, e.to); link(e.to, e.from); }
  const dist = distances(selfNode?.id, adjacent);
  const ringOf = (id: string): number => Math.min(dist.get(id) ?? RINGS, RINGS);
  // Nearest rings first, so a large graph loses its far nodes, not its neighbors.
  const drawn = [...all].sort((a, b) => ringOf(a.id) - ringOf(b.id) || byId(a, b)).slice(0, MAX_DRAWN);
  const placed = new Map<string, PlacedNode>();
  const c = size / 2;
  const usedRings = Math.max(1, ...drawn.map((n) => ringOf(n.id)));
  /** Clockwise from the top, in radians. */
  const angleOf = new Map<string, number>();
  for (let ring = 0; ring <= RINGS; ring++) {
    const members = drawn.filter((n) => ringOf(n.id) === ring);
    let angles: number[];
    if (ring <= 1) {
      angles = members.map((_, i) => (2 * Math.PI * i) / members.length);
    } else {
      // An outer node wants the smallest angle among the inner nodes it touches; one touching none goes last.
      const wish = (id: string): number => Math.min(Infinity, ...[...(adjacent.get(id) ?? [])].map((p) => angleOf.get(p) ?? Infinity));
      members.sort((a, b) => wish(a.id) - wish(b.id) || byId(a, b));
      angles = spread(members.map((n) => wish(n.id)));
    }
    // The neighbors' ring stays well clear of the centre even when outer rings exist: their labels go between.
    const radius = ring === 0 ? 0 : c * 0.9 * (0.25 + (0.75 * ring) / usedRings);
    members.forEach((n, i) => {
      const a = angles[i] ?? 0;
      angleOf.set(n.id, a);
      placed.set(n.id, { ...n, ring, x: c + radius * Math.sin(a), y: c - radius * Math.cos(a) });
    });
  }
  const directed = new Set(graph.edges.map((e) => `${e.from}\u0000${e.to}`));
  const edges: PlacedEdge[] = [];
  const drawnEdge = new Set<string>();
  for (const e of graph.edges) {
    const from = placed.get(e.from);
    const to = placed.get(e.to);
    const key = `${e.from}\u0000${e.to}`;
    if (!from || !to || from === to || drawnEdge.has(key)) continue;
    drawnEdge.add(key);
    edges.push({ from, to, mutual: directed.has(`${e.to}\u0000${e.from}`) });
  }
  return { nodes: [...placed.values()], edges, hidden: all.length - drawn.length };
}
