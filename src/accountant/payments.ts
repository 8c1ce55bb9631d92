// Paying creditors on chain without ever paying twice or forgetting a debt, whatever moment the process dies at.
//
// The order that makes it safe: sign → journal (with the payables marked pending, one durable transaction) →
// send → settle. A journaled payment is only ever re-sent as the same signed bytes, so its nonce can be spent
// once; a payment stuck in the pool is bid again with the same nonce and a higher gas price, so still only one
// of its bids can be mined. It is settled as unpaid only when the chain shows it can never be mined (refused,
// reverted, or its nonce spent by another transaction — checked twice against a race with its own mining). After a crash the
// pending-payable scan (reconcile.ts) finishes whatever the journal holds before any new payment is signed.

import { type ChainFacts, type Erc20Bridge, type Payment, type PendingPayable, type ReceiptState, reconcile, type SendOutcome, type TxSigner } from '../blockchain/index.js';
import { describeError, type Logger, MasqError } from '../system/index.js';
import type { Books, JournalEntry, PayableRecord } from './books.js';
import type { PaymentThresholds } from '../config/index.js';
import { payableDue } from './curve.js';

/** MASQ's DEFAULT_PENDING_TOO_LONG_SEC: a payment still unmined after this and all its bids is reported. */
export const PENDING_TOO_LONG_SEC = 21_600;
/** A payment in the pool this long is bid again (MASQ never re-bids: stuck payments got Nodes banned). */
export const REPLACE_AFTER_SEC = 600;
/** Bids per payment, the first included: with +25% each, the last bids about 2.4 times the first. */
export const MAX_BIDS = 5;

/** The chain as the payer sees it: the bridge bound to the consuming wallet (erc20-bridge.ts). */
export interface PayerChain {
  /** The consuming wallet's address, or undefined when the Node has none. */
  wallet(): string | undefined;
  tokenBalance(wallet: string): Promise<bigint>;
  /** Consecutive nonces from the chain's next one, and never below `nonceAtLeast`. */
  sign(payments: readonly Payment[], nonceAtLeast: number): Promise<PendingPayable[]>;
  send(records: readonly PendingPayable[]): Promise<SendOutcome[]>;
  sendRaw(record: PendingPayable): Promise<SendOutcome>;
  /** The same payment and nonce with a higher gas price (erc20-bridge.ts). */
  signReplacement(stuck: PendingPayable): Promise<PendingPayable>;
  waitForReceipts(hashes: readonly string[], timeoutMs: number): Promise<Map<string, ReceiptState>>;
  chainFacts(wallet: string, records: readonly PendingPayable[]): Promise<ChainFacts>;
}

/** The bridge as the payer's chain, signing with the consuming wallet of the moment (undefined: none yet). */
export function bridgePayer(bridge: Erc20Bridge, signer: () => TxSigner | undefined): PayerChain {
  const required = (): TxSigner => {
    const s = signer();
    if (!s) throw new MasqError('WALLET', 'The consuming wallet went away before payments were signed.', 'Run masq wallet-addresses to check the wallets.');
    return s;
  };
  return {
    wallet: () => signer()?.address,
    tokenBalance: (w) => bridge.balanceOf(w),
    sign: (p, floor) => bridge.sign(required(), p, floor),
    signReplacement: (r) => bridge.signReplacement(required(), r),
    send: (r) => bridge.send(r),
    sendRaw: (r) => bridge.sendRaw(r),
    waitForReceipts: (h, ms) => bridge.waitForReceipts(h, ms),
    chainFacts: (w, r) => bridge.chainFacts(w, r),
  };
}

export interface PaymentDeps {
  books: Books;
  chain: PayerChain;
  thresholds: () => PaymentThresholds;
  nowSec: () => number;
  log: Logger;
  /** How long a payable scan waits for its transactions to be mined before leaving them to the pending scan. */
  receiptWaitMs?: number;
  /** How long a payment may sit in the pool before it is bid again with a higher gas price. */
  replaceAfterSec?: number;
}

export interface PendingScanReport {
  confirmed: number;
  failed: number;
  /** Still unsettled after the scan. */
  waiting: number;
  /** Unsettled and not known to be in the node's pool: no new payment may be signed until they are. */
  unsure: number;
}

export interface PayableScanReport {
  paid: number;
  failed: number;
  waiting: number;
  /** Due, but the consuming wallet's MASQ did not cover them this time. */
  unfunded: number;
}

/** Which due payables to pay now: oldest debts first, as many as the wallet's MASQ covers. */
export function choosePayments(due: readonly PayableRecord[], tokenBalance: bigint): { pay: PayableRecord[]; unfunded: PayableRecord[] } {
  const pay: PayableRecord[] = [];
  const unfunded: PayableRecord[] = [];
  let left = tokenBalance;
  for (const p of [...due].sort((a, b) => a.lastPaidSec - b.lastPaidSec || (a.wallet < b.wallet ? -1 : 1))) {
    if (p.balanceWei <= left) {
      pay.push(p);
      left -= p.balanceWei;
    } else unfunded.push(p);
  }
  return { pay, unfunded };
}

