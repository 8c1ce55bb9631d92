// A joining Node's walk (docs/MESH.md, 'Joining'): the Debuts it sent and awaits an answer to, and the walk each
// belongs to. A Pass that answers our own Debut goes on with the walk; one back to where the walk has been makes us
// ask the passer again (a full Node picks among equally good neighbors at random, so the next answer may lead on);
// the walk ends after MAX_WALK_HOPS steps. MASQ ends it at the first Node passed to twice within a minute, which in
// a mesh grown around a few introducers is most walks, long before they reach a Node with room.

/**
 * Passes one walk follows (asking a Node again counts as one). A full Node sees room up to three hops away and passes
 * toward it; where the mesh grew around a few introducers, the full core between them and the nearest room is a dozen
 * hops across in the 100-Node simulation, and each step that led back and is asked again costs one (docs/SIMULATION.md).
 */
export const MAX_WALK_HOPS = 32;
/** An answer later than this is no answer to our Debut (MASQ's pass-loop window). */
export const ANSWER_WINDOW_MS = 60_000;
/** Debuts awaited at once; beyond it the oldest is forgotten (a walk's next step is one Debut). */
export const MAX_AWAITED = 64;

/** A walk so far: the Passes it followed and the IPs it Debuted to (at most MAX_WALK_HOPS + 1). */
export interface Walk {
  hops: number;
  visited: readonly string[];
}

/** A walk's first Debut, to `ip`. */
export const startWalk = (ip: string): Walk => ({ hops: 0, visited: [ip] });

export class AwaitedDebuts {
  private readonly awaited = new Map<string, { walk: Walk; at: number }>();

  /** We sent our Debut to `peer` on `walk`; two walks there count as the longer. */
  sent(peer: string, walk: Walk, now: number): void {
    const before = this.awaited.get(peer)?.walk;
    this.awaited.delete(peer);
    if (this.awaited.size >= MAX_AWAITED) this.awaited.delete(this.awaited.keys().next().value as string);
    this.awaited.set(peer, { walk: before && before.hops > walk.hops ? before : walk, at: now });
  }

  /** Gossip from `peer` answers the Debut we sent it, if any: the walk it belongs to. Asked once per Debut. */
  answered(peer: string, now: number): Walk | undefined {
    const a = this.awaited.get(peer);
    this.awaited.delete(peer);
    return a !== undefined && now - a.at < ANSWER_WINDOW_MS ? a.walk : undefined;
  }

  /** The link to `peer` went down: no answer will come on it. */
  forget(peer: string): void {
    this.awaited.delete(peer);
  }
}
