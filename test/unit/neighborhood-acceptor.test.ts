import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type AcceptorContext, type Decision, MAX_DEGREE, type Opened, LEAF_DEGREE, WANTED_DEGREE, decide, introductionsDue, meshNeighbors, receiveGossip } from '../../src/neighborhood/acceptor.js';
import { MAX_WALK_HOPS } from '../../src/neighborhood/walk.js';
import type { NeighborhoodDatabase } from '../../src/neighborhood/database.js';
import { classifyGossip } from '../../src/neighborhood/gossip-kind.js';
import { MasqError } from '../../src/system/errors.js';
import { encodeGossip } from '../../src/wire/node-record.js';
import { CHAIN_ID, RATES, type TestNode, database, opened, testNode } from '../helpers/neighborhood.js';

const me = testNode();

function ctx(db: NeighborhoodDatabase, source: TestNode, more: Partial<AcceptorContext> = {}): AcceptorContext {
  return { db, chainId: CHAIN_ID, localIp: me.ip, minHops: 3, now: 100_000, source: { key: source.key, ip: source.ip }, passTargets: new Map(), ownSeenOnLink: false, linkedTo: () => false, dialing: () => false, random: () => 0, ...more };
}

/** Classifies and decides as the service does, from already opened records. */
function run(records: Opened[], c: AcceptorContext): Decision {
  const kind = classifyGossip(records.map((o) => ({ record: o.record, ...(o.signed.address ? { address: o.signed.address } : {}) })), {
    localKey: c.db.rootKey, ...(c.localIp ? { localIp: c.localIp } : {}), sourceIp: c.source.ip, known: (k) => c.db.get(k) !== undefined,
  });
  return decide(records, kind, c);
}

const keysStored = (d: Decision): string[] => d.store.map((s) => s.opened.record.publicKey.toString('hex'));

/** `n` full neighbors of ours, each accepting connections at its address, each listing us and `extra` more. */
function neighborhood(n: number, extra: TestNode[][] = []): { others: TestNode[]; db: NeighborhoodDatabase } {
  const others = Array.from({ length: n }, testNode);
  const db = database(me, others, others.map((o, i) => opened(o, { neighbors: [me, ...(extra[i] ?? [])], address: true })));
  return { others, db };
}

test('Debut to a Node without neighbors: accepted, half-neighbor, debut back', () => {
  const db = database(me, [], []);
  const a = testNode();
  const d = run([opened(a, { address: true })], ctx(db, a));
  assert.equal(d.kind, 'debut');
  assert.deepEqual(keysStored(d), [a.key]);
  assert.deepEqual(d.addNeighbors, [a.key]);
  assert.deepEqual(d.reply, { kind: 'debutBack' });
  assert.equal(d.broadcast, true);
});

test('Debut with a full neighbor to introduce: Introduction of the least connected one', () => {
  const { others, db } = neighborhood(2, [[testNode()], []]);
  const a = testNode();
  const d = run([opened(a, { address: true })], ctx(db, a));
  assert.deepEqual(d.reply, { kind: 'introduction', introducee: others[1]?.key });
  assert.deepEqual(d.addNeighbors, [a.key]);
});

test('Debut from a Node that already has neighbors: accepted without a reply (Standard Gossip follows)', () => {
  const { db } = neighborhood(1);
  const a = testNode();
  const d = run([opened(a, { address: true, neighbors: [testNode()] })], ctx(db, a));
  assert.equal(d.reply, undefined);
  assert.deepEqual(d.addNeighbors, [a.key]);
  assert.equal(d.broadcast, true);
});

test('Debut to a Node at five neighbors: Pass to its least connected neighbor the debutant does not list', () => {
  // Four are as busy as we are (so none is "more appropriate"), one has only us.
  const busy = [testNode(), testNode(), testNode(), testNode()];
  const { others, db } = neighborhood(MAX_DEGREE, [busy, [], busy, busy, busy]);
  const a = testNode();
  const d = run([opened(a, { address: true })], ctx(db, a));
  assert.deepEqual(d.reply, { kind: 'pass', target: others[1]?.key });
  assert.deepEqual(d.store, []);
  assert.deepEqual(d.addNeighbors, []);
  // The debutant already lists that one: the next least connected.
  const d2 = run([opened(a, { address: true, neighbors: [others[1] as TestNode] })], ctx(db, a));
  assert.equal(d2.reply?.kind, 'pass');
  assert.notEqual((d2.reply as { target: string }).target, others[1]?.key);
});

