// Whom a full Node passes a debutant to (docs/MESH.md, 'Joining'). Pure: reads the database, draws from `random`.
//
// MASQ passes to its least-connected neighbor. Where every neighbor is full too, that choice is the same for every
// debutant, and two full Nodes pass it to each other until the debutant sees the loop and stops: a mesh grown
// around a few introducers leaves most joining Nodes without a neighbor, while Nodes with room are a few hops away.
// Our database holds the records within max(3, min-hops) hops of us, so it knows who has room among our neighbors'
// neighbors and theirs: the Pass goes toward the nearest of them. Where none is in sight, or several are as near,
// the choice is random, so walks through a full core spread out instead of taking one path.

import type { NeighborhoodDatabase } from './database.js';

/**
 * How far beyond a neighbor we look for room: our records reach three hops (the patch), so a neighbor's neighbors'
 * neighbors are the last whose neighbor lists, and so their room, we know.
 */
export const ROOM_LOOKAHEAD = 2;

export interface PassChoice {
  db: NeighborhoodDatabase;
  /** Our neighbors the debutant may be passed to (they accept connections at an address we know). */
  candidates: readonly string[];
  /** Nodes a Pass may not lead through or to: us, the debutant and the Nodes it lists. */
  avoid: ReadonlySet<string>;
  /** Whether a Node would take the debutant itself rather than pass it on. */
  hasRoom(key: string): boolean;
  /** Whether a Node can be passed to by its neighbors: it accepts connections. */
  passable(key: string): boolean;
  random(): number;
}

/** Hops from `from` to the nearest Node with room, through passable Nodes, up to ROOM_LOOKAHEAD; else Infinity. */
export function roomDistance(c: Omit<PassChoice, 'candidates' | 'random'>, from: string): number {
  const seen = new Set([from]);
  let frontier = [from];
  // Bounded by the lookahead; each level holds at most the Nodes we know.
  for (let hops = 0; hops <= ROOM_LOOKAHEAD && frontier.length > 0; hops++) {
    if (frontier.some((k) => c.hasRoom(k))) return hops;
    const next: string[] = [];
    for (const k of frontier) for (const n of c.db.halfNeighbors(k)) {
      if (seen.has(n) || c.avoid.has(n) || !c.passable(n)) continue;
      seen.add(n);
      next.push(n);
    }
    frontier = next;
  }
  return Infinity;
}

/** The candidate nearest to room, the least connected among equally near; among equals at random. */
export function passTarget(c: PassChoice): string | undefined {
  const scored = c.candidates.map((k) => ({ k, distance: roomDistance(c, k), degree: c.db.halfNeighbors(k).length }));
  const best = scored.reduce<typeof scored>((acc, s) => {
    const top = acc[0];
    if (!top || s.distance < top.distance || (s.distance === top.distance && s.degree < top.degree)) return [s];
    return s.distance === top.distance && s.degree === top.degree ? [...acc, s] : acc;
  }, []);
  return best[Math.min(best.length - 1, Math.floor(c.random() * best.length))]?.k;
}
