// The circuit table: bounded per link and in total, idle circuits DESTROYed, a lost link ends its circuits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateIdentity } from '../../src/crypto/identity.js';
import { type CircuitOwner, Switch } from '../../src/hopper/switch.js';
import type { Clock } from '../../src/system/clock.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { CELL_TYPE, CIRCUIT_HIGH_BIT, DESTROY_REASON, type DestroyReason } from '../../src/wire/cells.js';
import { MemoryNetwork } from '../helpers/memory-transport.js';

const log = createLogger(createLogCore('off'), 'test');

function setup(limits = { maxCircuits: 3, maxPerPeer: 2, idleMs: 80 }, clock?: Clock) {
  const net = new MemoryNetwork();
  const me = generateIdentity();
  const peers = [generateIdentity().publicKey.toString('hex'), generateIdentity().publicKey.toString('hex')];
  const t = net.add(me.publicKey.toString('hex'));
  for (const p of peers) {
    net.add(p);
    net.link(t.self, p);
  }
  t.record = true;
  const sw = new Switch(me, t, () => undefined, () => undefined, log, limits, clock);
  const ended: [string, number, DestroyReason][] = [];
  const owner: CircuitOwner = { cell: () => undefined, ended: (p, c, r) => ended.push([p, c, r]) };
  return { net, t, sw, peers: peers as [string, string], ended, owner };
}

test('circuits are bounded per link and in total; ids carry the picking side\'s bit', () => {
  const { sw, peers, owner } = setup();
  const [p, q] = peers;
  const a = sw.bindNew(p, owner);
  const b = sw.bindNew(p, owner);
  assert.ok(a !== undefined && b !== undefined && a !== b);
  assert.equal(sw.bindNew(p, owner), undefined, 'the link\'s share is full');
  assert.equal(sw.bind(p, 5, owner), false);
  assert.ok(sw.bindNew(q, owner) !== undefined);
  assert.equal(sw.bindNew(q, owner), undefined, 'the table is full');
  const bit = (a as number) & CIRCUIT_HIGH_BIT;
  assert.equal((b as number) & CIRCUIT_HIGH_BIT, bit, 'one side of a link always sets the same bit');
  sw.close();
});

test('an idle circuit is DESTROYed with timeout; a lost link ends its circuits', async () => {
  const { net, t, sw, peers, ended, owner } = setup();
  const [p, q] = peers;
  const idle = sw.bindNew(p, owner) as number;
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(ended, [[p, idle, DESTROY_REASON.timeout]]);
  assert.deepEqual([...(t.sent.at(-1)?.body ?? [])], [CELL_TYPE.destroy, (idle >>> 24) & 255, (idle >>> 16) & 255, (idle >>> 8) & 255, idle & 255, DESTROY_REASON.timeout]);
  const onQ = sw.bindNew(q, owner) as number;
  net.cut(t.self, q);
  assert.deepEqual(ended.at(-1), [q, onQ, DESTROY_REASON.linkLost]);
  assert.equal(sw.size, 0);
  sw.close();
});

test('idleness is the injected clock\'s: a circuit outlives any real wait until the clock passes idleMs', async () => {
  let now = 1_000_000;
  const { sw, peers, ended, owner } = setup({ maxCircuits: 3, maxPerPeer: 2, idleMs: 80 }, { now: () => now });
  const [p] = peers;
  const circuit = sw.bindNew(p, owner) as number;
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(ended, [], 'the clock stood still, so nothing idled');
  now += 80;
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(ended, [], 'exactly idleMs is not yet idle');
  now += 1;
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(ended, [[p, circuit, DESTROY_REASON.timeout]]);
  sw.close();
});
