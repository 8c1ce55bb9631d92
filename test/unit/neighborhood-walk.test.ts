import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NeighborhoodDatabase } from '../../src/neighborhood/database.js';
import { type PassChoice, ROOM_LOOKAHEAD, passTarget, roomDistance } from '../../src/neighborhood/pass-target.js';
import { ANSWER_WINDOW_MS, AwaitedDebuts, MAX_AWAITED, type Walk, startWalk } from '../../src/neighborhood/walk.js';
import { type TestNode, database, opened, testNode } from '../helpers/neighborhood.js';

const me = testNode();

/** A chain me — a — b — c — d — e: each lists the ones beside it; `roomAt` has room, the rest are full (degree 5). */
function chain(roomAt: number, accepts: (i: number) => boolean = () => true): { nodes: TestNode[]; choice: Omit<PassChoice, 'candidates' | 'random'> } {
  const nodes = Array.from({ length: 5 }, testNode);
  const db = database(me, [nodes[0] as TestNode], nodes.map((n, i) => opened(n, { neighbors: [i === 0 ? me : nodes[i - 1] as TestNode, ...(nodes[i + 1] ? [nodes[i + 1] as TestNode] : [])], accepts: accepts(i), address: true })));
  const has = (db2: NeighborhoodDatabase, k: string): boolean => db2.get(k)?.record.acceptsConnections === true;
  return {
    nodes,
    choice: { db, avoid: new Set([me.key]), hasRoom: (k) => k === nodes[roomAt]?.key && has(db, k), passable: (k) => has(db, k) },
  };
}

test('room distance: hops from a neighbor to the nearest Node with room, up to ROOM_LOOKAHEAD', () => {
  for (let at = 0; at <= ROOM_LOOKAHEAD; at++) {
    const { nodes, choice } = chain(at);
    assert.equal(roomDistance(choice, (nodes[0] as TestNode).key), at);
  }
  // Beyond the lookahead (our records reach no further): not in sight.
  const far = chain(ROOM_LOOKAHEAD + 1);
  assert.equal(roomDistance(far.choice, (far.nodes[0] as TestNode).key), Infinity);
});

test('room distance: not through a Node that accepts no connections, nor through the debutant or what it lists', () => {
  const nat = chain(2, (i) => i !== 1);
  assert.equal(roomDistance(nat.choice, (nat.nodes[0] as TestNode).key), Infinity, 'a Node behind NAT passes nobody on');
  const avoided = chain(2);
  assert.equal(roomDistance({ ...avoided.choice, avoid: new Set([me.key, (avoided.nodes[1] as TestNode).key]) }, (avoided.nodes[0] as TestNode).key), Infinity);
  const natRoom = chain(1, (i) => i !== 1);
  assert.equal(roomDistance(natRoom.choice, (natRoom.nodes[0] as TestNode).key), Infinity, 'room nobody can be passed to is no room');
});

test('pass target: the nearest to room, then the least connected; among equals as the draw says; none without candidates', () => {
  const { nodes, choice } = chain(2);
  const [a, b] = nodes as [TestNode, TestNode];
  const lone = testNode();
  const db = choice.db;
  db.update(opened(lone, { neighbors: [me], address: true }).signed, opened(lone, { neighbors: [me], address: true }).record, 0);
  // `lone` (one neighbor, no room in the chain's sense) against `a`, two hops from room.
  assert.equal(passTarget({ ...choice, candidates: [lone.key, a.key], random: () => 0 }), a.key);
  // Both equally far from room (none in sight): the least connected.
  const blind = { ...choice, hasRoom: () => false };
  assert.equal(passTarget({ ...blind, candidates: [a.key, lone.key], random: () => 0.9 }), lone.key);
  // Equal in both: the draw decides.
  const twin = testNode();
  db.update(opened(twin, { neighbors: [me, b], address: true }).signed, opened(twin, { neighbors: [me, b], address: true }).record, 0);
  assert.equal(passTarget({ ...blind, candidates: [a.key, twin.key], random: () => 0 }), a.key);
  assert.equal(passTarget({ ...blind, candidates: [a.key, twin.key], random: () => 0.99 }), twin.key);
  assert.equal(passTarget({ ...blind, candidates: [], random: () => 0 }), undefined);
});

const walk = (hops: number): Walk => ({ hops, visited: [`10.0.9.${hops}`] });

test('awaited Debuts: a Gossip answers our Debut once, within the window; a link going down forgets it', () => {
  const w = new AwaitedDebuts();
  w.sent('p', walk(3), 1000);
  assert.deepEqual(w.answered('p', 2000), walk(3));
  assert.equal(w.answered('p', 2000), undefined, 'one answer per Debut: more Passes from it are nobody\'s walk');
  w.sent('q', walk(1), 0);
  assert.equal(w.answered('q', ANSWER_WINDOW_MS), undefined, 'too late to be an answer');
  w.sent('r', walk(2), 0);
  w.forget('r');
  assert.equal(w.answered('r', 1), undefined);
  // Two walks reaching one Node count as the longer, so neither gets more steps than its bound.
  w.sent('s', walk(5), 0);
  w.sent('s', walk(2), 10);
  assert.deepEqual(w.answered('s', 20), walk(5));
  assert.deepEqual(startWalk('10.0.0.9'), { hops: 0, visited: ['10.0.0.9'] });
});

test('awaited Debuts: bounded; the oldest is forgotten first', () => {
  const w = new AwaitedDebuts();
  for (let i = 0; i <= MAX_AWAITED; i++) w.sent(`p${i}`, walk(i), i);
  assert.equal(w.answered('p0', MAX_AWAITED + 1), undefined);
  assert.deepEqual(w.answered('p1', MAX_AWAITED + 1), walk(1));
  assert.deepEqual(w.answered(`p${MAX_AWAITED}`, MAX_AWAITED + 1), walk(MAX_AWAITED));
});