test('Debut to a Node at five neighbors, all full: Pass toward the one whose neighbors have room, not back into the full core', () => {
  // Our five neighbors have five neighbors each. Only the fourth has a neighbor with room (two neighbors); the first
  // and second list each other, as two full introducers do, the least connected by key MASQ would pass between.
  const room = testNode();
  const fulls = Array.from({ length: MAX_DEGREE }, testNode);
  const fillers = (n: number): TestNode[] => Array.from({ length: n }, testNode);
  const lists = [[fulls[1] as TestNode, ...fillers(3)], [fulls[0] as TestNode, ...fillers(3)], fillers(4), [room, ...fillers(3)], fillers(4)];
  const others = fulls.map((o, i) => opened(o, { neighbors: [me, ...(lists[i] as TestNode[])], address: true }));
  // Every filler is full too; `room` lists the fourth and one more.
  const full = lists.flat().filter((t) => t !== room && !fulls.includes(t)).map((t) => opened(t, { neighbors: fillers(MAX_DEGREE) }));
  const db = database(me, fulls, [...others, ...full, opened(room, { neighbors: [fulls[3] as TestNode, testNode()] })]);
  const a = testNode();
  for (const r of [0, 0.5, 0.99]) {
    assert.deepEqual(run([opened(a, { address: true })], ctx(db, a, { random: () => r })).reply, { kind: 'pass', target: fulls[3]?.key }, `random ${r}`);
  }
  // No room in sight: any of the five, as the draw says (so walks through a full core spread out).
  const blind = database(me, fulls, [...others.filter((_, i) => i !== 3), opened(fulls[3] as TestNode, { neighbors: [me, ...fillers(4)], address: true }), ...full]);
  const targets = new Set([0, 0.2, 0.4, 0.6, 0.8].map((r) => (run([opened(a, { address: true })], ctx(blind, a, { random: () => r })).reply as { target: string }).target));
  assert.equal(targets.size, MAX_DEGREE);
});

test('Debut to a full Node whose neighbors the debutant all lists: GossipFailure NoSuitableNeighbors', () => {
  const { others, db } = neighborhood(MAX_DEGREE);
  const a = testNode();
  const d = run([opened(a, { address: true, neighbors: others })], ctx(db, a));
  assert.deepEqual(d.reply, { kind: 'failure', reason: 'NoSuitableNeighbors' });
});

test('Debut to a busier Node than one of its well-connected neighbors: Pass there instead', () => {
  // We have 4 neighbors; the first has 3 (us and two more), fewer than our 4.
  const { others, db } = neighborhood(4, [[testNode(), testNode()]]);
  const a = testNode();
  const d = run([opened(a, { address: true })], ctx(db, a));
  assert.deepEqual(d.reply, { kind: 'pass', target: others[0]?.key });
});

test('Pass: re-Debut to the target and remember it; the same address again within 60 s is a loop', () => {
  const db = database(me, [], []);
  const b = testNode();
  const target = testNode();
  const pass = [opened(target, { address: true })];
  const d = run(pass, ctx(db, b));
  assert.equal(d.kind, 'pass');
  assert.equal(d.debut?.address.ip, target.ip);
  assert.equal(d.passTarget, target.ip);
  const again = run(pass, ctx(db, b, { passTargets: new Map([[target.ip, 100_000 - 10_000]]) }));
  assert.equal(again.debut, undefined);
  assert.match(again.note ?? '', /PassLoopFound/);
  const later = run(pass, ctx(db, b, { passTargets: new Map([[target.ip, 100_000 - 61_000]]) }));
  assert.equal(later.debut?.address.ip, target.ip);
  assert.equal(run(pass, ctx(db, b, { linkedTo: (ip) => ip === target.ip })).debut, undefined);
  assert.equal(run(pass, ctx(db, b, { dialing: (ip) => ip === target.ip })).debut, undefined);
});

