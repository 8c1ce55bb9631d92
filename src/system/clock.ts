// The clock as a plain object: whatever decides something by time takes one, so a test can set the time.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** Whole seconds since the Unix epoch, as the books and the payment thresholds count. */
export const unixSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000);