export class Payments {
  private readonly receiptWaitMs: number;
  private readonly replaceAfterSec: number;

  constructor(private readonly deps: PaymentDeps) {
    this.receiptWaitMs = deps.receiptWaitMs ?? 15_000;
    this.replaceAfterSec = deps.replaceAfterSec ?? REPLACE_AFTER_SEC;
  }

  /** Settles what the journal holds by what the chain says (also the crash reconciliation at start-up). */
  async scanPendingPayables(): Promise<PendingScanReport> {
    const { books, chain, log } = this.deps;
    const report: PendingScanReport = { confirmed: 0, failed: 0, waiting: 0, unsure: 0 };
    const entries = books.journal();
    const wallet = chain.wallet();
    if (entries.length === 0) return report;
    if (!wallet) {
      log.warn(`${entries.length} payment(s) are pending but the consuming wallet is not available; they are settled once it is`);
      return { ...report, waiting: entries.length, unsure: entries.length };
    }
    const byHash = new Map(entries.map((e) => [e.txHash, e]));
    const entry = (r: PendingPayable): JournalEntry => byHash.get(r.txHash) as JournalEntry;
    const resent: Array<{ e: JournalEntry; siblings: PendingPayable[] }> = [];
    for (const action of reconcile(entries, await chain.chainFacts(wallet, entries))) {
      const e = entry(action.record);
      const { siblings } = action;
      switch (action.kind) {
        case 'confirm':
          this.count(report, await this.settle(e, true, siblings));
          break;
        case 'failed':
          log.warn(`Payment ${e.txHash} of ${e.amount} wei to ${e.creditor} reverted in block ${action.blockNumber}; the debt stands and is paid again`);
          this.count(report, await this.settle(e, false, siblings));
          break;
        case 'wait':
          report.waiting++;
          await this.stuck(e, siblings.length + 1, Math.min(e.journaledSec, ...siblings.map((x) => entry(x).journaledSec)));
          break;
        case 'resend':
          if (await this.resend(e, report)) resent.push({ e, siblings });
          break;
        case 'superseded':
          await this.superseded(e, siblings, wallet, report);
          break;
        case 'investigate':
          report.waiting++;
          report.unsure++;
          log.error(`Payment ${e.txHash} to ${e.creditor} needs attention: ${action.reason}. It stays journaled`);
          break;
      }
    }
    if (resent.length > 0) await this.settleMined(resent, report);
    return report;
  }

  /**
   * A payment waiting in the pool: after replaceAfterSec it is bid again with a higher gas price (same payment,
   * same nonce, so only one bid can be mined), up to MAX_BIDS; after that it is reported and left to the chain.
   */
  private async stuck(e: JournalEntry, bids: number, firstSec: number): Promise<void> {
    const { books, chain, log, nowSec } = this.deps;
    const waited = nowSec() - e.journaledSec;
    if (waited <= this.replaceAfterSec) return;
    if (bids >= MAX_BIDS) {
      if (nowSec() - firstSec > PENDING_TOO_LONG_SEC) log.error(`Payment ${e.txHash} to ${e.creditor} is still not mined after ${bids} bids; raise gas-price or check the blockchain service. It stays journaled, so it is never paid twice`);
      return;
    }
    const replacement = { ...(await chain.signReplacement(e)), journaledSec: nowSec() };
    await books.journalReplacement(e, { ...replacement, txHash: replacement.txHash.toLowerCase() });
    const outcome = await chain.sendRaw(replacement);
    log.warn(`Payment to ${e.creditor} was not mined in ${waited} s: bid again at ${replacement.gasPrice} wei per gas (${outcome.status})`);
  }

