import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Books, BooksError, type JournalEntry, paidUpTo, serviceCharge } from '../../src/accountant/books.js';
import { SCHEMA_VERSION, openStore, type Store } from '../../src/store/index.js';
import { openStoreInternal } from '../../src/store/store.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { dumpStore } from '../helpers/store-dump.js';
import { withDataDir } from '../helpers/store-tmp.js';

const CHAIN = 'base-sepolia';
const A = '0x' + 'a1'.repeat(20);
const B = '0x' + 'b2'.repeat(20);
const HASH = '0x' + '3c'.repeat(32);
const HASH2 = '0x' + '4d'.repeat(32);

async function withBooks<T>(dir: string, use: (books: Books, store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: dir, chain: CHAIN, choosePort: () => 5555 });
  try {
    return await use(new Books(store.books()), store);
  } finally {
    await store.close();
  }
}

/** A journaled payment of `amount` to `wallet` under `hash` (what the payer writes before sending). */
const payment = (wallet: string, hash: string, amount: bigint): JournalEntry => ({ creditor: wallet, amount, nonce: 0, txHash: hash, rawTx: '0xf8', gasPrice: 1n, journaledSec: 1 });

const rejectsBooks = (p: Promise<unknown>, re: RegExp): Promise<void> => assert.rejects(p, (e: unknown) => e instanceof BooksError && e.code === 'ACCOUNTANT' && re.test(e.message));

describe('accountant books: pure helpers', () => {
  it('serviceCharge is service rate plus byte rate times bytes', () => {
    assert.equal(serviceCharge({ serviceRate: 53844n, byteRate: 107688n }, 0), 53844n);
    assert.equal(serviceCharge({ serviceRate: 53844n, byteRate: 107688n }, 1000), 53844n + 107688000n);
    assert.throws(() => serviceCharge({ serviceRate: 1n, byteRate: 1n }, -1), BooksError);
    assert.throws(() => serviceCharge({ serviceRate: 1n, byteRate: 1n }, 1.5), BooksError);
  });
  it('paidUpTo moves the age clock in proportion to what is paid', () => {
    assert.equal(paidUpTo(1000, 100n, 50n, 2000), 1500);
    assert.equal(paidUpTo(1000, 100n, 100n, 2000), 2000);
    assert.equal(paidUpTo(1000, 100n, 1n, 2000), 1010, 'a tiny payment barely resets the age (old #778)');
    assert.equal(paidUpTo(1000, 0n, 5n, 2000), 2000, 'nothing owed');
    assert.equal(paidUpTo(3000, 100n, 5n, 2000), 3000, 'a clock never runs backwards');
  });
});

