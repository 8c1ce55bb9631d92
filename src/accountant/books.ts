// The accountant's books over the store: what we owe (payables) and what we are owed (receivables), per wallet,
// in wei. Every change is one LMDB write transaction, so a balance and the totals it feeds never disagree.
//
// Age: MASQ resets a debt's age on any payment, so a debtor paying one wei now and then is never delinquent
// (MASQ-Project/MASQ-Node-issues#778). Here a payment moves the "paid up to" time forward in proportion to the
// share of the balance it covers (debt is taken as accrued evenly since that time): paying half of it moves the
// clock half way to now, paying all of it moves it to now.

import type { PendingPayable } from '../blockchain/index.js';
import type { BookDb, BookWrite } from '../store/index.js';
import { MasqError } from '../system/index.js';

export interface RatePair {
  /** Charged once per chunk (wei). */
  serviceRate: bigint;
  /** Charged per byte (wei). */
  byteRate: bigint;
}

/** What one chunk of service costs, in wei: MASQ's service rate + byte rate × bytes (docs/PAYMENTS.md). */
export function serviceCharge(rate: RatePair, bytes: number): bigint {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new BooksError(`${bytes} is not a byte count.`);
  return rate.serviceRate + rate.byteRate * BigInt(bytes);
}

export interface PayableRecord {
  wallet: string;
  balanceWei: bigint;
  /** Seconds since the epoch up to which we count this creditor as paid (the start of the debt's age). */
  lastPaidSec: number;
  pending?: { txHash: string; amountWei: bigint };
}

export interface ReceivableRecord {
  wallet: string;
  /** Negative when the debtor paid more than it owed. */
  balanceWei: bigint;
  lastReceivedSec: number;
}

export interface BookTotals {
  unpaidAndPendingPayableWei: bigint;
  paidPayableWei: bigint;
  unpaidReceivableWei: bigint;
  paidReceivableWei: bigint;
}

export class BooksError extends MasqError {
  constructor(message: string) {
    super('ACCOUNTANT', message);
  }
}

const WALLET = /^0x[0-9a-f]{40}$/;
const TX_HASH = /^0x[0-9a-f]{64}$/;
// Far above any real balance (2^256 wei has 78 digits); bounds what a damaged row can make us parse.
const AMOUNT = /^-?[0-9]{1,80}$/;
const PAYABLE = 'p:';
const RECEIVABLE = 'r:';
const PAID_PAYABLE = 't:paid_payable';
const PAID_RECEIVABLE = 't:paid_receivable';
const JOURNAL = 'j:';
const RAW_TX = /^0x[0-9a-f]{2,4000}$/;
/** The config row (MASQ's name) holding the next block the receivable scan reads; null means "the latest". */
export const START_BLOCK_ROW = 'start_block';

/** A payment signed and journaled before it is sent (see payments.ts); removed when it is settled. */
export interface JournalEntry extends PendingPayable {
  /** When it was journaled (seconds): payments pending too long are re-bid or reported. */
  journaledSec: number;
}

/** A charge for service: `payable` we owe the wallet, `receivable` it owes us. */
export interface Charge {
  kind: 'payable' | 'receivable';
  wallet: string;
  amountWei: bigint;
  /** When it was incurred (the debt's age starts there if the account was clear). */
  atSec: number;
}

/** An incoming transfer as the receivable scan credits it. */
export interface Incoming {
  from: string;
  amount: bigint;
}

function walletKey(wallet: string): string {
  const w = typeof wallet === 'string' ? wallet.toLowerCase() : '';
  if (!WALLET.test(w)) throw new BooksError(`'${String(wallet).slice(0, 50)}' is not a wallet address (0x and 40 hex digits).`);
  return w;
}

function positive(amount: bigint, what: string): bigint {
  if (typeof amount !== 'bigint' || amount <= 0n) throw new BooksError(`The ${what} must be a positive amount of wei, not ${String(amount)}.`);
  return amount;
}

function timestamp(now: number): number {
  if (!Number.isSafeInteger(now) || now < 0) throw new BooksError(`${now} is not a time in seconds.`);
  return now;
}

function txHash(hash: string): string {
  const h = typeof hash === 'string' ? hash.toLowerCase() : '';
  if (!TX_HASH.test(h)) throw new BooksError(`'${String(hash).slice(0, 70)}' is not a transaction hash (0x and 64 hex digits).`);
  return h;
}

function damaged(key: string): MasqError {
  return new MasqError('STORE_SCHEMA', `The books entry '${key}' is damaged.`, 'Restore a backup of the data directory, or remove that entry.');
}

function amountOf(raw: unknown, key: string): bigint {
  if (typeof raw !== 'string' || !AMOUNT.test(raw)) throw damaged(key);
  return BigInt(raw);
}

