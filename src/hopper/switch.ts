// The circuit table of one Node: decodes cell records from neighbors, hands OPENs to whoever handles them, and
// delivers later cells to the owner of their circuit (a relay, or one end of a stream). Circuit ids are per link;
// the Node that sends OPEN picks the id, with the high bit telling which end of the link picked it, so a DESTROY
// names exactly one circuit whichever way it travels. Bounded: per link and in total; idle circuits expire.

import { randomInt } from 'node:crypto';
import { type HopKeys, hopPrivateKey, type HopRecord, type NodeIdentity, openHeader } from '../crypto/index.js';
import { type PeerTransport, RECORD_KINDS, type RecordKind } from '../mesh/index.js';
import { type Clock, describeError, type Logger, MasqError, SYSTEM_CLOCK } from '../system/index.js';
import { type Cell, CELL_TYPE, cellCodec, CIRCUIT_HIGH_BIT, DecodeError, DESTROY_REASON, type DestroyReason, encodeCellParts } from '../wire/index.js';
import { Backpressure } from './backpressure.js';

export type FlowCell = Extract<Cell, { type: typeof CELL_TYPE.data | typeof CELL_TYPE.window | typeof CELL_TYPE.answer }>;

/** Whoever a circuit's cells are for. */
export interface CircuitOwner {
  /** A DATA or WINDOW cell came from `peer` on one of this owner's circuits. */
  cell(peer: string, cell: FlowCell): void;
  /** One of this owner's circuits ended (DESTROY from `peer`, its link went down, it idled out); it is unbound. */
  ended(peer: string, circuit: number, reason: DestroyReason): void;
}

/** An OPEN whose slot this Node opened. */
export interface OpenedCircuit {
  from: string;
  circuit: number;
  record: HopRecord;
  keys: HopKeys;
  /** The header for the next hop. */
  shifted: Buffer;
  body: Buffer;
}

export interface SwitchLimits {
  maxCircuits: number;
  maxPerPeer: number;
  idleMs: number;
}

export const DEFAULT_LIMITS: SwitchLimits = { maxCircuits: 8192, maxPerPeer: 4096, idleMs: 120_000 };

interface Entry {
  owner: CircuitOwner;
  lastActive: number;
}

const ID_TRIES = 16;

function keyOf(peer: string, circuit: number): string {
  return `${peer}/${circuit}`;
}

export class Switch {
  private readonly entries = new Map<string, Entry>();
  private readonly byPeer = new Map<string, Set<number>>();
  private readonly ownKey;
  private readonly ownHex: string;
  private readonly sweeper: NodeJS.Timeout;
  readonly backpressure: Backpressure;
  private readonly onRecord = (peer: string, kind: RecordKind, body: Buffer): void => {
    if (kind === RECORD_KINDS.cell) this.receive(peer, body);
  };
  private readonly onDown = (peer: string): void => this.lose(peer);