describe('accountant books: LMDB', () => {
  it('records service both ways, pays, and survives reopen', () =>
    withDataDir(async (dir) => {
      await withBooks(dir, async (books) => {
        await books.recordServiceConsumed(A, 700n, 1000);
        await books.recordServiceConsumed(A.toUpperCase().replace('0X', '0x'), 300n, 1100);
        await books.recordServiceProvided(B, 50n, 1200);
        await books.journalPayments([payment(A, HASH, 1000n)]);
      });
      await withBooks(dir, async (books) => {
        assert.deepEqual(books.payable(A), { wallet: A, balanceWei: 1000n, lastPaidSec: 1000, pending: { txHash: HASH, amountWei: 1000n } });
        assert.deepEqual(books.receivables(), [{ wallet: B, balanceWei: 50n, lastReceivedSec: 1200 }]);
        await books.recordServiceConsumed(A, 10n, 1500);
        await books.settlePayment(payment(A, HASH, 1000n), { paid: true, now: 2000 });
        await books.creditTransfers([{ from: B, amount: 80n }], 7, 2100);
        assert.deepEqual(books.payable(A), { wallet: A, balanceWei: 10n, lastPaidSec: 1000 + Math.floor((1000 * 1000) / 1010) });
        assert.deepEqual(books.receivable(B), { wallet: B, balanceWei: -30n, lastReceivedSec: 2100 });
        assert.deepEqual(books.totals(), { unpaidAndPendingPayableWei: 10n, paidPayableWei: 1000n, unpaidReceivableWei: -30n, paidReceivableWei: 80n });
      });
      await withBooks(dir, async (books) => assert.equal(books.totals().paidPayableWei, 1000n));
    }));

  it('refuses bad updates with typed errors and leaves the books unchanged', () =>
    withDataDir(async (dir) =>
      withBooks(dir, async (books) => {
        await assert.rejects(() => books.recordServiceConsumed('0x12', 1n, 1), BooksError);
        await assert.rejects(() => books.recordServiceConsumed(A, 0n, 1), BooksError);
        await assert.rejects(() => books.recordServiceProvided(A, 1n, -1), BooksError);
        await rejectsBooks(books.journalPayments([payment(A, HASH, 1n)]), /owe .* nothing/);
        await books.recordServiceConsumed(A, 100n, 1);
        await assert.rejects(() => books.journalPayments([payment(A, '0x1234', 1n)]), BooksError);
        await rejectsBooks(books.journalPayments([payment(A, HASH, 101n)]), /exceeds/);
        await books.journalPayments([payment(A, HASH, 100n)]);
        await rejectsBooks(books.journalPayments([payment(A, HASH2, 1n)]), /already pending/);
        await rejectsBooks(books.settlePayment(payment(A, HASH2, 100n), { paid: true, now: 5 }), /not journaled/);
        await books.settlePayment(payment(A, HASH, 100n), { paid: false });
        assert.deepEqual(books.payable(A), { wallet: A, balanceWei: 100n, lastPaidSec: 1 });
        assert.equal(books.totals().paidPayableWei, 0n);
      })));

  it('concurrent updates in one process keep the sums exact', () =>
    withDataDir(async (dir) => {
      const big = 10n ** 30n + 7n; // beyond 2^64 and far beyond Number precision
      await withBooks(dir, async (books) => {
        await Promise.all(Array.from({ length: 200 }, (_, i) => Promise.all([
          books.recordServiceConsumed(i % 2 ? A : B, big + BigInt(i), 10 + i),
          books.recordServiceProvided(A, big, 10 + i),
          i % 4 === 0 ? books.creditTransfers([{ from: A, amount: 3n }], i, 10 + i) : Promise.resolve(),
        ])));
      });
      await withBooks(dir, async (books) => {
        const sumI = (odd: boolean): bigint => BigInt(Array.from({ length: 200 }, (_, i) => i).filter((i) => (i % 2 === 1) === odd).reduce((s, i) => s + i, 0));
        assert.equal(books.payable(A)?.balanceWei, 100n * big + sumI(true));
        assert.equal(books.payable(B)?.balanceWei, 100n * big + sumI(false));
        assert.equal(books.receivable(A)?.balanceWei, 200n * big - 50n * 3n);
        assert.equal(books.totals().paidReceivableWei, 150n);
        assert.equal(books.totals().unpaidAndPendingPayableWei, 200n * big + sumI(true) + sumI(false));
      });
    }));

  it('migrating a schema 2 store adds empty books and keeps every config row', () =>
    withDataDir(async (dir) => {
      const v2 = await openStoreInternal({ dataDir: dir, chain: CHAIN, choosePort: () => 5555 }, { migrations: MIGRATIONS.filter((m) => m.from < 2), schemaVersion: 2 });
      await v2.setConfig({ min_hops: '4', gas_price: '9' });
      await v2.changePassword(undefined, 'pw');
      await v2.setSecret({ past_neighbors: 'x' });
      await v2.close();
      const before = await dumpStore(dir);
      assert.equal(before.databases.books, undefined);
      await withBooks(dir, async (books, store) => {
        assert.equal(store.schemaVersion, SCHEMA_VERSION);
        assert.deepEqual(books.payables(), []);
        await store.unlock('pw');
        assert.equal(store.getSecret('past_neighbors'), 'x');
      });
      const after = await dumpStore(dir);
      assert.deepEqual(after.databases.config, before.databases.config);
      assert.deepEqual(after.databases.secrets, before.databases.secrets);
      assert.deepEqual(after.databases.books?.entries, {});
      assert.equal(after.databases.meta?.entries.schema_version, String(SCHEMA_VERSION));
    }));

  it('a damaged entry is reported as such, not parsed', () =>
    withDataDir(async (dir) =>
      withBooks(dir, async (books, store) => {
        await store.books().transaction((w) => w.put('p:' + A, { b: '1'.repeat(200), t: 1 }));
        assert.throws(() => books.payable(A), (e: unknown) => e instanceof Error && /damaged/.test(e.message));
      })));
});
