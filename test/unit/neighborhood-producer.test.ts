import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NeighborhoodDatabase } from '../../src/neighborhood/database.js';
import { debutGossip, gossipFor, introductionGossip, passGossip } from '../../src/neighborhood/producer.js';
import { decodeRecord, encodeGossip, type SignedRecord } from '../../src/wire/node-record.js';
import { database, opened, testNode } from '../helpers/neighborhood.js';

const keyIn = (s: SignedRecord): string => decodeRecord(s.signed).publicKey.toString('hex');
const BIG = 60_000;

test('Gossip for a neighbor: everyone referenced but the target; addresses only of us and of whom the target lists', () => {
  const me = testNode();
  const t = testNode(); // the target
  const listed = testNode(); // the target lists it
  const other = testNode(); // nobody's business where it is
  const closed = testNode(); // accepts no connections
  const loner = testNode(); // nobody references it
  const db = database(me, [t, listed, other, closed], [
    opened(t, { neighbors: [me, listed], address: true }), opened(listed, { neighbors: [me, t], address: true }),
    opened(other, { neighbors: [me], address: true }), opened(closed, { neighbors: [me], accepts: false }), opened(loner, { address: true }),
  ]);
  const g = gossipFor(db, t.key, BIG);
  const byKey = new Map(g.map((s) => [keyIn(s), s]));
  assert.equal(keyIn(g[0] as SignedRecord), me.key, 'us first');
  assert.deepEqual(new Set(byKey.keys()), new Set([me.key, listed.key, other.key, closed.key]));
  assert.equal(byKey.get(me.key)?.address?.ip, me.ip);
  assert.equal(byKey.get(listed.key)?.address?.ip, listed.ip);
  assert.equal(byKey.get(other.key)?.address, undefined);
  assert.equal(byKey.get(closed.key)?.address, undefined);
  // For `other` as target, the target's address is not its business either, and `listed` is hidden now.
  const g2 = new Map(gossipFor(db, other.key, BIG).map((s) => [keyIn(s), s]));
  assert.equal(g2.has(other.key), false);
  assert.equal(g2.get(listed.key)?.address, undefined);
  assert.equal(g2.get(t.key)?.address, undefined);
});

test('Gossip stays within the byte limit, nearest Nodes first', () => {
  const me = testNode();
  const ring = Array.from({ length: 5 }, testNode);
  const far = testNode();
  const db = database(me, ring, [...ring.map((n) => opened(n, { neighbors: [me, far] })), opened(far, { neighbors: ring })]);
  const all = gossipFor(db, 'ff', BIG);
  assert.equal(all.length, 7);
  assert.equal(keyIn(all[6] as SignedRecord), far.key);
  const limit = encodeGossip(all.slice(0, 3)).length;
  const some = gossipFor(db, 'ff', limit);
  assert.equal(some.length, 3);
  assert.ok(encodeGossip(some).length <= limit);
  assert.equal(keyIn(some[0] as SignedRecord), me.key);
});

test('Debut, Introduction and Pass: our record with our address when we accept connections, and the named Node', () => {
  const me = testNode();
  const n = testNode();
  const db = database(me, [n], [opened(n, { neighbors: [me], address: true })]);
  const [own] = debutGossip(db);
  assert.equal(own?.address?.ip, me.ip);
  assert.deepEqual(introductionGossip(db, n.key).map((s) => [keyIn(s), s.address?.ip]), [[me.key, me.ip], [n.key, n.ip]]);
  assert.deepEqual(passGossip(db, n.key).map((s) => [keyIn(s), s.address?.ip]), [[n.key, n.ip]]);
  const originate = new NeighborhoodDatabase(me.key);
  const r = opened(me, { accepts: false });
  originate.setRoot(r.signed, r.record, 0);
  assert.equal(debutGossip(originate)[0]?.address, undefined);
});
