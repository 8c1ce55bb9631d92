// Giving malloc's free memory back once a burst of work is over. glibc returns only the top of its heap by itself;
// what a burst freed between chunks still in use stays resident until malloc_trim (docs/PERFORMANCE.md).

/** How often the Node looks at its CPU time: a burst's memory goes back within about two of these. */
export const TICK_MS = 250;
/** CPU time in one tick, all threads, above which the Node is busy (5 % of a core)... */
export const BUSY_CPU_MS = 12.5;
/** ...and below which it is quiet again (1 %; an idle Node spends well under that). Between the two, nothing changes. */
export const QUIET_CPU_MS = 2.5;

/**
 * After a busy tick, the first quiet one gives memory back. A Node busy throughout, idle throughout, or carrying a
 * light steady load between the two bounds never does: nothing to give back, or pages it would fault in again.
 */
export function trimStep(wasBusy: boolean, cpuMs: number): { busy: boolean; trim: boolean } {
  if (cpuMs > BUSY_CPU_MS) return { busy: true, trim: false };
  if (cpuMs < QUIET_CPU_MS) return { busy: false, trim: wasBusy };
  return { busy: wasBusy, trim: false };
}

export interface MemoryReturnDeps {
  /** Gives malloc's free pages back (the cipher addon's trim). */
  trim(): void;
  /** The process's CPU time so far, µs, all threads. */
  cpuMicros(): number;
  /** Calls `f` every `ms` until the returned function is called; must not keep the process alive. */
  every(ms: number, f: () => void): () => void;
}

/** Starts watching; start-up counts as a burst. Returns the stop function. */
export function returnMemoryAfterBursts(d: MemoryReturnDeps): () => void {
  let last = d.cpuMicros();
  let busy = true;
  return d.every(TICK_MS, () => {
    const now = d.cpuMicros();
    const step = trimStep(busy, (now - last) / 1000);
    last = now;
    busy = step.busy;
    if (step.trim) d.trim();
  });
}
