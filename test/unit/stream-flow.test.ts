// Sequence and window rules of a stream end.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MasqError } from '../../src/system/errors.js';
import { GRANT_BATCH_DIVISOR, GROWN_WINDOW, INITIAL_WINDOW, Incoming, MAX_WINDOW, Outgoing, ReceiveWindow, SendWindow } from '../../src/stream/flow.js';
import { ExpiringSet } from '../../src/stream/expiring.js';

const isProtocol = (e: unknown): boolean => e instanceof MasqError && e.code === 'STREAM_PROTOCOL';

test('cells are numbered from 0 and must arrive in order', () => {
  const out = new Outgoing();
  assert.deepEqual([out.next(), out.next(), out.next()], [0n, 1n, 2n]);
  const inc = new Incoming();
  inc.accept(0n);
  inc.accept(1n);
  assert.throws(() => inc.accept(1n), isProtocol, 'a repeat');
  const gap = new Incoming();
  assert.throws(() => gap.accept(1n), isProtocol, 'a gap');
});

test('a sender stops at its window and goes on with granted credit, within bounds', () => {
  const w = new SendWindow(100);
  w.take(60);
  assert.equal(w.available, 40);
  assert.throws(() => w.take(41), RangeError);
  w.grant(60);
  assert.equal(w.available, 100);
  assert.throws(() => w.grant(0), isProtocol);
  assert.throws(() => w.grant(MAX_WINDOW), isProtocol, 'credit beyond the largest window');
  assert.throws(() => new SendWindow(MAX_WINDOW + 1), isProtocol);
});

test('a receiver refuses overruns and grants consumed bytes back in half-window batches', () => {
  const r = new ReceiveWindow(INITIAL_WINDOW);
  r.arrive(INITIAL_WINDOW);
  assert.throws(() => r.arrive(1), isProtocol, 'a byte beyond the window');
  const batch = INITIAL_WINDOW / GRANT_BATCH_DIVISOR;
  assert.equal(r.consumed(batch - 1), 0, 'too little to grant yet');
  assert.equal(r.consumed(1), batch);
  r.arrive(batch);
  assert.throws(() => r.arrive(1), isProtocol);
});

test('a receiver whose consumer keeps up doubles its window at each grant, up to the grown size', () => {
  const r = new ReceiveWindow(INITIAL_WINDOW);
  const sent = new SendWindow(INITIAL_WINDOW);
  const grants: number[] = [];
  // The sender sends all it may; the consumer takes each batch at once.
  for (let round = 0; round < 8; round++) {
    const n = sent.available;
    sent.take(n);
    r.arrive(n);
    const g = r.consumed(n);
    grants.push(g);
    sent.grant(g);
  }
  assert.deepEqual(grants.slice(0, 2), [2 * INITIAL_WINDOW, GROWN_WINDOW], 'what was consumed plus the growth');
  assert.equal(r.current, GROWN_WINDOW);
  assert.equal(sent.available, GROWN_WINDOW, 'credit never beyond the grown window');
  assert.ok(grants.slice(2).every((g) => g === GROWN_WINDOW));
  assert.ok(GROWN_WINDOW <= MAX_WINDOW, 'a grown window is one a sender accepts');
});

test('a receiver whose consumer lags keeps its window: it never holds more than that', () => {
  const r = new ReceiveWindow(INITIAL_WINDOW);
  r.arrive(INITIAL_WINDOW);
  // The consumer takes half; the rest waits in its buffer.
  assert.equal(r.consumed(INITIAL_WINDOW / 2), INITIAL_WINDOW / 2, 'a plain grant: nothing added');
  assert.equal(r.current, INITIAL_WINDOW);
  r.arrive(INITIAL_WINDOW / 2);
  assert.throws(() => r.arrive(1), isProtocol, 'held and open together are still one initial window');
});

test('an expiring set forgets after its time and drops the oldest when full', () => {
  let now = 0;
  const s = new ExpiringSet(1000, 2, () => now);
  s.add('a');
  s.add('b');
  s.add('c');
  assert.deepEqual([...s.current()], ['b', 'c']);
  now = 1000;
  assert.equal(s.has('b'), false);
  assert.equal(s.current().size, 0);
});
