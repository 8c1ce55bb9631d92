// Hop-by-hop backpressure for relayed cells: while the link we forward to is congested, stop reading the links that
// feed it; resume each one when none of the links it feeds is congested any more.

import type { PeerTransport } from '../mesh/index.js';

export class Backpressure {
  /** In-peer → the congested out-peers it waits for. Bounded by the number of linked peers. */
  private readonly held = new Map<string, Set<string>>();
  /** Out-peers whose drain we already wait for. */
  private readonly waiting = new Set<string>();
  private closed = false;

  constructor(private readonly transport: PeerTransport) {}

  /** Call after forwarding a cell from `inPeer` to `outPeer`. */
  forwarded(inPeer: string, outPeer: string): void {
    if (this.closed || inPeer === outPeer || !this.transport.congested(outPeer)) return;
    let outs = this.held.get(inPeer);
    if (!outs) {
      outs = new Set();
      this.held.set(inPeer, outs);
      this.transport.pause(inPeer);
    }
    outs.add(outPeer);
    if (this.waiting.has(outPeer)) return;
    this.waiting.add(outPeer);
    void this.transport.drained(outPeer).then(() => this.release(outPeer));
  }

  private release(outPeer: string): void {
    this.waiting.delete(outPeer);
    for (const [inPeer, outs] of this.held) {
      if (!outs.delete(outPeer) || outs.size > 0) continue;
      this.held.delete(inPeer);
      if (!this.closed) this.transport.resume(inPeer);
    }
  }

  /** A peer went away: it neither waits nor is waited for. */
  forget(peer: string): void {
    this.held.delete(peer);
    this.release(peer);
  }

  close(): void {
    for (const inPeer of this.held.keys()) this.transport.resume(inPeer);
    this.held.clear();
    this.closed = true;
  }
}
