// Things made ahead of need, one per spare turn of the event loop (a turn stays short, and I/O waiting behind it is
// not held up), so a request finds one ready. Each is handed out once and then forgotten. What is made and when a
// ready one is still good are the owner's: slot key pairs (src/crypto/ephemeral-pool.ts), prepared round trips
// (src/stream/prepared-route.ts).

export interface MadeAheadOptions<T> {
  /** How many to keep ready. */
  size: number;
  /** Makes one, or undefined when none can be made now (the next take tries again). */
  make(): T | undefined;
  /** Whether a ready one may still be handed out; one that may not is dropped. Always, when absent. */
  stillGood?(t: T): boolean;
  /** Runs the function in a later turn of the event loop (setImmediate in a Node). */
  defer(fn: () => void): void;
}

export class MadeAhead<T> {
  private ready: T[] = [];
  private refilling = false;
  private closed = false;

  constructor(private readonly o: MadeAheadOptions<T>) {}

  /** Ready ones now (after dropping those no longer good). */
  get size(): number {
    this.prune();
    return this.ready.length;
  }

  /** The newest ready one that `fits`, or undefined; either way the next is made in a later turn. */
  take(fits: (t: T) => boolean = () => true): T | undefined {
    this.prune();
    let found: T | undefined;
    for (let i = this.ready.length - 1; i >= 0; i--) {
      const t = this.ready[i] as T;
      if (!fits(t)) continue;
      this.ready.splice(i, 1);
      found = t;
      break;
    }
    this.refill();
    return found;
  }

  /** Stops making and drops the ready ones. */
  close(): void {
    this.closed = true;
    this.ready = [];
  }

  private prune(): void {
    const good = this.o.stillGood;
    if (good) this.ready = this.ready.filter((t) => good(t));
  }

  private refill(): void {
    if (this.refilling || this.closed || this.ready.length >= this.o.size) return;
    this.refilling = true;
    this.o.defer(() => {
      this.refilling = false;
      if (this.closed) return;
      const t = this.o.make();
      if (t === undefined) return;
      this.ready.push(t);
      this.refill();
    });
  }
}
