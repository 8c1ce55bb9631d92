// One lockout for wrong setup codes and wrong admin passwords together: at most MAX_FAILURES wrong guesses in any
// hour. Once they are used up every check answers "no" without looking at the guess, until the oldest failure
// of the window is an hour old. Pure: the failures are kept (and persisted) by the caller.

import type { Clock } from '../system/index.js';

export const MAX_FAILURES = 5;
export const WINDOW_MS = 60 * 60 * 1000;

export interface LockoutStatus {
  /** Wrong guesses still allowed before the lockout. */
  triesLeft: number;
  /** Present while locked: whole seconds until a guess is allowed again. */
  lockedForS?: number;
}

export class Lockout {
  private failures: number[];

  constructor(private readonly clock: Clock, failures: readonly number[] = []) {
    this.failures = [...failures].filter((t) => Number.isFinite(t)).sort((a, b) => a - b);
    this.prune();
  }

  /** The failures still in the window, oldest first (what is persisted). */
  recent(): number[] {
    this.prune();
    return [...this.failures];
  }

  status(): LockoutStatus {
    this.prune();
    const triesLeft = Math.max(0, MAX_FAILURES - this.failures.length);
    if (triesLeft > 0) return { triesLeft };
    // The window holds MAX_FAILURES or more: a guess is allowed once all but MAX_FAILURES - 1 of them are old.
    const freeing = this.failures[this.failures.length - MAX_FAILURES] ?? this.clock.now();
    return { triesLeft: 0, lockedForS: Math.max(1, Math.ceil((freeing + WINDOW_MS - this.clock.now()) / 1000)) };
  }

  locked(): boolean {
    return this.status().triesLeft === 0;
  }

  /** Counts one wrong guess; returns the status after it. */
  fail(): LockoutStatus {
    this.failures.push(this.clock.now());
    return this.status();
  }

  clear(): void {
    this.failures = [];
  }

  private prune(): void {
    const from = this.clock.now() - WINDOW_MS;
    // A failure "in the future" (the clock was set back) still counts, for at most a window from now.
    this.failures = this.failures.filter((t) => t > from).map((t) => Math.min(t, this.clock.now()));
  }
}
