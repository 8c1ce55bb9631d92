// Sequence and window rules of one stream end, without I/O. Routes are fixed and links are TCP, so cells arrive in
// order: anything else is a protocol error. Each direction has a window: the sender stops at zero, the receiver
// grants credit as its consumer takes bytes, so no hop holds more than a window of one stream.

import { MasqError } from '../system/index.js';

export const INITIAL_WINDOW = 256 * 1024;
/** The most a receiver may offer; a larger window is refused, so a sender's claim cannot make us buffer more. */
export const MAX_WINDOW = 1024 * 1024;
/**
 * The most this Node's receive windows grow to: the protocol's bound. A window is what a stream end may have to hold
 * when its consumer lags, so a reader that never keeps up keeps INITIAL_WINDOW. 512 KiB stalled the seven-Node mesh
 * on a fast machine: a grant's round trip through three hops outlasted the half window of credit left (bulk 131 →
 * 146 MB/s, four alternating pairs; docs/PERFORMANCE.md). The full collections that 1 MiB once set off in an
 * originator whose client read in bursts went with the early scavenges (src/system/young-collections.ts). Over a
 * route with a 150 ms round trip a 1 MiB window carries one stream at about 7 MB/s.
 */
export const GROWN_WINDOW = MAX_WINDOW;

/**
 * A receiver grants credit back once this fraction of its window is consumed. Each WINDOW cell costs every hop of
 * the forward route a wake-up and three cipher set-ups for a few bytes: half-window batches instead of quarter ones
 * took 8 % off the whole mesh's CPU per MB of a download (docs/PERFORMANCE.md), and the sender still holds half a
 * window of credit when a grant is due, so the pipe does not drain.
 */
export const GRANT_BATCH_DIVISOR = 2;

function protocolError(detail: string): MasqError {
  return new MasqError('STREAM_PROTOCOL', detail);
}

/** Numbers outgoing cells of one kind from 0. */
export class Outgoing {
  private seq = 0n;

  next(): bigint {
    return this.seq++;
  }
}

/** Checks incoming cells of one kind come numbered 0, 1, 2…. */
export class Incoming {
  private expected = 0n;

  accept(seq: bigint): void {
    if (seq !== this.expected) throw protocolError(`cell ${seq} came where ${this.expected} was due`);
    this.expected++;
  }
}

/** What the sender may still send. */
export class SendWindow {
  constructor(private credit: number) {
    if (credit < 0 || credit > MAX_WINDOW) throw protocolError(`a window of ${credit} bytes is out of bounds`);
  }

  get available(): number {
    return this.credit;
  }

  take(n: number): void {
    if (n > this.credit) throw new RangeError(`sending ${n} bytes with ${this.credit} of credit`);
    this.credit -= n;
  }

  grant(n: number): void {
    if (n <= 0 || this.credit + n > MAX_WINDOW) throw protocolError(`a grant of ${n} bytes on top of ${this.credit} is out of bounds`);
    this.credit += n;
  }
}

/**
 * The receiver's side: bytes may arrive only within what it granted; consumed bytes are granted back in batches of
 * half a window (GRANT_BATCH_DIVISOR), so WINDOW cells stay few. The window starts at its initial size and doubles, up to GROWN_WINDOW,
 * at each grant its consumer has kept up with (taken everything that came), as TCP's receive buffer tunes itself:
 * a route with a long round trip is not held to one window per round trip, and a consumer that never keeps up never
 * makes this end hold more than the initial window (none more than GROWN_WINDOW).
 */
export class ReceiveWindow {
  private open: number;
  private ungranted = 0;

  constructor(private size: number) {
    this.open = size;
  }

  /** The window now: its initial size, or more once the consumer has kept up. */
  get current(): number {
    return this.size;
  }

  /** Bytes arrived; throws when the sender overran its window. */
  arrive(n: number): void {
    if (n > this.open) throw protocolError(`${n} bytes arrived with ${this.open} of window left`);
    this.open -= n;
  }

  /** The consumer took n received bytes; returns the credit to grant now (0 = wait for more). */
  consumed(n: number): number {
    this.ungranted += n;
    if (this.ungranted < this.size / GRANT_BATCH_DIVISOR) return 0;
    // What arrived and is not yet consumed: the window is what is open, held and not yet granted back.
    const held = this.size - this.open - this.ungranted;
    const more = held === 0 ? Math.min(this.size, GROWN_WINDOW - this.size) : 0;
    const grant = this.ungranted + more;
    this.size += more;
    this.ungranted = 0;
    this.open += grant;
    return grant;
  }
}
