// Block windows for eth_getLogs: splitting, shrinking on range complaints, growing back, and the scan walk
// against a scripted RPC that enforces a hidden span limit.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { grow, initialWindow, nextRange, rangeComplaint, shrink } from '../../src/blockchain/ranges.js';
import { RangeTooNarrow, scanRange } from '../../src/blockchain/scan.js';

const text = (err: unknown): string => (err instanceof Error ? err.message : String(err));

test('nextRange covers from..last in windows of at most span blocks', () => {
  fc.assert(fc.property(fc.nat(1_000_000), fc.nat(5_000), fc.integer({ min: 1, max: 700 }), (from, length, span) => {
    const last = from + length;
    let next = from;
    let count = 0;
    for (let r = nextRange(next, last, { span, successes: 0 }); r; r = nextRange(next, last, { span, successes: 0 })) {
      assert.equal(r.from, next);
      assert.ok(r.to >= r.from && r.to - r.from + 1 <= span && r.to <= last);
      next = r.to + 1;
      count++;
    }
    assert.equal(next, last + 1);
    assert.equal(count, Math.ceil((length + 1) / span));
  }), { numRuns: 500, seed: 51 });
  assert.equal(nextRange(10, 9, { span: 5, successes: 0 }), undefined);
});

test('shrink halves, or takes a smaller named limit, and gives up at one block', () => {
  const s = initialWindow({ maxSpan: 1000, growAfter: 3 });
  assert.deepEqual(shrink(s, 1000), { span: 500, successes: 0 });
  assert.deepEqual(shrink(s, 1000, 250), { span: 250, successes: 0 });
  assert.deepEqual(shrink(s, 1000, 5000), { span: 500, successes: 0 }, 'a limit above the failed span is no help');
  assert.deepEqual(shrink(s, 3), { span: 1, successes: 0 });
  assert.equal(shrink(s, 1), undefined);
});

test('grow doubles after growAfter successes, never beyond maxSpan', () => {
  const policy = { maxSpan: 100, growAfter: 3 };
  let s = { span: 10, successes: 0 };
  s = grow(grow(s, policy), policy);
  assert.deepEqual(s, { span: 10, successes: 2 });
  s = grow(s, policy);
  assert.deepEqual(s, { span: 20, successes: 0 });
  fc.assert(fc.property(fc.integer({ min: 1, max: 100 }), fc.nat(50), (span, steps) => {
    let w = { span, successes: 0 };
    for (let i = 0; i < steps; i++) w = grow(w, policy);
    assert.ok(w.span >= span && w.span <= Math.max(span, 100));
  }), { numRuns: 300, seed: 52 });
});

// How RPC providers name a block-range limit in an eth_getLogs error. MASQ's Node reads "max: N", "allowed for
// your plan: N", "is limited to N" and "block range limit (N", and takes "Expected batch, got single" as a limit of
// 1000 (BlockchainBridge::extract_max_block_count in MASQ-Project/Node, node/src/blockchain/blockchain_bridge.rs).
// A complaint about the range that names no number gives no limit ({}); an unrelated error is no complaint.
test('rangeComplaint recognises the providers\' phrasings and ignores other errors', () => {
  const cases: [string, number | undefined][] = [
    ['query returned more than 10000 results. Try with this block range [0x1, 0x2]. max: 2000', 2000],
    ['eth_getLogs is limited to 1024 block range', 1024],
    ['ranges over 10000 blocks are not supported on freetier, allowed for your plan: 500', 500],
    ['You hit the block range limit (100 blocks)', 100],
    ['exceeds max block range 3000', 3000],
    ['block range too large, maximum allowed is 5000 blocks', 5000],
    ['Expected batch, got single', 1000],
    ['query returned more than 10000 results', undefined],
    ['Log response size exceeded: block range too wide', undefined],
    ['too many logs in response', undefined],
  ];
  for (const [msg, limit] of cases) assert.deepEqual(rangeComplaint(msg), limit === undefined ? {} : { limit }, msg);
  for (const msg of ['connect ECONNREFUSED 127.0.0.1:8545', 'execution reverted', 'invalid params']) assert.equal(rangeComplaint(msg), undefined, msg);
});

