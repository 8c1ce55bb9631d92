// One relayed circuit: (inPeer, inCircuit) → (outPeer, outCircuit). Cells go the circuit's one way with this hop's
// layer added or removed (the same XOR, so a relay cannot even tell an over-route from a back-route); DESTROY goes
// both ways.

import { AEAD_OVERHEAD, cellNonce, layerInPlace } from '../crypto/index.js';
import { describeError, type Logger } from '../system/index.js';
import { CELL_TYPE, DESTROY_REASON, type DestroyReason } from '../wire/index.js';
import type { CircuitOwner, FlowCell, OpenedCircuit, Switch } from './switch.js';

export interface RelayCounters {
  relaying: number;
  cells: number;
  bytes: number;
}

/**
 * Cells that may wait for the next hop's link: the originator sends its first data right behind the OPEN
 * (optimistic data), so a few can arrive while this hop still dials. More is a protocol error.
 */
const MAX_WAITING_CELLS = 16;

class RelayedCircuit implements CircuitOwner {
  private out: { peer: string; circuit: number } | undefined;
  /** Cells that came before the next hop's link; empty once connected. */
  private waiting: FlowCell[] = [];
  private done = false;
  private carried = 0;

  constructor(
    private readonly sw: Switch,
    private readonly inPeer: string,
    private readonly inCircuit: number,
    private readonly key: Buffer,
    private readonly counters: RelayCounters,
    private readonly charge: (bytes: number) => void,
  ) {}

  isDone(): boolean {
    return this.done;
  }

  connect(outPeer: string, circuit: number): void {
    this.out = { peer: outPeer, circuit };
    const waiting = this.waiting;
    this.waiting = [];
    for (const c of waiting) this.cell(this.inPeer, c);
  }

  cell(peer: string, cell: FlowCell): void {
    if (peer !== this.inPeer || cell.circuit !== this.inCircuit) return this.end(peer, cell.circuit, DESTROY_REASON.protocol, true);
    const out = this.out;
    if (!out) {
      if (this.waiting.length < MAX_WAITING_CELLS) return void this.waiting.push(cell);
      return this.end(peer, cell.circuit, DESTROY_REASON.protocol, true);
    }
    const nonce = cellNonce(cell.type, cell.seq);
    // The cell's body is a view of the link record just received, read by nothing else: the layer goes on in place.
    const forwarded: FlowCell = cell.type === CELL_TYPE.data
      ? { ...cell, circuit: out.circuit, payload: layerInPlace(this.key, nonce, cell.payload) }
      : { ...cell, circuit: out.circuit, body: layerInPlace(this.key, nonce, cell.body) };
    this.sw.send(out.peer, forwarded);
    const bytes = cell.type === CELL_TYPE.data ? cell.payload.length : cell.body.length;
    this.counters.cells++;
    this.counters.bytes += bytes;
    // Charged by the stream's plaintext, as the originator counts it: data cells without their seal.
    if (cell.type === CELL_TYPE.data) this.carried += bytes - AEAD_OVERHEAD;
    this.sw.backpressure.forwarded(this.inPeer, out.peer);
  }

  ended(peer: string, circuit: number, reason: DestroyReason): void {
    this.end(peer, circuit, reason, false);
  }

  /** Ends both sides; `tell` also DESTROYs the side the trouble came from (it is still bound). */
  end(peer: string, circuit: number, reason: DestroyReason, tell: boolean): void {
    if (this.done) return;
    this.done = true;
    this.counters.relaying--;
    this.charge(this.carried);
    const fromIn = peer === this.inPeer && circuit === this.inCircuit;
    if (tell) this.sw.destroy(peer, circuit, reason);
    if (fromIn) {
      if (this.out) this.sw.destroy(this.out.peer, this.out.circuit, reason);
    } else {
      this.sw.destroy(this.inPeer, this.inCircuit, reason);
    }
  }
}

/**
 * Relays an OPEN whose slot names a next hop: links to it, opens the next circuit, passes the OPEN on. `charge`
 * hears the bytes the circuit carried when it ends.
 */
export function relayOpen(sw: Switch, o: OpenedCircuit, counters: RelayCounters, log: Logger, charge: (bytes: number) => void): void {
  const keys = o.keys;
  const next = (o.record.next as Buffer).toString('hex');
  const relayed = new RelayedCircuit(sw, o.from, o.circuit, keys.layer, counters, charge);
  if (!sw.bind(o.from, o.circuit, relayed)) return sw.destroy(o.from, o.circuit, DESTROY_REASON.full);
  counters.relaying++;
  const body = layerInPlace(keys.layer, cellNonce(CELL_TYPE.open, 0n), o.body);
  sw.transport.ensure(next).then(
    () => {
      // The previous hop may have given up while we were dialing.
      if (relayed.isDone()) return;
      const circuit = sw.bindNew(next, relayed);
      if (circuit === undefined) return relayed.end(o.from, o.circuit, DESTROY_REASON.full, false);
      if (!sw.send(next, { type: CELL_TYPE.open, circuit, header: o.shifted, body })) {
        return relayed.end(next, circuit, DESTROY_REASON.unreachable, true);
      }
      // After the OPEN: cells that waited for it follow it.
      relayed.connect(next, circuit);
    },
    (e: unknown) => {
      log.debug(`Cannot relay to ${next.slice(0, 12)}: ${describeError(e)}`);
      relayed.end(next, 0, DESTROY_REASON.unreachable, false);
    },
  );
}