test('Pass answering our Debut while we have no neighbor: the walk goes on, asks again where it led back, and ends after MAX_WALK_HOPS', () => {
  const db = database(me, [], []);
  const b = testNode();
  const target = testNode();
  const pass = [opened(target, { address: true })];
  // Met within the minute and linked still, but not on this walk: MASQ would call it a loop; our walk goes on.
  const met = { passTargets: new Map([[target.ip, 100_000 - 10_000]]), linkedTo: (ip: string) => ip === target.ip };
  const walk = { hops: 3, visited: ['10.1.1.1', b.ip] };
  const d = run(pass, ctx(db, b, { ...met, walk }));
  assert.deepEqual(d.debut?.walk, { hops: 4, visited: ['10.1.1.1', b.ip, target.ip] });
  assert.equal(d.debut?.address.ip, target.ip);
  assert.equal(d.passTarget, target.ip);
  // Back to where this walk has been: the source is asked again, one step further, instead.
  const back = run(pass, ctx(db, b, { walk: { hops: 3, visited: [target.ip, b.ip] } }));
  assert.equal(back.debut, undefined);
  assert.deepEqual(back.debutAgain, { hops: 4, visited: [target.ip, b.ip] });
  // Bounded: Nodes passing us in circles, or asked again and again, end the walk after MAX_WALK_HOPS steps.
  for (const visited of [[b.ip], [target.ip, b.ip]]) {
    const spent = run(pass, ctx(db, b, { ...met, walk: { hops: MAX_WALK_HOPS, visited } }));
    assert.equal(spent.debut, undefined);
    assert.equal(spent.debutAgain, undefined);
    assert.match(spent.note ?? '', new RegExp(`walk ended after ${MAX_WALK_HOPS} Passes`));
  }
  // Never to ourselves, nor where a dial is under way.
  assert.equal(run(pass, ctx(db, b, { walk, dialing: (ip) => ip === target.ip })).debut, undefined);
  assert.equal(run([opened(me, { address: { ip: '10.7.7.7', ports: [5000] } })], ctx(db, b, { walk })).debut, undefined);
  // With a neighbor in the mesh we are joined: a Pass is followed as MASQ follows it.
  const joined = neighborhood(1).db;
  assert.equal(run(pass, ctx(joined, b, { ...met, walk })).debut, undefined);
  assert.equal(run(pass, ctx(joined, b, { walk })).debut?.address.ip, target.ip);
});

test('Introduction: introducer becomes a half-neighbor and we Debut to the introducee; ignored at five neighbors', () => {
  const b = testNode();
  const c = testNode();
  const gossip = [opened(b, { address: true, neighbors: [me] }), opened(c, { address: true })];
  const d = run(gossip, ctx(database(me, [], []), b));
  assert.equal(d.kind, 'introduction');
  assert.deepEqual(keysStored(d), [b.key]);
  assert.deepEqual(d.addNeighbors, [b.key]);
  assert.equal(d.debut?.key.toString('hex'), c.key);
  assert.deepEqual(d.debut?.walk, { hops: 0, visited: [c.ip] }, 'an Introduction starts a walk');
  const full = run(gossip, ctx(neighborhood(MAX_DEGREE).db, b));
  assert.equal(full.kind, 'introduction');
  assert.deepEqual(full.addNeighbors, []);
  assert.equal(full.debut, undefined);
});

test('Standard: only records within max(3, min hops) of us are kept', () => {
  const chain = Array.from({ length: 5 }, testNode);
  const [a, b, c, d, e] = chain as [TestNode, TestNode, TestNode, TestNode, TestNode];
  const records = [
    opened(a, { neighbors: [me, b] }), opened(b, { neighbors: [a, c] }), opened(c, { neighbors: [b, d] }),
    opened(d, { neighbors: [c, e] }), opened(e, { neighbors: [d] }),
  ];
  const three = run(records, ctx(database(me, [], []), a));
  assert.equal(three.kind, 'standard');
  assert.deepEqual(keysStored(three), [a.key, b.key, c.key]);
  assert.deepEqual(keysStored(run(records, ctx(database(me, [], []), a, { minHops: 4 }))), [a.key, b.key, c.key, d.key]);
  assert.deepEqual(keysStored(run(records, ctx(database(me, [], []), a, { minHops: 1 }))), [a.key, b.key, c.key]);
});

test('Standard: the source becomes a half-neighbor while we have fewer than five', () => {
  const a = testNode();
  const x = testNode();
  const gossip = [opened(a, { neighbors: [me] }), opened(x, { neighbors: [a] })];
  assert.deepEqual(run(gossip, ctx(database(me, [], []), a)).addNeighbors, [a.key]);
  assert.deepEqual(run(gossip, ctx(neighborhood(MAX_DEGREE).db, a)).addNeighbors, []);
});