interface Log {
  block: number;
}

/** A scripted RPC: refuses spans above `limit` (optionally naming it), returns one log per block in `blocks`. */
function scriptedRpc(limit: number, blocks: Set<number>, nameLimit: boolean) {
  const spans: number[] = [];
  const fetch = async (r: { from: number; to: number }): Promise<Log[]> => {
    const span = r.to - r.from + 1;
    spans.push(span);
    if (span > limit) throw new Error(nameLimit ? `exceeds max block range ${limit}` : 'query returned more than 10000 results');
    return [...blocks].filter((b) => b >= r.from && b <= r.to).sort((a, b) => a - b).map((block) => ({ block }));
  };
  return { fetch, spans };
}

test('scanRange finds every log exactly once, in order, whatever the hidden limit', async () => {
  await fc.assert(fc.asyncProperty(
    fc.nat(10_000), fc.nat(400), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 128 }), fc.boolean(), fc.uniqueArray(fc.nat(400), { maxLength: 30 }),
    async (from, length, limit, maxSpan, nameLimit, offsets) => {
      const to = from + length;
      const blocks = new Set(offsets.filter((o) => o <= length).map((o) => from + o));
      const rpc = scriptedRpc(limit, blocks, nameLimit);
      const result = await scanRange(from, to, { maxSpan, growAfter: 2 }, rpc.fetch, text);
      assert.deepEqual(result.items.map((l) => l.block), [...blocks].sort((a, b) => a - b));
      assert.equal(result.requests, rpc.spans.length);
      assert.ok(rpc.spans.every((s) => s <= maxSpan));
      // Refusals are bounded: at most log2(maxSpan)+1 in a row before a span fits.
      assert.ok(result.requests <= (length + 1) * (Math.ceil(Math.log2(maxSpan)) + 2));
    },
  ), { numRuns: 300, seed: 53 });
});

test('scanRange grows the window back after successes', async () => {
  const rpc = scriptedRpc(1_000_000, new Set(), false);
  let refuse = true;
  const fetch = async (r: { from: number; to: number }): Promise<Log[]> => {
    if (refuse) {
      refuse = false;
      throw new Error('block range too large');
    }
    return rpc.fetch(r);
  };
  await scanRange(0, 999, { maxSpan: 64, growAfter: 1 }, fetch, text);
  assert.deepEqual(rpc.spans.slice(0, 3), [32, 64, 64]);
});

test('a scan starts from the span the previous one learned, within maxSpan', async () => {
  const rpc = scriptedRpc(8, new Set(), true);
  const first = await scanRange(0, 99, { maxSpan: 64, growAfter: 1000 }, rpc.fetch, text);
  assert.equal(first.span, 8);
  rpc.spans.length = 0;
  await scanRange(100, 199, { maxSpan: 64, growAfter: 1000 }, rpc.fetch, text, first.span);
  assert.ok(rpc.spans.every((s) => s === 8 || s === 4), `no refusals: ${rpc.spans.join(',')}`);
  assert.deepEqual(initialWindow({ maxSpan: 10, growAfter: 1 }, 500), { span: 10, successes: 0 });
  assert.deepEqual(initialWindow({ maxSpan: 10, growAfter: 1 }, 0), { span: 1, successes: 0 });
});

test('scanRange passes on other errors, and gives up when even one block is refused', async () => {
  await assert.rejects(scanRange(0, 10, { maxSpan: 4, growAfter: 1 }, () => Promise.reject(new Error('execution reverted')), text), /execution reverted/);
  await assert.rejects(scanRange(0, 10, { maxSpan: 4, growAfter: 1 }, () => Promise.reject(new Error('block range too large')), text), RangeTooNarrow);
});
