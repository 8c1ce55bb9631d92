// The payer's decisions against a scripted chain: which debts are paid, what a refused, silent, reverted or
// superseded transaction does to the books, and that nothing is ever paid twice. The real chain and kill -9
// are in test/integration/payments-crash.test.ts and payments-mesh.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Books } from '../../src/accountant/books.js';
import { parsePaymentThresholds } from '../../src/config/index.js';
import { type PayerChain, Payments, choosePayments } from '../../src/accountant/payments.js';
import type { Payment, ReceiptState, SendOutcome } from '../../src/blockchain/erc20-bridge.js';
import type { ChainFacts, PendingPayable, TxOnChain } from '../../src/blockchain/reconcile.js';
import { MasqError } from '../../src/system/errors.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { memoryBookDb } from '../helpers/memory-books.js';

const WALLET = `0x${'c'.repeat(40)}`;
const A = `0x${'a'.repeat(40)}`;
const B = `0x${'b'.repeat(40)}`;
const D = `0x${'d'.repeat(40)}`;
// Gwei and seconds: anything over 10 gwei is due once 2 s old.
const THRESHOLDS = parsePaymentThresholds('50|1|1|10|1|20');
const GWEI = 1_000_000_000n;

type SendScript = 'accept' | 'refuse' | 'silent';

/** A chain that mines what it accepts at once (or keeps it pooled), with scripted answers to sends. */
class ScriptedChain implements PayerChain {
  balance = 1000n * GWEI;
  minedNonces = 0;
  readonly mined = new Map<string, { success: boolean; block: number; record: PendingPayable }>();
  readonly pool = new Map<string, PendingPayable>();
  readonly sends: string[] = [];
  sendScript: SendScript[] = [];
  revertNext = false;
  poolOnly = false;
  gasPrice = 1_000_000_000n;
  /** Paid per creditor, counted from mined successful transfers only. */
  readonly received = new Map<string, bigint>();
  private localNonce = 0;

  wallet(): string { return WALLET; }
  async tokenBalance(): Promise<bigint> { return this.balance; }

  /** As hardhat's EDR does for transactions under the base fee: pooled ones left out of the pending count. */
  poolLeftOutOfCount = false;

  async sign(payments: readonly Payment[], nonceAtLeast: number): Promise<PendingPayable[]> {
    const pendingCount = this.minedNonces + (this.poolLeftOutOfCount ? 0 : this.pool.size);
    const start = Math.max(this.localNonce, pendingCount, nonceAtLeast);
    return payments.map((p, i) => this.signed(p, start + i, this.gasPrice));
  }

  /** The payer restarted: what it remembered of nonces is gone. */
  restart(): void {
    this.localNonce = 0;
  }

  async signReplacement(stuck: PendingPayable): Promise<PendingPayable> {
    return this.signed(stuck, stuck.nonce, (stuck.gasPrice * 125n) / 100n);
  }

  private signed(p: Payment, nonce: number, gasPrice: bigint): PendingPayable {
    const rawTx = `0x${Buffer.from(`${p.creditor}:${p.amount}:${nonce}:${gasPrice}`).toString('hex')}`;
    return { creditor: p.creditor, amount: p.amount, nonce, rawTx, txHash: `0x${createHash('sha256').update(rawTx).digest('hex')}`, gasPrice };
  }

  async send(records: readonly PendingPayable[]): Promise<SendOutcome[]> {
    const out: SendOutcome[] = [];
    let stopped = false;
    for (const r of records) {
      if (stopped) {
        out.push({ status: 'skipped', record: r });
        continue;
      }
      const o = await this.sendRaw(r);
      out.push(o);
      if (o.status === 'rejected' || o.status === 'unknown') stopped = true;
      else this.localNonce = r.nonce + 1;
    }
    return out;
  }

