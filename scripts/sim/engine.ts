// The discrete-event engine: a priority queue of timestamped events and the simulated clock they move. Events at
// the same time run in the order they were scheduled, so a run depends on nothing but its inputs. After each event
// the promise continuations it started run to the end (the Neighborhood awaits its dials) before the next event.

import { setImmediate as turn } from 'node:timers/promises';
import type { Clock, Timers } from '../../src/system/index.js';

interface Event {
  at: number;
  seq: number;
  run: () => void;
  cancelled?: boolean;
}

/** Fails a run that would never end (a Gossip storm): a bound, not an expectation. */
export class EventLimitError extends Error {
  constructor(limit: number, at: number) {
    super(`the simulation ran ${limit} events and was still busy at ${at} ms of simulated time`);
  }
}

export class Engine {
  /** Simulated milliseconds since the Unix epoch; the Nodes read it as their Clock. */
  readonly clock: Clock;
  private time: number;
  private seq = 0;
  private readonly heap: Event[] = [];
  private ran = 0;
  /** The Nodes' timers: events on this clock. */
  readonly timers: Timers = {
    setTimeout: (f, ms) => this.after(ms, f),
    clearTimeout: (handle) => {
      (handle as Event).cancelled = true;
    },
  };

  constructor(readonly startMs: number, private readonly maxEvents: number) {
    this.time = startMs;
    this.clock = { now: () => this.time };
  }

  /** Milliseconds since the run started. */
  elapsed(): number {
    return this.time - this.startMs;
  }

  events(): number {
    return this.ran;
  }

  /** Schedules `run` in `ms`; the returned event is the handle `timers.clearTimeout` takes. */
  after(ms: number, run: () => void): Event {
    const e = { at: this.time + Math.max(0, ms), seq: this.seq++, run };
    this.push(e);
    return e;
  }

  /**
   * Runs events until none is left before `untilMs` (since the start). After each, a turn of the event loop lets
   * every promise continuation it started run: only continuations are pending (no I/O, no real timers), so the
   * order stays the same from run to run.
   */
  async run(untilMs: number): Promise<void> {
    const end = this.startMs + untilMs;
    while (this.heap.length > 0 && (this.heap[0] as Event).at <= end) {
      if (this.ran >= this.maxEvents) throw new EventLimitError(this.maxEvents, this.elapsed());
      const e = this.pop();
      if (e.cancelled) continue;
      this.time = e.at;
      this.ran++;
      e.run();
      await turn();
    }
    if (this.heap.length === 0 || (this.heap[0] as Event).at > end) this.time = Math.max(this.time, end);
  }

  private before(a: Event, b: Event): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Event): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i] as Event, h[parent] as Event)) break;
      [h[i], h[parent]] = [h[parent] as Event, h[i] as Event];
      i = parent;
    }
  }

  private pop(): Event {
    const h = this.heap;
    const top = h[0] as Event;
    const last = h.pop() as Event;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      while (2 * i + 1 < h.length) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l] as Event, h[m] as Event)) m = l;
        if (r < h.length && this.before(h[r] as Event, h[m] as Event)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Event, h[i] as Event];
        i = m;
      }
    }
    return top;
  }
}
