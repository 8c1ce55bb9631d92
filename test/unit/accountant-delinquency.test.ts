import { test } from 'node:test';
import assert from 'node:assert/strict';
import { thresholdWei } from '../../src/accountant/curve.js';
import { parsePaymentThresholds } from '../../src/config/index.js';
import { Delinquents, type Receivable } from '../../src/accountant/delinquency.js';

// debt threshold 1000 gwei, maturity 100 s, grace 50 s, permanent debt allowed 100 gwei, interval 1000 s, unban 10 gwei
const T = parsePaymentThresholds('1000|100|50|100|1000|10');
const GWEI = 1_000_000_000n;

test('a debtor past the curve and the grace period is banned until it pays down to the unban level', () => {
  const books = new Map<string, Receivable>();
  let now = 10_000;
  const d = new Delinquents(T, (w) => books.get(w), () => now);
  const w = '0x' + 'ab'.repeat(20);
  assert.equal(d.isBanned(w), false, 'no debt, no ban');
  books.set(w, { balanceWei: 5000n * GWEI, lastReceivedSec: now - 10 });
  assert.equal(d.isBanned(w), false, 'young debt is not delinquent');
  books.set(w, { balanceWei: 5000n * GWEI, lastReceivedSec: now - 160 });
  assert.equal(d.isBanned(w), true, 'past maturity and grace, above the curve');
  // Paying to just under the curve is not enough: the ban holds until the unban level.
  const age = BigInt(160 - 50);
  books.set(w, { balanceWei: thresholdWei(T, age) - 1n, lastReceivedSec: now - 160 });
  assert.equal(d.isBanned(w), true);
  books.set(w, { balanceWei: 10n * GWEI, lastReceivedSec: now });
  assert.equal(d.isBanned(w), false, 'paid down to the unban level');
  now += 1;
  assert.equal(d.isBanned(w), false, 'and stays unbanned while the debt is small');
  assert.equal(new Delinquents(T, () => ({ balanceWei: 100n * GWEI, lastReceivedSec: 0 }), () => 1e9).isBanned(w), false,
    'never banned for the permanent debt allowed');
});
