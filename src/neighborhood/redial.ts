// Dialing lost neighbors (and initial neighbors that did not answer) again, with exponential backoff: 1 s doubling
// to 30 s, jittered so two Nodes that lost each other do not dial in step. Bounded in entries and attempts.

import { BACKGROUND_TIMERS, type Timers } from '../system/index.js';

export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30_000;
/** About 20 minutes of trying at the longest delay. */
export const MAX_ATTEMPTS = 40;
export const MAX_REDIALS = 64;

export interface RedialTarget {
  ip: string;
  port: number;
  /** The X25519 key the Node proves in its handshake. */
  x25519: Buffer;
}

export interface RedialOptions {
  /** Tries once; resolves true when linked. */
  attempt(t: RedialTarget): Promise<boolean>;
  /** Whether to try now (false counts as a failed attempt, e.g. while we have all the neighbors we may have). */
  wanted(t: RedialTarget): boolean;
  random?: () => number;
  /** Background timers by default (they never keep the process alive); the simulator's run on its clock. */
  timers?: Timers;
  onGiveUp?(t: RedialTarget): void;
}

/** The delay before attempt n (0-based): doubling, capped, scaled by a jitter in [0.5, 1). */
export function backoffMs(n: number, random: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(n, 16)) * (0.5 + random / 2);
}

export class Redialer {
  private readonly pending = new Map<string, { target: RedialTarget; attempts: number; timer: unknown }>();
  private closed = false;

  private readonly timers: Timers;

  constructor(private readonly o: RedialOptions) {
    this.timers = o.timers ?? BACKGROUND_TIMERS;
  }

  /** Starts redialing (by the X25519 key's hex) unless already doing so. */
  schedule(target: RedialTarget): void {
    const id = target.x25519.toString('hex');
    if (this.closed || this.pending.has(id) || this.pending.size >= MAX_REDIALS) return;
    this.arm(id, target, 0);
  }

  private arm(id: string, target: RedialTarget, attempts: number): void {
    const timer = this.timers.setTimeout(() => void this.fire(id), backoffMs(attempts, (this.o.random ?? Math.random)()));
    this.pending.set(id, { target, attempts, timer });
  }

  private async fire(id: string): Promise<void> {
    const p = this.pending.get(id);
    if (!p) return;
    const linked = this.o.wanted(p.target) && (await this.o.attempt(p.target).catch(() => false));
    // Cancelled or closed while the dial ran: nothing more to do.
    if (this.pending.get(id) !== p) return;
    if (linked) {
      this.pending.delete(id);
    } else if (p.attempts + 1 >= MAX_ATTEMPTS) {
      this.pending.delete(id);
      this.o.onGiveUp?.(p.target);
    } else {
      this.arm(id, p.target, p.attempts + 1);
    }
  }

  /** Stops redialing a Node (it linked by itself). */
  cancel(x25519Hex: string): void {
    const p = this.pending.get(x25519Hex);
    if (p) this.timers.clearTimeout(p.timer);
    this.pending.delete(x25519Hex);
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) this.timers.clearTimeout(p.timer);
    this.pending.clear();
  }
}
