// One end of a stream (originator or exit): it receives every cell on its in-circuit and sends on its out-circuit,
// seals end to end and adds or removes the relays' layers, numbers and checks cells, and keeps both windows.
// It knows nothing of sockets: the originator's Duplex and the exit's target socket drive it through events.

import { EventEmitter } from 'node:events';
import { cellNonce, layersInPlace, openBodyInPlace, sealBody } from '../crypto/index.js';
import type { CircuitOwner, FlowCell, Switch } from '../hopper/index.js';
import { MasqError } from '../system/index.js';
import { CELL_TYPE, DESTROY_REASON, type DestroyReason, MAX_CHUNK, OPEN_STATUS, openAnswerCodec, type OpenOutcome, type OpenStatus } from '../wire/index.js';
import { Incoming, Outgoing, ReceiveWindow, SendWindow } from './flow.js';

export interface Side {
  peer: string;
  circuit: number;
}

export interface EndKeys {
  /** Seals what this end sends (the exit's request or response key). */
  sendKey: Buffer;
  /** The relays' layers on the way out (empty at the exit: relays add theirs on the back-route). */
  sendLayers: Buffer[];
  recvKey: Buffer;
  recvLayers: Buffer[];
}

export interface StreamEndEvents {
  data: [Buffer];
  /** The other end will send no more. */
  end: [];
  /** Credit arrived or the link drained after write() took less than offered. */
  writable: [];
  /** Both directions ended. */
  finished: [];
  /** A circuit of the stream ended before the stream did (or after, for the DESTROY that tidies up). */
  closed: [DestroyReason];
  /** The exit's outcome, after a back-route OPEN that said `connecting`. */
  answer: [OpenOutcome];
}

export class StreamEnd extends EventEmitter<StreamEndEvents> implements CircuitOwner {
  private inSide: Side | undefined;
  private outSide: Side | undefined;
  private readonly dataOut = new Outgoing();
  private readonly windowOut = new Outgoing();
  private readonly dataIn = new Incoming();
  private readonly windowIn = new Incoming();
  private readonly sendWindow: SendWindow;
  private readonly receiveWindow: ReceiveWindow;
  private sentLast = false;
  private gotLast = false;
  private gotAnswer = false;
  private wantWritable = false;
  private waitingDrain = false;
  private closedWith: DestroyReason | undefined;

  constructor(private readonly sw: Switch, private readonly keys: EndKeys, sendWindow: number, receiveWindow: number) {
    super();
    this.sendWindow = new SendWindow(sendWindow);
    this.receiveWindow = new ReceiveWindow(receiveWindow);
  }

  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Binds the circuit this end receives on; false when the table is full. */
  bindIn(peer: string, circuit: number): boolean {
    this.inSide = { peer, circuit };
    return this.sw.bind(peer, circuit, this);
  }

  /** Opens a circuit to `peer` for what this end sends; its id, or undefined when the table is full. */
  bindOut(peer: string): number | undefined {
    const circuit = this.sw.bindNew(peer, this);
    if (circuit !== undefined) this.outSide = { peer, circuit };
    return circuit;
  }

  private sealFor(type: number, seq: bigint, plain: Buffer): Buffer {
    const nonce = cellNonce(type, seq);
    return layersInPlace(this.keys.sendLayers, nonce, sealBody(this.keys.sendKey, nonce, plain));
  }

  private openFrom(type: number, seq: bigint, body: Buffer): Buffer {
    const nonce = cellNonce(type, seq);
    // A received body is a view of its link record, read once: the layers come off and the seal opens in place.
    return openBodyInPlace(this.keys.recvKey, nonce, layersInPlace(this.keys.recvLayers, nonce, body));
  }

  /** The sealed OPEN body this end sends (seq 0 of OPEN cells). */
  openBody(plain: Buffer): Buffer {
    return this.sealFor(CELL_TYPE.open, 0n, plain);
  }

  /** Opens the OPEN body that came on the in-circuit. */
  readOpenBody(body: Buffer): Buffer {
    return this.openFrom(CELL_TYPE.open, 0n, body);
  }

  /** The exit's outcome, sent once after its OPEN said `connecting`. */
  answer(status: OpenOutcome): void {
    const out = this.outSide;
    if (!out || this.isClosed) return;
    this.sw.send(out.peer, { type: CELL_TYPE.answer, circuit: out.circuit, seq: 0n, body: this.sealFor(CELL_TYPE.answer, 0n, openAnswerCodec.encode(status)) });
  }

  private canSend(out: Side): boolean {
    if (!this.sw.transport.congested(out.peer)) return true;
    if (!this.waitingDrain) {
      this.waitingDrain = true;
      void this.sw.transport.drained(out.peer).then(() => {
        this.waitingDrain = false;
        this.signalWritable();
      });
    }
    return false;
  }

  private signalWritable(): void {
    if (!this.wantWritable || this.isClosed) return;
    this.wantWritable = false;
    this.emit('writable');
  }

  /** Payload bytes this end has sent and its consumer has taken: what the stream is charged by. */
  bytesSent = 0;
  bytesReceived = 0;