function secondsOf(raw: unknown, key: string): number {
  if (!Number.isSafeInteger(raw) || (raw as number) < 0) throw damaged(key);
  return raw as number;
}

interface Row {
  b: string;
  t: number;
  p?: { h: string; a: string };
}

/** The fields both kinds of entry share, checked; `p` only payables have. */
function decodeRow(key: string, raw: unknown): { balanceWei: bigint; since: number; pending?: { txHash: string; amountWei: bigint } } {
  if (typeof raw !== 'object' || raw === null) throw damaged(key);
  const r = raw as Partial<Row>;
  const row = { balanceWei: amountOf(r.b, key), since: secondsOf(r.t, key) };
  if (r.p === undefined) return row;
  if (!key.startsWith(PAYABLE) || typeof r.p !== 'object' || r.p === null || typeof r.p.h !== 'string' || !TX_HASH.test(r.p.h)) throw damaged(key);
  return { ...row, pending: { txHash: r.p.h, amountWei: amountOf(r.p.a, key) } };
}

function decodePayable(key: string, raw: unknown): PayableRecord {
  const { balanceWei, since, pending } = decodeRow(key, raw);
  return { wallet: key.slice(PAYABLE.length), balanceWei, lastPaidSec: since, ...(pending && { pending }) };
}

function decodeReceivable(key: string, raw: unknown): ReceivableRecord {
  const { balanceWei, since } = decodeRow(key, raw);
  return { wallet: key.slice(RECEIVABLE.length), balanceWei, lastReceivedSec: since };
}

function encodeRow(balanceWei: bigint, since: number, pending?: { txHash: string; amountWei: bigint }): Row {
  return { b: balanceWei.toString(), t: since, ...(pending && { p: { h: pending.txHash, a: pending.amountWei.toString() } }) };
}

interface JournalRow {
  c: string;
  a: string;
  n: number;
  x: string;
  t: number;
  g: string;
}

function encodeJournal(e: JournalEntry): JournalRow {
  if (!Number.isSafeInteger(e.nonce) || e.nonce < 0) throw new BooksError(`${e.nonce} is not a nonce.`);
  if (typeof e.rawTx !== 'string' || !RAW_TX.test(e.rawTx.toLowerCase())) throw new BooksError('The signed transaction is not hex of a sensible length.');
  if (typeof e.gasPrice !== 'bigint' || e.gasPrice < 0n) throw new BooksError(`${String(e.gasPrice)} is not a gas price.`);
  return { c: walletKey(e.creditor), a: positive(e.amount, 'payment').toString(), n: e.nonce, x: e.rawTx.toLowerCase(), t: timestamp(e.journaledSec), g: e.gasPrice.toString() };
}

function decodeJournal(key: string, raw: unknown): JournalEntry {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<JournalRow>;
  if (typeof r.c !== 'string' || !WALLET.test(r.c) || typeof r.x !== 'string' || !RAW_TX.test(r.x) || !Number.isSafeInteger(r.n) || (r.n as number) < 0) throw damaged(key);
  return { creditor: r.c, amount: amountOf(r.a, key), nonce: r.n as number, txHash: key.slice(JOURNAL.length), rawTx: r.x, journaledSec: secondsOf(r.t, key), gasPrice: amountOf(r.g, key) };
}

/** Where the age clock of a debt stands after a payment (see the comment at the top). */
export function paidUpTo(since: number, balanceWei: bigint, paidWei: bigint, now: number): number {
  if (balanceWei <= 0n || paidWei >= balanceWei || now <= since) return Math.max(since, now);
  return since + Number((BigInt(now - since) * paidWei) / balanceWei);
}

export class Books {
  constructor(private readonly db: BookDb) {}

  payable(wallet: string): PayableRecord | undefined {
    const key = PAYABLE + walletKey(wallet);
    const raw = this.db.get(key);
    return raw === undefined ? undefined : decodePayable(key, raw);
  }

  receivable(wallet: string): ReceivableRecord | undefined {
    const key = RECEIVABLE + walletKey(wallet);
    const raw = this.db.get(key);
    return raw === undefined ? undefined : decodeReceivable(key, raw);
  }

  payables(): PayableRecord[] {
    return [...this.db.entries(PAYABLE)].map(({ key, value }) => decodePayable(key, value));
  }

  receivables(): ReceivableRecord[] {
    return [...this.db.entries(RECEIVABLE)].map(({ key, value }) => decodeReceivable(key, value));
  }

  totals(): BookTotals {
    const sum = (xs: { balanceWei: bigint }[]): bigint => xs.reduce((s, x) => s + x.balanceWei, 0n);
    return {
      unpaidAndPendingPayableWei: sum(this.payables()),
      paidPayableWei: this.total(PAID_PAYABLE),
      unpaidReceivableWei: sum(this.receivables()),
      paidReceivableWei: this.total(PAID_RECEIVABLE),
    };
  }

