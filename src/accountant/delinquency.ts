// Which payers a Node refuses to serve, by MASQ's rule (docs/PAYMENTS.md): a debtor whose receivable crossed the
// curve (after the grace period) is banned, and stays banned until it has paid down to the unban level — a ban with
// a hysteresis, so paying one wei more than the curve does not buy service back. Bans live in memory, bounded.

import type { PaymentThresholds } from '../config/index.js';
import { receivableDelinquent, unbanDue } from './curve.js';

export const MAX_BANNED_PAYERS = 65_536;

export interface Receivable {
  balanceWei: bigint;
  lastReceivedSec: number;
}

export class Delinquents {
  private readonly banned = new Set<string>();

  constructor(
    private readonly thresholds: PaymentThresholds,
    /** What a wallet ("0x…" lowercase) owes us, if anything. */
    private readonly receivable: (wallet: string) => Receivable | undefined,
    private readonly nowSec: () => number,
    /** Told when a wallet is banned or served again, with what it owes then (wei). */
    private readonly changed: (wallet: string, banned: boolean, balanceWei: bigint) => void = () => undefined,
  ) {}

  /** Whether to refuse the wallet now; updates its ban. */
  isBanned(wallet: string): boolean {
    const r = this.receivable(wallet);
    const balance = r?.balanceWei ?? 0n;
    if (this.banned.has(wallet)) {
      if (!unbanDue(this.thresholds, balance)) return true;
      this.banned.delete(wallet);
      this.changed(wallet, false, balance);
      return false;
    }
    if (!r || !receivableDelinquent(this.thresholds, balance, BigInt(Math.max(0, this.nowSec() - r.lastReceivedSec)))) return false;
    if (this.banned.size >= MAX_BANNED_PAYERS) this.banned.delete(this.banned.values().next().value as string);
    this.banned.add(wallet);
    this.changed(wallet, true, balance);
    return true;
  }
}
