// Ephemeral X25519 key pairs for route slots, made ahead of need. A route's two headers take six fresh key pairs,
// about half of the originator's set-up time; made one at a time in the event loop's spare turns (while a stream
// waits for the mesh), they are off the path of the next request. Each pair is handed out once and then forgotten,
// so every slot still has its own ephemeral key.

import type { RawKeyPair } from './identity.js';

export interface EphemeralPoolOptions {
  /** Pairs kept ready: a few routes' worth. */
  size: number;
  generate(): RawKeyPair;
  /** Runs the function in a later turn of the event loop (setImmediate in a Node). */
  defer(fn: () => void): void;
}

export class EphemeralPool {
  private readonly ready: RawKeyPair[] = [];
  private refilling = false;
  private closed = false;

  constructor(private readonly o: EphemeralPoolOptions) {}

  /** A pair no one else has had: a ready one, or one made now when none is. */
  take(): RawKeyPair {
    const pair = this.ready.pop() ?? this.o.generate();
    this.refill();
    return pair;
  }

  /** Stops making pairs and drops the ready ones. */
  close(): void {
    this.closed = true;
    this.ready.length = 0;
  }

  /** One pair per turn, so a turn stays short and I/O waiting behind it is not held up. */
  private refill(): void {
    if (this.refilling || this.closed || this.ready.length >= this.o.size) return;
    this.refilling = true;
    this.o.defer(() => {
      this.refilling = false;
      if (this.closed) return;
      this.ready.push(this.o.generate());
      this.refill();
    });
  }
}
