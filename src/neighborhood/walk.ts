// A joining Node's walk (docs/MESH.md, 'Joining'): the Debuts it sent and awaits an answer to, and how many Passes
// led to each. A Pass that answers our own Debut continues the walk even to a Node it met before (a full Node picks
// among equally good neighbors at random, so a second visit can lead elsewhere); the walk ends after MAX_WALK_HOPS
// Passes. MASQ ends it at the first Node passed to twice within a minute, which in a mesh grown around a few
// introducers is most walks, long before they reach a Node with room.

/**
 * Passes one walk follows. A full Node sees room up to three hops away and passes toward it; in the 100-Node
 * simulation the full core around the introducers is up to 9 hops across (docs/SIMULATION.md).
 */
export const MAX_WALK_HOPS = 16;
/** An answer later than this is no answer to our Debut (MASQ's pass-loop window). */
export const ANSWER_WINDOW_MS = 60_000;
/** Debuts awaited at once; beyond it the oldest is forgotten (a walk's next step is one Debut). */
export const MAX_AWAITED = 64;

export class AwaitedDebuts {
  private readonly awaited = new Map<string, { hops: number; at: number }>();

  /** We sent our Debut to `peer`, `hops` Passes into a walk; two walks there count as the longer. */
  sent(peer: string, hops: number, now: number): void {
    const before = this.awaited.get(peer);
    this.awaited.delete(peer);
    if (this.awaited.size >= MAX_AWAITED) this.awaited.delete(this.awaited.keys().next().value as string);
    this.awaited.set(peer, { hops: Math.max(hops, before?.hops ?? 0), at: now });
  }

  /** Gossip from `peer` answers the Debut we sent it, if any: the hops its walk took. Asked once per Debut. */
  answered(peer: string, now: number): number | undefined {
    const a = this.awaited.get(peer);
    this.awaited.delete(peer);
    return a !== undefined && now - a.at < ANSWER_WINDOW_MS ? a.hops : undefined;
  }

  /** The link to `peer` went down: no answer will come on it. */
  forget(peer: string): void {
    this.awaited.delete(peer);
  }
}
