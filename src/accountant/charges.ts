// Charges from the hopper, summed in memory per wallet and written to the books about once a second in one
// transaction. Relaying books a charge per 16 KiB cell: written one by one, a lightly loaded relay would make a
// durable commit per cell (as much CPU as relaying it, and SD-card wear on the appliance). A crash loses at most
// the last second of charges, never a payment: payments are journaled on their own (payments.ts).

import { describeError, type Logger } from '../system/index.js';
import type { Books, Charge } from './books.js';

export const FLUSH_MS = 1_000;
/** Distinct wallets held before a flush is forced (bounds memory under a flood of payers). */
export const MAX_PENDING_WALLETS = 4_096;

export class ChargeBuffer {
  private pending = new Map<string, Charge>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly books: Books,
    private readonly nowSec: () => number,
    private readonly log: Logger,
    private readonly flushMs = FLUSH_MS,
  ) {}

  /** We served `wallet` (it owes us) or it served us (we owe it). */
  add(kind: Charge['kind'], wallet: string, amountWei: bigint): void {
    if (amountWei <= 0n) return;
    const key = `${kind}:${wallet.toLowerCase()}`;
    const held = this.pending.get(key);
    if (held) held.amountWei += amountWei;
    else this.pending.set(key, { kind, wallet: wallet.toLowerCase(), amountWei, atSec: this.nowSec() });
    if (this.pending.size >= MAX_PENDING_WALLETS) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Writes what is held, in one transaction; later flushes wait for earlier ones. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing
      .then(() => this.books.recordCharges(batch))
      .catch((e: unknown) => this.log.warn(`Could not book ${batch.length} charge(s): ${describeError(e)}`));
    return this.flushing;
  }
}