test('Standard: versions only rise for relayed records', () => {
  const { others, db } = neighborhood(1);
  const [b] = others as [TestNode];
  const x = testNode();
  db.update(opened(x, { version: 5, neighbors: [b] }).signed, opened(x, { version: 5, neighbors: [b] }).record, 0);
  const src = b;
  const newer = run([opened(b, { version: 2, neighbors: [me, x] }), opened(x, { version: 6, neighbors: [b] })], ctx(db, src));
  assert.deepEqual(keysStored(newer), [b.key, x.key]);
  const older = run([opened(b, { version: 2, neighbors: [me, x] }), opened(x, { version: 4, neighbors: [b] })], ctx(db, src));
  assert.deepEqual(keysStored(older), [b.key]);
  assert.equal(older.offence, undefined);
});

test('Standard: an unknown Node with an address is taken only from itself at the address its link comes from', () => {
  const a = testNode();
  const x = testNode();
  const relayed = run([opened(a, { neighbors: [me, x] }), opened(x, { address: true, neighbors: [a] })], ctx(database(me, [], []), a));
  assert.deepEqual(keysStored(relayed), [a.key]);
  const own = run([opened(a, { address: true, neighbors: [me, x] }), opened(x, { neighbors: [a] })], ctx(database(me, [], []), a));
  assert.deepEqual(keysStored(own), [a.key, x.key]);
  const elsewhere = run([opened(a, { address: { ip: '10.9.9.9', ports: [5000] }, neighbors: [me, x] }), opened(x, { neighbors: [a] })], ctx(database(me, [], []), a));
  assert.deepEqual(keysStored(elsewhere), [x.key]);
});

test('Own records: an older one first on a new link is a restart, after a newer one on the same link stale (no offence: the link proves its sender)', () => {
  const { others, db } = neighborhood(1);
  const [b] = others as [TestNode];
  const x = testNode();
  const restarted = [opened(b, { version: 0, neighbors: [x] }), opened(x, { neighbors: [b] })];
  const first = run(restarted, ctx(db, b));
  assert.deepEqual(first.store.map((s) => s.replace), [true, false]);
  const stale = run(restarted, ctx(db, b, { ownSeenOnLink: true }));
  assert.equal(stale.offence, undefined);
  assert.deepEqual(stale.store.map((s) => s.opened.record.publicKey.toString('hex')), [x.key], 'only the other record is taken');
  // The very record we hold, again: nothing to do, no offence.
  const same = db.get(b.key);
  assert.ok(same);
  assert.equal(run([{ signed: same.signed, record: same.record }, opened(x, { neighbors: [b] })], ctx(db, b, { ownSeenOnLink: true })).offence, undefined);
});

test('A record whose rate pack changed is a contradiction', () => {
  const { others, db } = neighborhood(1);
  const [b] = others as [TestNode];
  const x = testNode();
  const d = run([opened(b, { version: 9, neighbors: [me, x], ratePack: { ...RATES, exitByteRate: 99n } }), opened(x, { neighbors: [b] })], ctx(db, b));
  assert.equal(d.offence?.offence, 'contradictoryRecord');
});

test('A newer record from its owner with another address: the Node moved, the new address replaces the old', () => {
  const { others, db } = neighborhood(1);
  const [b] = others as [TestNode];
  const moved = { ip: '11.22.33.9', ports: [7777] };
  const x = testNode();
  const d = run([opened(b, { version: 9, neighbors: [me, x], address: moved }), opened(x, { neighbors: [b] })], ctx(db, b));
  assert.equal(d.offence, undefined);
  assert.deepEqual(d.store.filter((s) => s.opened.record.publicKey.toString('hex') === b.key).map((s) => [s.replace, s.opened.signed.address]), [[true, moved]]);
  // The same record relayed by someone else keeps the address we hold.
  const c = testNode();
  const relayed = run([opened(b, { version: 9, neighbors: [me, c], address: moved }), opened(c, { neighbors: [b] })], ctx(db, c));
  assert.deepEqual(relayed.store.filter((s) => s.opened.record.publicKey.toString('hex') === b.key).map((s) => s.opened.signed.address), [undefined]);
});

test('receiveGossip: garbage, a forged signature and malformed Gossip each name their offence', () => {
  const db = database(me, [], []);
  const a = testNode();
  assert.equal(receiveGossip(Buffer.from([9, 9, 9]), ctx(db, a)).offence?.offence, 'undecodableGossip');
  const good = opened(a, { address: true });
  const forged = { ...good.signed, signature: Buffer.alloc(64, 3) };
  assert.equal(receiveGossip(encodeGossip([forged]), ctx(db, a)).offence?.offence, 'forgedSignature');
  assert.equal(receiveGossip(encodeGossip([opened(a).signed]), ctx(db, a)).offence?.offence, 'malformedGossip');
  const ok = receiveGossip(encodeGossip([good.signed]), ctx(db, a));
  assert.equal(ok.kind, 'debut');
  assert.equal(ok.ownRecord, true);
});

