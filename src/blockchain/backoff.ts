// Retrying RPC calls: exponential backoff with a cap, a bounded number of attempts, and the last failure
// handed back to the caller (which turns it into a typed error) instead of being thrown at the process.

export interface BackoffPolicy {
  /** Total attempts including the first; at least 1. */
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 4, firstDelayMs: 200, maxDelayMs: 5_000 };

/** The waits between attempts: first, 2×first, 4×first … capped; one fewer than the attempts. */
export function backoffDelays(policy: BackoffPolicy): number[] {
  const waits: number[] = [];
  for (let i = 0; i < Math.max(0, policy.attempts - 1); i++) {
    waits.push(Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** i));
  }
  return waits;
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export type RetryResult<T> = { ok: true; value: T } | { ok: false; error: unknown; attempts: number };

/**
 * Runs `op` until it succeeds, `retryable` says a failure is final (a revert, a range complaint the caller
 * handles itself), or the attempts run out.
 */
export async function retry<T>(op: () => Promise<T>, policy: BackoffPolicy, retryable: (err: unknown) => boolean, sleep: Sleep = realSleep): Promise<RetryResult<T>> {
  const waits = backoffDelays(policy);
  for (let attempt = 0; ; attempt++) {
    try {
      return { ok: true, value: await op() };
    } catch (err) {
      const wait = waits[attempt];
      if (wait === undefined || !retryable(err)) return { ok: false, error: err, attempts: attempt + 1 };
      await sleep(wait);
    }
  }
}
