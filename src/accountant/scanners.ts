// When the accountant's three scans run, as in MASQ: each is re-scheduled its interval after it finishes, so a
// scan never overlaps itself; `masq scan` runs one now and is refused while that one is running. Failures are
// logged and the scan simply runs again at its next turn: an RPC outage is never fatal.

import { BACKGROUND_TIMERS, describeError, type Logger, MasqError, type Timers } from '../system/index.js';

/** The scans, in the order of the scan-intervals parameter; `ui` is the UI protocol's scanType. */
export const SCAN_TYPES = [
  { name: 'pendingpayables', ui: 'PendingPayables' },
  { name: 'payables', ui: 'Payables' },
  { name: 'receivables', ui: 'Receivables' },
] as const;

export type ScanName = (typeof SCAN_TYPES)[number]['name'];

export function scanNameOf(uiScanType: unknown): ScanName | undefined {
  return SCAN_TYPES.find((t) => t.ui === uiScanType || t.name === uiScanType)?.name;
}

export class ScanAlreadyRunning extends MasqError {
  constructor(name: ScanName) {
    super('ACCOUNTANT', `A ${name} scan is already running.`, 'Wait for it to finish; its results are in masq financials.');
  }
}

export class Scanners {
  private readonly running = new Map<ScanName, Promise<void>>();
  private readonly timers = new Map<ScanName, unknown>();
  private started = false;
  private stopped = false;

  constructor(
    private readonly scans: Record<ScanName, () => Promise<void>>,
    /** Seconds, in SCAN_TYPES order. */
    private readonly intervalsSec: readonly number[],
    private readonly log: Logger,
    private readonly clock: Timers = BACKGROUND_TIMERS,
  ) {}

  /** Starts the automatic scans (once): all three at once, then each at its interval. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const t of SCAN_TYPES) void this.turn(t.name);
  }

  /** One scan now (the `scan` command); rejects with ScanAlreadyRunning or the scan's own error. */
  async runNow(name: ScanName): Promise<void> {
    if (this.running.has(name)) throw new ScanAlreadyRunning(name);
    return this.run(name);
  }

  /** Stops scheduling and waits for the scans under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const h of this.timers.values()) this.clock.clearTimeout(h);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  private run(name: ScanName): Promise<void> {
    const p = this.scans[name]().finally(() => this.running.delete(name));
    this.running.set(name, p);
    return p;
  }

  private async turn(name: ScanName): Promise<void> {
    this.timers.delete(name);
    if (this.stopped) return;
    try {
      // A `masq scan` under way counts as this turn's scan.
      await (this.running.get(name) ?? this.run(name));
    } catch (e) {
      this.log.warn(`The ${name} scan failed: ${describeError(e)}; it runs again in ${this.interval(name)} s`);
    }
    if (this.stopped) return;
    this.timers.set(name, this.clock.setTimeout(() => void this.turn(name), this.interval(name) * 1000));
  }

  private interval(name: ScanName): number {
    return this.intervalsSec[SCAN_TYPES.findIndex((t) => t.name === name)] ?? 600;
  }
}