  /** Sends as much of `chunk` as the window and the link allow; returns how many bytes it took. */
  write(chunk: Buffer): number {
    const out = this.outSide;
    if (!out || this.sentLast || this.isClosed) throw new Error('write on a stream end that cannot send');
    let taken = 0;
    // A chunk larger than a cell is cut into equal cells (a 64 KiB read: two of 32 KiB, not a full one and a
    // sliver that costs as much to relay).
    const piece = Math.ceil(chunk.length / Math.ceil(chunk.length / MAX_CHUNK));
    while (taken < chunk.length && this.sendWindow.available > 0 && this.canSend(out)) {
      const n = Math.min(chunk.length - taken, piece, this.sendWindow.available);
      this.sendWindow.take(n);
      const seq = this.dataOut.next();
      const payload = this.sealFor(CELL_TYPE.data, seq, chunk.subarray(taken, taken + n));
      this.sw.send(out.peer, { type: CELL_TYPE.data, circuit: out.circuit, seq, last: false, payload });
      taken += n;
    }
    if (taken < chunk.length) this.wantWritable = true;
    this.bytesSent += taken;
    return taken;
  }

  /** Ends this direction. */
  finish(): void {
    const out = this.outSide;
    if (!out || this.sentLast || this.isClosed) return;
    this.sentLast = true;
    const seq = this.dataOut.next();
    this.sw.send(out.peer, { type: CELL_TYPE.data, circuit: out.circuit, seq, last: true, payload: this.sealFor(CELL_TYPE.data, seq, Buffer.alloc(0)) });
    if (this.gotLast) this.emit('finished');
  }

  /** The consumer took `n` received bytes: grant them back once enough have gathered. */
  consumed(n: number): void {
    this.bytesReceived += n;
    const out = this.outSide;
    if (!out || this.isClosed || this.gotLast) return;
    const credit = this.receiveWindow.consumed(n);
    if (credit === 0) return;
    const seq = this.windowOut.next();
    const plain = Buffer.alloc(4);
    plain.writeUInt32BE(credit);
    this.sw.send(out.peer, { type: CELL_TYPE.window, circuit: out.circuit, seq, body: this.sealFor(CELL_TYPE.window, seq, plain) });
  }

  cell(peer: string, cell: FlowCell): void {
    const inSide = this.inSide;
    if (!inSide || inSide.peer !== peer || inSide.circuit !== cell.circuit || this.isClosed) {
      throw new MasqError('STREAM_PROTOCOL', 'a stream cell came on its send circuit');
    }
    if (cell.type === CELL_TYPE.answer) return this.receiveAnswer(cell.seq, cell.body);
    if (cell.type === CELL_TYPE.window) {
      this.windowIn.accept(cell.seq);
      const plain = this.openFrom(CELL_TYPE.window, cell.seq, cell.body);
      this.sendWindow.grant(plain.readUInt32BE(0));
      return this.signalWritable();
    }
    if (this.gotLast) throw new MasqError('STREAM_PROTOCOL', 'data after the last cell');
    this.dataIn.accept(cell.seq);
    const plain = this.openFrom(CELL_TYPE.data, cell.seq, cell.payload);
    this.receiveWindow.arrive(plain.length);
    if (plain.length > 0) this.emit('data', plain);
    if (!cell.last) return;
    this.gotLast = true;
    this.emit('end');
    if (this.sentLast) this.emit('finished');
  }

  private receiveAnswer(seq: bigint, body: Buffer): void {
    if (this.gotAnswer) throw new MasqError('STREAM_PROTOCOL', 'a second answer from the exit');
    if (seq !== 0n) throw new MasqError('STREAM_PROTOCOL', `an answer numbered ${seq}, not 0`);
    this.gotAnswer = true;
    let status: OpenStatus;
    try {
      status = openAnswerCodec.decode(this.openFrom(CELL_TYPE.answer, seq, body));
    } catch (e) {
      if (!(e instanceof MasqError)) throw e;
      throw new MasqError('STREAM_PROTOCOL', `the exit's answer did not open: ${e.message}`);
    }
    if (status === OPEN_STATUS.connecting) throw new MasqError('STREAM_PROTOCOL', 'an answer that is still connecting');
    this.emit('answer', status);
  }

  ended(peer: string, circuit: number, reason: DestroyReason): void {
    if (this.isClosed) return;
    this.closedWith = reason;
    for (const s of [this.inSide, this.outSide]) {
      if (s && !(s.peer === peer && s.circuit === circuit)) this.sw.destroy(s.peer, s.circuit, reason);
    }
    this.emit('closed', reason);
  }

  /** Ends the stream from this side: DESTROY on both circuits. */
  destroy(reason: DestroyReason = DESTROY_REASON.normal): void {
    if (this.isClosed) return;
    this.closedWith = reason;
    for (const s of [this.inSide, this.outSide]) if (s) this.sw.destroy(s.peer, s.circuit, reason);
    this.emit('closed', reason);
  }
}