  async sendRaw(record: PendingPayable): Promise<SendOutcome> {
    this.sends.push(record.txHash);
    const script = this.sendScript.shift() ?? 'accept';
    if (script === 'silent') return { status: 'unknown', record, error: new MasqError('BLOCKCHAIN_RPC', 'no answer') };
    if (script === 'refuse') return { status: 'rejected', record, error: new MasqError('BLOCKCHAIN_TX', 'insufficient funds for gas') };
    if (this.mined.has(record.txHash) || this.pool.has(record.txHash)) return { status: 'already-known', record };
    if (record.nonce < this.minedNonces) return { status: 'rejected', record, error: new MasqError('BLOCKCHAIN_TX', 'nonce too low') };
    if (this.poolOnly) {
      // A higher bid with the same nonce takes the old one's place in the pool, as nodes do.
      for (const [h, old] of this.pool) if (old.nonce === record.nonce) this.pool.delete(h);
      this.pool.set(record.txHash, record);
    }
    else this.mine(record);
    return { status: 'sent', record };
  }

  mine(record: PendingPayable, success = !this.revertNext): void {
    this.revertNext = false;
    this.pool.delete(record.txHash);
    this.mined.set(record.txHash, { success, block: this.mined.size + 1, record });
    this.minedNonces = Math.max(this.minedNonces, record.nonce + 1);
    if (success) {
      this.balance -= record.amount;
      this.received.set(record.creditor, (this.received.get(record.creditor) ?? 0n) + record.amount);
    }
  }

  async waitForReceipts(hashes: readonly string[]): Promise<Map<string, ReceiptState>> {
    return new Map(hashes.map((h) => {
      const m = this.mined.get(h);
      return [h, m ? { state: m.success ? 'success' : 'failed', blockNumber: m.block } : { state: 'pending' }] as [string, ReceiptState];
    }));
  }

  async chainFacts(_wallet: string, records: readonly PendingPayable[]): Promise<ChainFacts> {
    const txs = new Map<string, TxOnChain>();
    for (const r of records) {
      const m = this.mined.get(r.txHash);
      txs.set(r.txHash, m ? { state: 'mined', success: m.success, blockNumber: m.block } : this.pool.has(r.txHash) ? { state: 'pooled' } : { state: 'unknown' });
    }
    return { txs, minedNonceCount: this.minedNonces };
  }
}

function setup(now = { sec: 1000 }, extra: { replaceAfterSec?: number } = {}): { books: Books; chain: ScriptedChain; payments: Payments; logs: string[]; now: { sec: number } } {
  const books = new Books(memoryBookDb());
  const chain = new ScriptedChain();
  const core = createLogCore('info');
  const logs: string[] = [];
  core.listeners.add((_level, _c, msg) => logs.push(msg));
  const payments = new Payments({ books, chain, thresholds: () => THRESHOLDS, nowSec: () => now.sec, log: createLogger(core, 'Payer'), receiptWaitMs: 0, ...extra });
  return { books, chain, payments, logs, now };
}

async function owe(books: Books, wallet: string, gwei: bigint, at: number): Promise<void> {
  await books.recordServiceConsumed(wallet, gwei * GWEI, at);
}

test('choosePayments pays the oldest debts first, as far as the MASQ goes', () => {
  const p = (wallet: string, gwei: bigint, since: number) => ({ wallet, balanceWei: gwei * GWEI, lastPaidSec: since });
  const { pay, unfunded } = choosePayments([p(A, 60n, 30), p(B, 50n, 10), p(D, 30n, 20)], 90n * GWEI);
  assert.deepEqual(pay.map((x) => x.wallet), [B, D]);
  assert.deepEqual(unfunded.map((x) => x.wallet), [A]);
});

test('due debts are paid in full and confirmed; young or small ones wait', async () => {
  const { books, chain, payments, now } = setup();
  await owe(books, A, 100n, 990);
  await owe(books, B, 5n, 990); // under the permanent debt allowed
  await owe(books, D, 100n, 999); // too young
  const r = await payments.scanPayables();
  assert.deepEqual(r, { paid: 1, failed: 0, waiting: 0, unfunded: 0 });
  assert.equal(chain.received.get(A), 100n * GWEI);
  assert.equal(books.payable(A)?.balanceWei, 0n);
  assert.equal(books.payable(D)?.balanceWei, 100n * GWEI);
  assert.equal(books.journal().length, 0);
  assert.equal(books.totals().paidPayableWei, 100n * GWEI);
  now.sec = 1010;
  assert.equal((await payments.scanPayables()).paid, 1, 'D is paid once it is old enough');
  assert.equal(chain.received.get(D), 100n * GWEI);
});