test('fuzz: random bytes and mutated Gossip never make the receive path throw', () => {
  const { others, db } = neighborhood(2);
  const [b] = others as [TestNode];
  const sample = encodeGossip([opened(b, { version: 3, address: true, neighbors: [me, testNode()] }).signed, opened(testNode(), { neighbors: [b] }).signed]);
  const check = (body: Buffer): void => {
    try {
      receiveGossip(body, ctx(db, b));
    } catch (e) {
      assert.ok(e instanceof MasqError, `threw ${String(e)}`);
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => check(Buffer.from(bytes))), { seed: 42, numRuns: 300 });
  fc.assert(fc.property(fc.nat(sample.length - 1), fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat(sample.length), (at, patch, cut) => {
    const mutated = Buffer.from(sample);
    Buffer.from(patch).copy(mutated, at);
    check(mutated);
    check(mutated.subarray(0, cut));
  }), { seed: 42, numRuns: 300 });
});

test('receiveGossip: a record held with the same signature is taken as verified; other signature bytes are still checked', () => {
  const a = testNode();
  const held = opened(a, { neighbors: [me], address: true });
  const db = database(me, [a], [held]);
  const b = testNode();
  assert.equal(receiveGossip(encodeGossip([held.signed]), ctx(db, b)).offence, undefined);
  const otherSignature = { ...held.signed, signature: Buffer.from(held.signed.signature).fill(1, 0, 4) };
  assert.equal(receiveGossip(encodeGossip([otherSignature]), ctx(db, b)).offence?.offence, 'forgedSignature');
});

test('Standard Gossip: a neighbor whose new record lists fewer than WANTED_DEGREE Nodes is introduced to one of ours it lacks', () => {
  const { others, db } = neighborhood(3, [[testNode()], [], [testNode(), testNode()]]);
  const thin = others[0] as TestNode;
  // Its new version lists us alone: it lost its other neighbor.
  const d = run([opened(thin, { address: true, neighbors: [me], version: 9 })], ctx(db, thin));
  assert.equal(d.kind, 'standard');
  assert.deepEqual(keysStored(d), [thin.key]);
  assert.deepEqual(d.reply, { kind: 'introduction', introducee: others[1]?.key });
  // With WANTED_DEGREE neighbors listed, no Introduction.
  const fine = run([opened(thin, { address: true, neighbors: [me, others[1] as TestNode, others[2] as TestNode], version: 10 })], ctx(db, thin));
  assert.equal(fine.reply, undefined);
  assert.equal(WANTED_DEGREE, 3);
});

test('a star around us: every leaf is owed an Introduction to another leaf; a neighbor with two is not', () => {
  const far = [testNode(), testNode()];
  const { others, db } = neighborhood(4, [[], [], [], far]);
  const [a, b, c, rich] = others as [TestNode, TestNode, TestNode, TestNode];
  const due = introductionsDue(db);
  assert.deepEqual(due.map((d) => d.to).sort(), [a.key, b.key, c.key].sort());
  for (const d of due) {
    assert.notEqual(d.introducee, d.to);
    assert.notEqual(d.introducee, rich.key, 'the least connected neighbors are introduced first');
  }
  // Once each leaf lists a second Node, nobody is owed anything: more would make a small network one clique, where no
  // exit is ever off the originator's neighbors.
  const paired = database(me, others, [
    opened(a, { neighbors: [me, b], address: true }), opened(b, { neighbors: [me, a], address: true }),
    opened(c, { neighbors: [me, a], address: true }), opened(rich, { neighbors: [me, ...far], address: true }),
  ]);
  assert.deepEqual(introductionsDue(paired), []);
  assert.equal(LEAF_DEGREE, 2);
});

test('mesh neighbors: full neighbors that accept connections at a known address; a consume-only one is none', () => {
  const { others, db } = neighborhood(2);
  assert.deepEqual(meshNeighbors(db).sort(), others.map((o) => o.key).sort());
  const leaf = testNode();
  const alone = database(me, [leaf], [opened(leaf, { neighbors: [me], accepts: false })]);
  assert.deepEqual(meshNeighbors(alone), [], 'a Node whose only neighbor is consume-only must Debut again');
});
