// Timers as a plain object, so schedules (scans, port-mapping renewals) are tested with timers the test fires.

export interface Timers {
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real timers that never keep the process alive by themselves (shutdown clears them anyway). */
export const BACKGROUND_TIMERS: Timers = {
  setTimeout: (f, ms) => setTimeout(f, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