test('what the MASQ does not cover waits, with a warning, and nothing is sent for it', async () => {
  const { books, chain, payments, logs } = setup();
  chain.balance = 150n * GWEI;
  await owe(books, A, 100n, 980);
  await owe(books, B, 100n, 990);
  const r = await payments.scanPayables();
  assert.equal(r.paid, 1);
  assert.equal(r.unfunded, 1);
  assert.equal(chain.received.get(B), undefined);
  assert.ok(logs.some((l) => /does not cover 1 due payment/.test(l)), logs.join('\n'));
});

test('a send with no answer stays journaled, blocks new payments, and is resent as the same bytes', async () => {
  const { books, chain, payments } = setup();
  await owe(books, A, 100n, 990);
  await owe(books, B, 100n, 990);
  chain.sendScript = ['silent'];
  const r = await payments.scanPayables();
  assert.equal(r.paid, 0);
  assert.equal(books.journal().length, 1, 'the unanswered one stays; the one behind it was never sent and is released');
  const journaled = books.journal()[0]?.txHash;
  await owe(books, D, 100n, 990);
  chain.sendScript = ['silent'];
  const blocked = await payments.scanPayables();
  assert.equal(blocked.paid, 0, 'no new batch while a payment is unsure');
  assert.deepEqual(chain.sends.slice(-1), [journaled], 'only the journaled bytes were sent again');
  const done = await payments.scanPayables();
  assert.equal(done.paid, 2, 'once A is settled, B and D are paid');
  assert.equal(books.journal().length, 0);
  for (const w of [A, B, D]) assert.equal(chain.received.get(w), 100n * GWEI, `${w} paid exactly once`);
});

test('a refused send and the batch behind it settle as unpaid and are paid on a later scan', async () => {
  const { books, chain, payments } = setup();
  await owe(books, A, 100n, 990);
  await owe(books, B, 100n, 991);
  chain.sendScript = ['refuse'];
  const r = await payments.scanPayables();
  assert.deepEqual(r, { paid: 0, failed: 2, waiting: 0, unfunded: 0 });
  assert.equal(books.journal().length, 0);
  assert.equal(books.payable(A)?.pending, undefined);
  assert.equal((await payments.scanPayables()).paid, 2);
  assert.equal(chain.received.get(A), 100n * GWEI);
  assert.equal(chain.received.get(B), 100n * GWEI);
});

test('a reverted transfer leaves the debt owed, and the next scan pays it with a new nonce', async () => {
  const { books, chain, payments, logs } = setup();
  await owe(books, A, 100n, 990);
  chain.revertNext = true;
  assert.equal((await payments.scanPayables()).failed, 1);
  assert.equal(books.payable(A)?.balanceWei, 100n * GWEI);
  assert.ok(logs.some((l) => /reverted in block/.test(l)), logs.join('\n'));
  assert.equal((await payments.scanPayables()).paid, 1);
  assert.equal(chain.received.get(A), 100n * GWEI);
  assert.equal(chain.minedNonces, 2);
});

test('after a crash between journal and send, the pending scan sends the journaled bytes and confirms them', async () => {
  const { books, chain, payments } = setup();
  await owe(books, A, 100n, 990);
  const [record] = await chain.sign([{ creditor: A, amount: 100n * GWEI }], 0);
  await books.journalPayments([{ ...(record as PendingPayable), journaledSec: 1000 }]);
  const first = await payments.scanPendingPayables();
  assert.deepEqual(first, { confirmed: 1, failed: 0, waiting: 0, unsure: 0 }, 'resent, mined and confirmed in one scan');
  assert.equal(chain.sends.length, 1);
  assert.equal(chain.received.get(A), 100n * GWEI);
  assert.equal(books.payable(A)?.balanceWei, 0n);
});