  constructor(
    identity: NodeIdentity,
    readonly transport: PeerTransport,
    private readonly handleOpen: (o: OpenedCircuit) => void,
    private readonly penalize: (peer: string, reason: string) => void,
    private readonly log: Logger,
    private readonly limits: SwitchLimits = DEFAULT_LIMITS,
    /** Decides which circuits have idled out. */
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    this.ownKey = hopPrivateKey(identity.encryptionPrivate);
    this.ownHex = identity.publicKey.toString('hex');
    this.backpressure = new Backpressure(transport);
    transport.on('record', this.onRecord);
    transport.on('down', this.onDown);
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.floor(limits.idleMs / 4)));
    this.sweeper.unref();
  }

  /** The high bit this Node sets on ids it picks on the link to `peer`. */
  private ownBit(peer: string): number {
    return this.ownHex < peer ? CIRCUIT_HIGH_BIT : 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Binds a circuit to its owner; false when the table or the link's share of it is full. */
  bind(peer: string, circuit: number, owner: CircuitOwner): boolean {
    const ids = this.byPeer.get(peer) ?? new Set<number>();
    if (this.entries.size >= this.limits.maxCircuits || ids.size >= this.limits.maxPerPeer) return false;
    if (ids.has(circuit)) return false;
    ids.add(circuit);
    this.byPeer.set(peer, ids);
    this.entries.set(keyOf(peer, circuit), { owner, lastActive: this.clock.now() });
    return true;
  }

  /** Picks an unused id for a circuit this Node opens to `peer` and binds it; undefined when full. */
  bindNew(peer: string, owner: CircuitOwner): number | undefined {
    const bit = this.ownBit(peer);
    for (let i = 0; i < ID_TRIES; i++) {
      const id = (bit | randomInt(0, CIRCUIT_HIGH_BIT)) >>> 0;
      if (this.byPeer.get(peer)?.has(id)) continue;
      return this.bind(peer, id, owner) ? id : undefined;
    }
    return undefined;
  }

  unbind(peer: string, circuit: number): void {
    if (!this.entries.delete(keyOf(peer, circuit))) return;
    const ids = this.byPeer.get(peer);
    ids?.delete(circuit);
    if (ids?.size === 0) this.byPeer.delete(peer);
  }

  /** Sends a cell; false when the peer has no link. */
  send(peer: string, cell: Cell): boolean {
    if (cell.type !== CELL_TYPE.destroy && cell.type !== CELL_TYPE.open) this.touch(peer, cell.circuit);
    return this.transport.send(peer, RECORD_KINDS.cell, encodeCellParts(cell));
  }

  /** Unbinds a circuit and tells its peer. */
  destroy(peer: string, circuit: number, reason: DestroyReason): void {
    this.unbind(peer, circuit);
    this.transport.send(peer, RECORD_KINDS.cell, encodeCellParts({ type: CELL_TYPE.destroy, circuit, reason }));
  }

  private touch(peer: string, circuit: number): Entry | undefined {
    const e = this.entries.get(keyOf(peer, circuit));
    if (e) e.lastActive = this.clock.now();
    return e;
  }

  private receive(peer: string, record: Buffer): void {
    let cell: Cell;
    try {
      cell = cellCodec.decode(record);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.penalize(peer, `undecodable cell: ${e.message}`);
      // The circuit id comes before anything that can fail to parse except a truncated record.
      if (record.length >= 5) this.fail(peer, record.readUInt32BE(1), DESTROY_REASON.protocol);
      return;
    }
    switch (cell.type) {
      case CELL_TYPE.open:
        return this.receiveOpen(peer, cell);
      case CELL_TYPE.destroy: {
        const e = this.entries.get(keyOf(peer, cell.circuit));
        if (!e) return;
        this.unbind(peer, cell.circuit);
        return e.owner.ended(peer, cell.circuit, cell.reason);
      }
      default: {
        const e = this.touch(peer, cell.circuit);
        // A cell for a circuit just destroyed is an ordinary race, not misbehaviour.
        if (!e) return this.log.trace(`Dropped a cell for unknown circuit ${cell.circuit} from ${peer.slice(0, 12)}`);
        return this.deliver(e.owner, peer, cell);
      }
    }
  }

  private deliver(owner: CircuitOwner, peer: string, cell: FlowCell): void {
    try {
      owner.cell(peer, cell);
    } catch (e) {
      if (!(e instanceof MasqError)) throw e;
      this.log.debug(`Circuit ${cell.circuit} from ${peer.slice(0, 12)} failed: ${describeError(e)}`);
      this.fail(peer, cell.circuit, DESTROY_REASON.protocol);
    }
  }

  /** Ends a circuit with a DESTROY to its peer and tells its owner. */
  fail(peer: string, circuit: number, reason: DestroyReason): void {
    const e = this.entries.get(keyOf(peer, circuit));
    this.destroy(peer, circuit, reason);
    e?.owner.ended(peer, circuit, reason);
  }

  private receiveOpen(peer: string, cell: Extract<Cell, { type: typeof CELL_TYPE.open }>): void {
    const theirBit = this.ownBit(peer) === 0 ? CIRCUIT_HIGH_BIT : 0;
    if ((cell.circuit & CIRCUIT_HIGH_BIT) >>> 0 !== theirBit || this.entries.has(keyOf(peer, cell.circuit))) {
      this.penalize(peer, `OPEN on circuit ${cell.circuit}, which it may not pick`);
      return this.fail(peer, cell.circuit, DESTROY_REASON.protocol);
    }
    let opened;
    try {
      opened = openHeader(cell.header, this.ownKey);
    } catch (e) {
      if (!(e instanceof MasqError)) throw e;
      this.log.debug(`Refused an OPEN from ${peer.slice(0, 12)}: ${e.message}`);
      return this.fail(peer, cell.circuit, DESTROY_REASON.protocol);
    }
    this.handleOpen({ from: peer, circuit: cell.circuit, ...opened, body: cell.body });
  }

  private lose(peer: string): void {
    this.backpressure.forget(peer);
    for (const circuit of [...(this.byPeer.get(peer) ?? [])]) {
      const e = this.entries.get(keyOf(peer, circuit));
      this.unbind(peer, circuit);
      e?.owner.ended(peer, circuit, DESTROY_REASON.linkLost);
    }
  }

  private sweep(): void {
    const cutoff = this.clock.now() - this.limits.idleMs;
    const idle = [...this.entries].filter(([, e]) => e.lastActive < cutoff).map(([k]) => k);
    for (const k of idle) {
      const at = k.lastIndexOf('/');
      const peer = k.slice(0, at);
      const circuit = Number(k.slice(at + 1));
      // An owner ending one circuit may already have ended the other.
      if (this.entries.has(k)) this.fail(peer, circuit, DESTROY_REASON.timeout);
    }
  }

  /** DESTROYs every circuit, stops listening and clears the sweeper. */
  close(): void {
    clearInterval(this.sweeper);
    this.transport.off('record', this.onRecord);
    this.transport.off('down', this.onDown);
    for (const k of [...this.entries.keys()]) {
      const at = k.lastIndexOf('/');
      if (this.entries.has(k)) this.fail(k.slice(0, at), Number(k.slice(at + 1)), DESTROY_REASON.normal);
    }
    this.backpressure.close();
  }
}
