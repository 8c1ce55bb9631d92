// The clock as a plain object: whatever decides something by time takes one, so a test can set the time.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** Whole seconds since the Unix epoch, as the books and the payment thresholds count. */
export const unixSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000);

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * `new Date(ms).toISOString()` for years 0–9999, from the UTC fields only. V8's own toISOString, toUTCString and
 * toJSON first look up the machine's time zone, which maps ~0.6 MiB of ICU's data into every process that logs a line.
 */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  const date = `${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  return `${date}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}Z`;
}