test('a journaled payment whose nonce another transaction spent is released; one mined meanwhile is confirmed', async () => {
  const { books, chain, payments, logs } = setup();
  await owe(books, A, 100n, 990);
  await owe(books, B, 100n, 990);
  const [a, b] = await chain.sign([{ creditor: A, amount: 100n * GWEI }, { creditor: B, amount: 100n * GWEI }], 0);
  await books.journalPayments([a, b].map((r) => ({ ...(r as PendingPayable), journaledSec: 1000 })));
  // Someone else used nonce 0; and B's own bytes get mined just as the payer first looks (the race).
  chain.minedNonces = 1;
  const realFacts = chain.chainFacts.bind(chain);
  let calls = 0;
  chain.chainFacts = async (w, rs) => {
    calls++;
    if (calls === 1) {
      const facts = await realFacts(w, rs);
      chain.mine(b as PendingPayable);
      return { ...facts, minedNonceCount: 2 };
    }
    return realFacts(w, rs);
  };
  const r = await payments.scanPendingPayables();
  assert.equal(r.failed, 1, 'A is released: its bytes can never be mined');
  assert.equal(r.confirmed, 1, 'B, mined in the race, is confirmed, not released');
  assert.equal(books.payable(A)?.balanceWei, 100n * GWEI);
  assert.equal(books.payable(B)?.balanceWei, 0n);
  assert.ok(logs.some((l) => /another transaction spent nonce 0/.test(l)));
});

test('a payment stuck in the pool is bid again, same nonce, higher price; whichever bid is mined settles it once', async () => {
  for (const mined of ['new', 'old'] as const) {
    const { books, chain, payments, now, logs } = setup({ sec: 1000 }, { replaceAfterSec: 300 });
    chain.poolOnly = true;
    await owe(books, A, 100n, 990);
    await payments.scanPayables();
    const [first] = books.journal();
    now.sec += 200;
    await payments.scanPendingPayables();
    assert.equal(books.journal().length, 1, 'not yet');
    now.sec += 101;
    await payments.scanPendingPayables();
    const bids = books.journal().sort((x, y) => (x.txHash === first?.txHash ? -1 : y.txHash === first?.txHash ? 1 : 0));
    assert.equal(bids.length, 2, 'the stuck payment and its new bid are both journaled');
    assert.equal(bids[1]?.nonce, first?.nonce);
    assert.equal(bids[1]?.gasPrice, ((first?.gasPrice ?? 0n) * 125n) / 100n);
    assert.equal(books.payable(A)?.pending?.txHash, bids[1]?.txHash, 'the payable points at the latest bid');
    assert.ok(logs.some((l) => /bid again at 1250000000 wei per gas/.test(l)), logs.join('\n'));
    chain.mine(mined === 'new' ? (bids[1] as PendingPayable) : (first as PendingPayable));
    const r = await payments.scanPendingPayables();
    assert.equal(r.confirmed, 1, `the ${mined} bid mined: confirmed`);
    assert.equal(books.journal().length, 0, 'both bids leave the journal');
    assert.equal(books.payable(A)?.balanceWei, 0n);
    assert.equal(chain.received.get(A), 100n * GWEI, 'paid once');
  }
});

test('a payment waiting in the pool keeps its nonce, even from a node that leaves it out of its pending count', async () => {
  const { books, chain, payments, now } = setup();
  chain.poolOnly = true;
  chain.poolLeftOutOfCount = true;
  await owe(books, A, 100n, 990);
  await payments.scanPayables();
  chain.restart();
  await owe(books, B, 100n, now.sec - 10);
  await payments.scanPayables();
  const nonces = books.journal().map((e) => e.nonce);
  assert.deepEqual(nonces, [0, 1], 'B gets the nonce after A\'s, not A\'s again');
});

test('a payment pooled for more than six hours is reported and kept, never paid again', async () => {
  const { books, chain, payments, logs, now } = setup({ sec: 1000 }, { replaceAfterSec: 60 });
  chain.poolOnly = true;
  await owe(books, A, 100n, 990);
  const r = await payments.scanPayables();
  assert.equal(r.waiting, 1);
  for (let i = 0; i < 6; i++) {
    now.sec += 3600 + 1;
    await payments.scanPendingPayables();
  }
  assert.equal(books.journal().length, 5, 'five bids, then no more');
  await owe(books, A, 100n, now.sec - 10);
  const again = await payments.scanPayables();
  assert.equal(again.paid, 0);
  assert.equal(chain.pool.size, 1, 'no second payment for A while one of its bids is pooled');
  assert.ok(logs.some((l) => /still not mined after 5 bids/.test(l)), logs.join('\n'));
  chain.mine([...chain.pool.values()][0] as PendingPayable);
  await payments.scanPendingPayables();
  assert.equal(books.payable(A)?.balanceWei, 100n * GWEI, 'the first 100 paid, the later 100 still owed');
});
