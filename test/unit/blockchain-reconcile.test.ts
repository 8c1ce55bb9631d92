// Crash reconciliation decisions, exhaustively over every chain state a journal record can meet.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type ChainFacts, type PendingPayable, type TxOnChain, reconcile } from '../../src/blockchain/reconcile.js';

function record(nonce: number, tag = 'a', gasPrice = 1n, creditor = '1'): PendingPayable {
  const hash = `0x${tag.repeat(2)}${nonce.toString(16).padStart(62, '0')}`;
  return { creditor: `0x${creditor.repeat(40)}`, amount: 100n + BigInt(nonce), nonce, txHash: hash, rawTx: `0xraw${nonce}${tag}`, gasPrice };
}

function facts(minedNonceCount: number, txs: [PendingPayable, TxOnChain][]): ChainFacts {
  return { minedNonceCount, txs: new Map(txs.map(([r, t]) => [r.txHash, t])) };
}

const TX_STATES: TxOnChain[] = [
  { state: 'mined', success: true, blockNumber: 9 },
  { state: 'mined', success: false, blockNumber: 9 },
  { state: 'pooled' },
  { state: 'unknown' },
];

test('every (tx state × nonce spent or not) of a single record has one decision', () => {
  const r = record(5);
  const expected: Record<string, [string, string]> = {
    // tx state → [decision when nonce 5 is unspent (count 5), decision when spent (count 6)]
    'mined-true': ['confirm', 'confirm'],
    'mined-false': ['failed', 'failed'],
    pooled: ['wait', 'wait'],
    unknown: ['resend', 'superseded'],
  };
  for (const tx of TX_STATES) {
    const key = tx.state === 'mined' ? `mined-${tx.success}` : tx.state;
    const [unspent, spent] = expected[key]!;
    assert.equal(reconcile([r], facts(5, [[r, tx]]))[0]?.kind, unspent, `${key}, nonce unspent`);
    assert.equal(reconcile([r], facts(6, [[r, tx]]))[0]?.kind, spent, `${key}, nonce spent`);
  }
  assert.equal(reconcile([r], facts(5, []))[0]?.kind, 'resend', 'a hash the chain never heard of is unknown');
});

test('hash lookups ignore case; confirm and failed carry the block', () => {
  const r = { ...record(1), txHash: record(1).txHash.toUpperCase().replace('0X', '0x') };
  const f: ChainFacts = { minedNonceCount: 2, txs: new Map([[r.txHash.toLowerCase(), { state: 'mined', success: true, blockNumber: 77 }]]) };
  assert.deepEqual(reconcile([r], f), [{ kind: 'confirm', record: r, blockNumber: 77, siblings: [] }]);
});

test('two different payments holding one nonce are both investigated, never resent', () => {
  const a = record(3, 'a', 1n, '1');
  const b = record(3, 'b', 1n, '2');
  assert.deepEqual(reconcile([a, b], facts(3, [])).map((x) => x.kind), ['investigate', 'investigate']);
  assert.deepEqual(reconcile([a, b], facts(4, [[a, TX_STATES[0]!]])).map((x) => x.kind), ['investigate', 'investigate']);
});

test('bids of one payment: one decision, by the mined bid, else the pooled, else the highest bid', () => {
  const low = record(3, 'a', 10n);
  const high = record(3, 'b', 13n);
  const one = (f: ChainFacts) => {
    const actions = reconcile([low, high], f);
    assert.equal(actions.length, 1);
    return actions[0]!;
  };
  assert.deepEqual(one(facts(4, [[low, TX_STATES[0]!]])), { kind: 'confirm', record: low, blockNumber: 9, siblings: [high] }, 'the low bid mined');
  assert.deepEqual(one(facts(3, [[low, { state: 'pooled' }]])), { kind: 'wait', record: low, siblings: [high] });
  assert.deepEqual(one(facts(3, [[low, { state: 'pooled' }], [high, { state: 'pooled' }]])), { kind: 'wait', record: high, siblings: [low] });
  assert.deepEqual(one(facts(3, [])), { kind: 'resend', record: high, siblings: [low] }, 'the highest bid goes again');
  assert.deepEqual(one(facts(4, [])), { kind: 'superseded', record: high, siblings: [low] });
});

test('properties: one action per record of unique nonces, nonce order, resend only unspent unique nonces as the same bytes', () => {
  const state = fc.constantFrom(...TX_STATES);
  fc.assert(fc.property(fc.uniqueArray(fc.nat(40), { maxLength: 12 }), fc.nat(45), fc.array(state, { minLength: 12, maxLength: 12 }), (nonces, mined, states) => {
    const records = nonces.map((n) => record(n));
    const f = facts(mined, records.map((r, i) => [r, states[i]!]));
    const actions = reconcile(records, f);
    assert.equal(actions.length, records.length);
    assert.deepEqual(actions.map((a) => a.record.nonce), [...nonces].sort((x, y) => x - y));
    for (const a of actions) {
      const tx = f.txs.get(a.record.txHash)!;
      if (a.kind === 'resend') {
        assert.ok(tx.state === 'unknown' && a.record.nonce >= mined);
        assert.ok(records.includes(a.record), 'the journal record itself, so the same signed bytes');
      }
      if (a.kind === 'confirm') assert.ok(tx.state === 'mined' && tx.success);
      if (tx.state === 'unknown' && a.record.nonce < mined) assert.equal(a.kind, 'superseded');
    }
  }), { numRuns: 500, seed: 71 });
});
