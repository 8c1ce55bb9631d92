// Earnings and debts over time for the dashboard's chart: one sample per financials answer, at most one a minute
// kept, a day's worth in all (memory only; the Node's books are the record).

import type { Answers } from '../ui/index.js';
import type { EarningsPanel, EarningsSample } from './api.js';

export const SAMPLE_EVERY_MS = 60_000;
export const MAX_SAMPLES = 1440;

export class EarningsHistory {
  private readonly samples: EarningsSample[] = [];

  add(at: number, f: Answers['financials']): EarningsPanel {
    const s = f.statsOpt;
    const now: EarningsSample = {
      at,
      earnedGwei: s?.totalUnpaidReceivableGwei ?? 0,
      owedGwei: s?.totalUnpaidAndPendingPayableGwei ?? 0,
      paidGwei: s?.totalPaidPayableGwei ?? 0,
      receivedGwei: s?.totalPaidReceivableGwei ?? 0,
    };
    const last = this.samples[this.samples.length - 1];
    if (!last || at - last.at >= SAMPLE_EVERY_MS) this.samples.push(now);
    if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
    return { now, history: [...this.samples] };
  }
}
