// The hopper's charges, summed per wallet and written about once a second in one transaction.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Books } from '../../src/accountant/books.js';
import { ChargeBuffer, MAX_PENDING_WALLETS } from '../../src/accountant/charges.js';
import type { BookDb } from '../../src/store/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { memoryBookDb } from '../helpers/memory-books.js';

const A = `0x${'a'.repeat(40)}`;
const B = `0x${'b'.repeat(40)}`;
const log = createLogger(createLogCore('off'), 'Accountant');

/** Books over a memory db that counts its transactions. */
function counted(): { books: Books; commits: () => number } {
  const db = memoryBookDb();
  let n = 0;
  const wrapped: BookDb = { ...db, transaction: (change) => { n++; return db.transaction(change); } };
  return { books: new Books(wrapped), commits: () => n };
}

test('charges to one wallet are summed and written in one commit when the second passes', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { books, commits } = counted();
  let now = 100;
  const buffer = new ChargeBuffer(books, () => now, log);
  for (let i = 0; i < 64; i++) buffer.add('receivable', A.toUpperCase().replace('0X', '0x'), 10n);
  now = 101;
  buffer.add('payable', B, 7n);
  buffer.add('receivable', A, 0n);
  assert.equal(books.receivable(A), undefined, 'nothing written before the flush');
  t.mock.timers.tick(1000);
  await buffer.flush();
  assert.equal(commits(), 1, 'one transaction for 65 charges');
  assert.deepEqual(books.receivable(A), { wallet: A, balanceWei: 640n, lastReceivedSec: 100 }, 'the debt is as old as its first charge');
  assert.equal(books.payable(B)?.balanceWei, 7n);
  await buffer.flush();
  assert.equal(commits(), 1, 'an empty flush writes nothing');
});

test('a flood of distinct payers forces a flush before the timer', async () => {
  const { books, commits } = counted();
  const buffer = new ChargeBuffer(books, () => 5, log, 60_000);
  for (let i = 0; i < MAX_PENDING_WALLETS; i++) buffer.add('receivable', `0x${i.toString(16).padStart(40, '0')}`, 1n);
  await buffer.flush();
  assert.equal(commits(), 1);
  assert.equal(books.receivables().length, MAX_PENDING_WALLETS);
});