  /** We used a route or an exit: we owe the wallet that served us. */
  async recordServiceConsumed(wallet: string, amountWei: bigint, now: number): Promise<void> {
    return this.grow(PAYABLE + walletKey(wallet), amountWei, now);
  }

  /** We relayed or exited for the wallet: it owes us. */
  async recordServiceProvided(wallet: string, amountWei: bigint, now: number): Promise<void> {
    return this.grow(RECEIVABLE + walletKey(wallet), amountWei, now);
  }

  /**
   * Journals signed payments and marks their payables pending in one durable transaction: done before any of
   * them is sent, so after a crash every transaction that may be on its way to the chain is known.
   */
  async journalPayments(entries: readonly JournalEntry[]): Promise<void> {
    const rows = entries.map((e) => ({ key: JOURNAL + txHash(e.txHash), row: encodeJournal(e) }));
    return this.db.transaction((w) => {
      for (const [i, e] of entries.entries()) {
        const { key, row } = rows[i] as { key: string; row: JournalRow };
        if (this.db.get(key) !== undefined) throw new BooksError(`Payment ${e.txHash} is already journaled.`);
        this.pendingIn(w, e.creditor, e.txHash, e.amount);
        w.put(key, row);
      }
    });
  }

  /**
   * A journaled payment is settled: confirmed (paid at `now`) or failed (still owed). Its journal entry goes, with
   * those of its replacements (`siblings`: the same payment and nonce at other gas prices), which can no longer be mined.
   */
  async settlePayment(entry: JournalEntry, outcome: { paid: true; now: number } | { paid: false }, siblings: readonly PendingPayable[] = []): Promise<void> {
    const all = [entry, ...siblings];
    const keys = all.map((e) => JOURNAL + txHash(e.txHash));
    return this.db.transaction((w) => {
      for (const [i, key] of keys.entries()) if (this.db.get(key) === undefined) throw new BooksError(`Payment ${all[i]?.txHash} is not journaled.`);
      // The payable marks the latest bid as pending; whichever bid was mined settles it.
      const pendingHash = this.readPayable(PAYABLE + walletKey(entry.creditor))?.pending?.txHash;
      const marked = all.find((e) => e.txHash.toLowerCase() === pendingHash)?.txHash ?? entry.txHash;
      if (outcome.paid) this.paidIn(w, entry.creditor, marked, entry.amount, outcome.now);
      else this.unpendIn(w, entry.creditor, marked);
      for (const key of keys) w.remove(key);
    });
  }

  /** A higher bid for a stuck payment: journaled, and marked as the payable's pending payment, before it is sent. */
  async journalReplacement(stuck: JournalEntry, replacement: JournalEntry): Promise<void> {
    const key = JOURNAL + txHash(replacement.txHash);
    const row = encodeJournal(replacement);
    if (replacement.nonce !== stuck.nonce || replacement.amount !== stuck.amount || walletKey(replacement.creditor) !== walletKey(stuck.creditor)) {
      throw new BooksError('A replacement must be the same payment with the same nonce.');
    }
    return this.db.transaction((w) => {
      if (this.db.get(JOURNAL + txHash(stuck.txHash)) === undefined) throw new BooksError(`Payment ${stuck.txHash} is not journaled.`);
      const payableKey = PAYABLE + walletKey(stuck.creditor);
      const old = this.readPayable(payableKey);
      if (!old?.pending) throw new BooksError(`No payment to ${stuck.creditor} is pending.`);
      w.put(payableKey, encodeRow(old.balanceWei, old.lastPaidSec, { txHash: txHash(replacement.txHash), amountWei: old.pending.amountWei }));
      w.put(key, row);
    });
  }

  /** Payments journaled and not yet settled, in nonce order. */
  journal(): JournalEntry[] {
    return [...this.db.entries(JOURNAL)].map(({ key, value }) => decodeJournal(key, value)).sort((a, b) => a.nonce - b.nonce);
  }

  /**
   * Credits what a receivable scan found and moves the scan's start block past it in one transaction, so a crash
   * can neither credit a transfer twice nor skip one.
   */
  async creditTransfers(incoming: readonly Incoming[], nextBlock: number, now: number): Promise<void> {
    if (!Number.isSafeInteger(nextBlock) || nextBlock < 0) throw new BooksError(`${nextBlock} is not a block number.`);
    return this.db.transaction((w) => {
      for (const t of incoming) this.creditIn(w, t.from, t.amount, now);
      w.putConfig(START_BLOCK_ROW, String(nextBlock));
    });
  }

