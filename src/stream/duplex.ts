// A stream end as a Duplex: what the proxy gets from the mesh Connector, and what the exit pipes its target socket
// through. Writes wait for the stream's window; received bytes are granted back only once the reader has taken
// them out of the readable buffer, so a slow reader stops the far sender instead of filling our memory.

import { Duplex } from 'node:stream';
import { DESTROY_REASON, type DestroyReason } from '../wire/index.js';
import type { StreamEnd } from './end.js';

const REASON_TEXT: Record<DestroyReason, string> = {
  [DESTROY_REASON.normal]: 'the other end closed the stream',
  [DESTROY_REASON.linkLost]: 'a link on the route went down',
  [DESTROY_REASON.protocol]: 'a Node on the route broke the protocol',
  [DESTROY_REASON.timeout]: 'the stream idled out on the route',
  [DESTROY_REASON.unreachable]: 'a Node on the route could not reach the next',
  [DESTROY_REASON.refused]: 'a Node on the route refused to serve',
  [DESTROY_REASON.full]: 'a Node on the route has too many circuits',
  [DESTROY_REASON.aborted]: 'the other end\'s connection failed',
};

export function describeReason(reason: DestroyReason): string {
  return REASON_TEXT[reason];
}

/**
 * Why the stream ended, for whoever pipes it. Taken without a stack: it reports the far end or the route, where a
 * local stack says nothing, and every stream that a client leaves early ends this way, so formatting one (which
 * destroy() does) cost each such stream about 20 µs.
 */
function endedError(reason: DestroyReason): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return Object.assign(new Error(`Mesh stream ended: ${describeReason(reason)}`), { reason });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export class MeshDuplex extends Duplex {
  private pending: { chunk: Buffer; done: (e?: Error | null) => void } | undefined;
  /** Bytes pushed into the readable buffer and bytes already reported as consumed. */
  private delivered = 0;
  private reported = 0;
  private finishedCleanly = false;

  /**
   * `tearsDown`: this end DESTROYs the circuits when both directions have ended (the originator). The exit leaves
   * that to the originator, since its DESTROY on the over-route could overtake its last data on the back-route.
   */
  constructor(private readonly stream: StreamEnd, private readonly tearsDown: boolean) {
    super({ allowHalfOpen: true, readableHighWaterMark: 64 * 1024, writableHighWaterMark: 64 * 1024 });
    stream.on('data', (b) => {
      this.delivered += b.length;
      this.push(b);
      this.report();
    });
    stream.on('end', () => this.push(null));
    stream.on('writable', () => this.flush());
    stream.on('finished', () => {
      this.finishedCleanly = true;
    });
    stream.on('closed', (reason) => {
      if (this.finishedCleanly && reason === DESTROY_REASON.normal) return;
      this.destroy(endedError(reason));
    });
  }

  /** Tells the stream end how much the reader has taken since last time. */
  private report(): void {
    const consumed = this.delivered - this.readableLength - this.reported;
    if (consumed <= 0) return;
    this.reported += consumed;
    this.stream.consumed(consumed);
  }

  override _read(): void {
    this.report();
  }

  // _read comes before the reader takes what is buffered, and not again until the next push: bytes buffered
  // before anyone read (the exit's early data) are reported as the reader takes them.
  override read(size?: number): Buffer | null {
    const taken = super.read(size) as Buffer | null;
    this.report();
    return taken;
  }

  private flush(): void {
    const p = this.pending;
    if (!p) return;
    const taken = this.stream.write(p.chunk);
    if (taken < p.chunk.length) {
      p.chunk = p.chunk.subarray(taken);
      return;
    }
    this.pending = undefined;
    p.done();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    if (this.stream.isClosed) return done(new Error('Mesh stream is closed'));
    this.pending = { chunk, done };
    this.flush();
  }

  override _final(done: (e?: Error | null) => void): void {
    this.stream.finish();
    done();
  }

  override _destroy(err: Error | null, done: (e?: Error | null) => void): void {
    this.pending = undefined;
    if (err || this.tearsDown || !this.finishedCleanly) this.stream.destroy(err ? DESTROY_REASON.aborted : DESTROY_REASON.normal);
    done(err);
  }
}