  /** Pays every payable over the curve that the wallet's MASQ covers, after settling older payments first. */
  async scanPayables(): Promise<PayableScanReport> {
    const { books, chain, log, nowSec } = this.deps;
    const report: PayableScanReport = { paid: 0, failed: 0, waiting: 0, unfunded: 0 };
    const wallet = chain.wallet();
    if (!wallet) {
      log.info('No consuming wallet: nothing is paid');
      return report;
    }
    const before = await this.scanPendingPayables();
    if (before.unsure > 0) {
      // Their nonces may not be known to the node yet; a new batch could be signed over them.
      log.warn(`${before.unsure} earlier payment(s) are not settled yet; new payments wait for the next scan`);
      return { ...report, waiting: before.waiting };
    }
    const now = nowSec();
    const t = this.deps.thresholds();
    const due = books.payables().filter((p) => !p.pending && payableDue(t, p.balanceWei, BigInt(Math.max(0, now - p.lastPaidSec))));
    if (due.length === 0) return { ...report, waiting: before.waiting };
    const { pay, unfunded } = choosePayments(due, await chain.tokenBalance(wallet));
    report.unfunded = unfunded.length;
    if (unfunded.length > 0) {
      const owed = unfunded.reduce((s, p) => s + p.balanceWei, 0n);
      log.warn(`The consuming wallet's MASQ does not cover ${unfunded.length} due payment(s) (${owed} wei); add MASQ to ${wallet} or they turn delinquent`);
    }
    if (pay.length === 0) return { ...report, waiting: before.waiting };
    // Past every nonce the journal still holds (payments waiting in the pool): a new batch must never share one.
    const floor = books.journal().reduce((n, e) => Math.max(n, e.nonce + 1), 0);
    const records = await chain.sign(pay.map((p) => ({ creditor: p.wallet, amount: p.balanceWei })), floor);
    const entries = records.map((r) => ({ ...r, txHash: r.txHash.toLowerCase(), journaledSec: now }));
    await books.journalPayments(entries);
    const sent: JournalEntry[] = [];
    for (const [i, outcome] of (await chain.send(records)).entries()) {
      const e = entries[i] as JournalEntry;
      if (outcome.status === 'sent' || outcome.status === 'already-known') sent.push(e);
      else if (outcome.status === 'unknown') {
        report.waiting++;
        log.warn(`Payment ${e.txHash} to ${e.creditor} may not have reached the blockchain service (${describeError(outcome.error)}); the pending-payable scan settles it`);
      } else {
        // Refused, or never sent behind a refused one: these bytes can never be mined.
        if (outcome.status === 'rejected') log.warn(describeError(outcome.error));
        await this.settle(e, false);
        report.failed++;
      }
    }
    if (sent.length === 0) return report;
    const receipts = await chain.waitForReceipts(sent.map((e) => e.txHash), this.receiptWaitMs);
    for (const e of sent) {
      const receipt = receipts.get(e.txHash) ?? { state: 'pending' };
      if (receipt.state === 'pending') report.waiting++;
      else if (await this.settle(e, receipt.state === 'success')) report.paid++;
      else {
        report.failed++;
        log.warn(`Payment ${e.txHash} of ${e.amount} wei to ${e.creditor} reverted in block ${receipt.blockNumber}; the debt stands and is paid again`);
      }
    }
    if (report.paid > 0) log.info(`Paid ${report.paid} creditor(s)`);
    return report;
  }

  /** Settles one journaled payment (with its other bids); true when it was paid. */
  private async settle(e: JournalEntry, paid: boolean, siblings: readonly PendingPayable[] = []): Promise<boolean> {
    await this.deps.books.settlePayment(e, paid ? { paid: true, now: this.deps.nowSec() } : { paid: false }, siblings);
    return paid;
  }

  private count(report: { failed: number; confirmed: number }, paid: boolean): void {
    if (paid) report.confirmed++;
    else report.failed++;
  }

  /** Sends journaled bytes again; true when the node took them. */
  private async resend(e: JournalEntry, report: PendingScanReport): Promise<boolean> {
    const outcome = await this.deps.chain.sendRaw(e);
    report.waiting++;
    // Whatever the answer, the record stays: if these bytes were mined meanwhile a refusal says "nonce too low",
    // and only the next look at the chain tells which.
    if (outcome.status === 'sent' || outcome.status === 'already-known') return true;
    report.unsure++;
    this.deps.log.warn(`Re-sending payment ${e.txHash} to ${e.creditor} failed: ${'error' in outcome ? describeError(outcome.error) : outcome.status}`);
    return false;
  }

  /** Settles the resent payments that get mined within the receipt wait; the rest stay for the next scan. */
  private async settleMined(resent: ReadonlyArray<{ e: JournalEntry; siblings: PendingPayable[] }>, report: PendingScanReport): Promise<void> {
    const receipts = await this.deps.chain.waitForReceipts(resent.map(({ e }) => e.txHash), this.receiptWaitMs);
    for (const { e, siblings } of resent) {
      const state = receipts.get(e.txHash)?.state ?? 'pending';
      if (state === 'pending') continue;
      report.waiting--;
      this.count(report, await this.settle(e, state === 'success', siblings));
    }
  }

  private async superseded(e: JournalEntry, siblings: PendingPayable[], wallet: string, report: PendingScanReport): Promise<void> {
    // Looked at again: the receipt is read after the nonce count this time, so our own transaction (any bid of
    // it) mined in between shows up as mined instead of as superseded.
    const group = [e, ...siblings];
    const again = reconcile(group, await this.deps.chain.chainFacts(wallet, group))[0];
    // Settling by any bid settles the payment: the books mark whichever bid is pending, and all bids leave the journal.
    if (again?.kind === 'confirm') return this.count(report, await this.settle(e, true, siblings));
    if (again?.kind === 'superseded') {
      this.deps.log.warn(`Payment ${e.txHash} to ${e.creditor} can never be mined: another transaction spent nonce ${e.nonce} (is the consuming wallet used elsewhere?). The debt stands and is paid again`);
      return this.count(report, await this.settle(e, false, siblings));
    }
    report.waiting++;
    report.unsure++;
  }
}