  /** Sets the receivable scan's start block unless one is set (a fresh database); true when it set it. */
  async startBlockIfUnset(block: number): Promise<boolean> {
    if (!Number.isSafeInteger(block) || block < 0) throw new BooksError(`${block} is not a block number.`);
    return this.db.transaction((w) => {
      if (this.db.getConfig(START_BLOCK_ROW) !== undefined) return false;
      w.putConfig(START_BLOCK_ROW, String(block));
      return true;
    });
  }

  /** The block the next receivable scan starts at, or undefined for "the latest". */
  startBlock(): number | undefined {
    const raw = this.db.getConfig(START_BLOCK_ROW);
    if (raw === undefined) return undefined;
    if (!/^[0-9]{1,15}$/.test(raw)) throw damaged(START_BLOCK_ROW);
    return Number(raw);
  }

  private pendingIn(w: BookWrite, wallet: string, hash: string, amountWei: bigint): void {
    const key = PAYABLE + walletKey(wallet);
    const h = txHash(hash);
    positive(amountWei, 'payment');
    const old = this.readPayable(key);
    if (!old) throw new BooksError(`We owe ${wallet} nothing, so there is nothing to pay.`);
    if (old.pending) throw new BooksError(`A payment to ${wallet} is already pending (${old.pending.txHash}).`);
    if (amountWei > old.balanceWei) throw new BooksError(`A payment of ${amountWei} wei to ${wallet} exceeds the ${old.balanceWei} wei we owe.`);
    w.put(key, encodeRow(old.balanceWei, old.lastPaidSec, { txHash: h, amountWei }));
  }

  private paidIn(w: BookWrite, wallet: string, hash: string, amountWei: bigint, now: number): void {
    const key = PAYABLE + walletKey(wallet);
    const h = txHash(hash);
    positive(amountWei, 'payment');
    timestamp(now);
    const old = this.readPayable(key);
    if (!old?.pending || old.pending.txHash !== h) throw new BooksError(`No payment ${h} to ${wallet} is pending.`);
    w.put(key, encodeRow(old.balanceWei - amountWei, paidUpTo(old.lastPaidSec, old.balanceWei, amountWei, now)));
    w.put(PAID_PAYABLE, (this.total(PAID_PAYABLE) + amountWei).toString());
  }

  private unpendIn(w: BookWrite, wallet: string, hash: string): void {
    const key = PAYABLE + walletKey(wallet);
    const h = txHash(hash);
    const old = this.readPayable(key);
    if (!old?.pending || old.pending.txHash !== h) throw new BooksError(`No payment ${h} to ${wallet} is pending.`);
    w.put(key, encodeRow(old.balanceWei, old.lastPaidSec));
  }

  private creditIn(w: BookWrite, wallet: string, amountWei: bigint, now: number): void {
    const key = RECEIVABLE + walletKey(wallet);
    positive(amountWei, 'payment');
    timestamp(now);
    const old = this.readReceivable(key);
    const balance = old?.balanceWei ?? 0n;
    const since = paidUpTo(old?.lastReceivedSec ?? now, balance, amountWei, now);
    w.put(key, encodeRow(balance - amountWei, since));
    w.put(PAID_RECEIVABLE, (this.total(PAID_RECEIVABLE) + amountWei).toString());
  }

  /** Many charges in one transaction (the hopper's, summed per wallet by charges.ts). */
  async recordCharges(charges: readonly Charge[]): Promise<void> {
    const rows = charges.map((c) => ({ key: (c.kind === 'payable' ? PAYABLE : RECEIVABLE) + walletKey(c.wallet), amount: positive(c.amountWei, 'charge'), at: timestamp(c.atSec) }));
    return this.db.transaction((w) => {
      for (const r of rows) this.growIn(w, r.key, r.amount, r.at);
    });
  }

  private async grow(key: string, amountWei: bigint, now: number): Promise<void> {
    positive(amountWei, 'charge');
    timestamp(now);
    return this.db.transaction((w) => this.growIn(w, key, amountWei, now));
  }

  /** A debt grows: a debt starting from nothing is as old as now, a growing one keeps its age. */
  private growIn(w: BookWrite, key: string, amountWei: bigint, now: number): void {
    const raw = this.db.get(key);
    const old = raw === undefined ? undefined : decodeRow(key, raw);
    const balance = old?.balanceWei ?? 0n;
    w.put(key, encodeRow(balance + amountWei, balance <= 0n || !old ? now : old.since, old?.pending));
  }

  private readPayable(key: string): PayableRecord | undefined {
    const raw = this.db.get(key);
    return raw === undefined ? undefined : decodePayable(key, raw);
  }

  private readReceivable(key: string): ReceivableRecord | undefined {
    const raw = this.db.get(key);
    return raw === undefined ? undefined : decodeReceivable(key, raw);
  }

  private total(key: string): bigint {
    const raw = this.db.get(key);
    return raw === undefined ? 0n : amountOf(raw, key);
  }
}
