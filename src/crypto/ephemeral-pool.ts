// Ephemeral X25519 keys for route slots, made ahead of need. A route's two headers take six fresh keys,
// about half of the originator's set-up time; made one at a time in the event loop's spare turns (while a stream
// waits for the mesh), they are off the path of the next request. Each pair is handed out once and then forgotten,
// so every slot still has its own ephemeral key.

import { MadeAhead } from '../system/index.js';
import type { EphemeralKey } from './identity.js';

export interface EphemeralPoolOptions {
  /** Pairs kept ready: a few routes' worth. */
  size: number;
  generate(): EphemeralKey;
  /** Runs the function in a later turn of the event loop (setImmediate in a Node). */
  defer(fn: () => void): void;
}

export class EphemeralPool {
  private readonly ready: MadeAhead<EphemeralKey>;

  constructor(private readonly o: EphemeralPoolOptions) {
    this.ready = new MadeAhead({ size: o.size, make: o.generate, defer: o.defer });
  }

  /** A pair no one else has had: a ready one, or one made now when none is. */
  take(): EphemeralKey {
    return this.ready.take() ?? this.o.generate();
  }

  /** Stops making pairs and drops the ready ones. */
  close(): void {
    this.ready.close();
  }
}
