import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type NodeIdentity, generateIdentity } from '../../src/crypto/identity.js';
import { CULL_GRACE_MS, NeighborhoodDatabase, keyOf } from '../../src/neighborhood/database.js';
import { findRoundTrip } from '../../src/neighborhood/routes.js';
import { type NodeRecord, type SignedRecord, openRecord, signRecord } from '../../src/wire/node-record.js';

const CHAIN = 2;
const rates = { routingByteRate: 1n, routingServiceRate: 1n, exitByteRate: 1n, exitServiceRate: 1n };

function rec(id: NodeIdentity, version: number, neighbors: NodeIdentity[], over: Partial<NodeRecord> = {}): { s: SignedRecord; r: NodeRecord } {
  const r: NodeRecord = { publicKey: id.publicKey, version, earningWallet: randomBytes(20), ratePack: rates, acceptsConnections: true, routesData: true, neighbors: neighbors.map((n) => n.publicKey), ...over };
  const s = signRecord(id, CHAIN, r);
  return { s, r: openRecord(CHAIN, s) };
}

test('versions only rise; rate packs and known addresses cannot change', () => {
  const me = generateIdentity();
  const a = generateIdentity();
  const db = new NeighborhoodDatabase(keyOf(me.publicKey));
  const v1 = rec(a, 1, []);
  assert.equal(db.update({ ...v1.s, address: { ip: '11.0.0.1', ports: [5000] } }, v1.r, 0), 'added');
  assert.equal(db.update(v1.s, v1.r, 1), 'stale');
  const v2 = rec(a, 2, [me]);
  assert.equal(db.update(v2.s, v2.r, 2), 'updated');
  assert.deepEqual(db.get(keyOf(a.publicKey))?.address, { ip: '11.0.0.1', ports: [5000] }, 'the address is kept');
  const moved = rec(a, 3, []);
  assert.equal(db.update({ ...moved.s, address: { ip: '11.0.0.2', ports: [5000] } }, moved.r, 3), 'conflict');
  const repriced = rec(a, 4, [], { ratePack: { ...rates, exitByteRate: 9n } });
  assert.equal(db.update(repriced.s, repriced.r, 4), 'conflict');
  assert.equal(db.get(keyOf(a.publicKey))?.record.version, 2);
});

test('full neighbors need both sides; the database serves route selection and DOT output', () => {
  const ids = Array.from({ length: 6 }, () => generateIdentity());
  const [o, a, b, c, d, x] = ids as [NodeIdentity, NodeIdentity, NodeIdentity, NodeIdentity, NodeIdentity, NodeIdentity];
  const db = new NeighborhoodDatabase(keyOf(o.publicKey));
  const links: Array<[NodeIdentity, NodeIdentity[]]> = [[o, [a, c]], [a, [o, b]], [b, [a, x]], [x, [b, d]], [d, [x, c]], [c, [d, o]]];
  for (const [id, ns] of links) {
    const { s, r } = rec(id, 1, ns);
    if (id === o) db.setRoot(s, r, 0);
    else db.update(s, r, 0);
  }
  assert.deepEqual(db.fullNeighbors(keyOf(o.publicKey)).sort(), [keyOf(a.publicKey), keyOf(c.publicKey)].sort());
  const route = findRoundTrip(db, { origin: keyOf(o.publicKey), minHops: 3, payloadSize: 100 });
  assert.equal(route?.over[3], keyOf(x.publicKey));
  // A half-neighbor claim is not enough.
  const lonely = generateIdentity();
  const claim = rec(lonely, 1, [o]);
  db.update(claim.s, claim.r, 0);
  assert.ok(!db.fullNeighbors(keyOf(lonely.publicKey)).includes(keyOf(o.publicKey)));
  const dot = db.toDot(() => 'CZ');
  assert.match(dot, /^digraph db \{/);
  assert.equal((dot.match(/ -> /g) ?? []).length, 13);
  // Every Node's country: a label line for people, an attribute for the setup page.
  assert.match(dot, /\[label="[^"]*\\nCZ" country="CZ"/);
});

test('cull drops unreferenced records after the grace time, never the root', () => {
  const me = generateIdentity();
  const stray = generateIdentity();
  const db = new NeighborhoodDatabase(keyOf(me.publicKey));
  const root = rec(me, 1, []);
  db.setRoot(root.s, root.r, 0);
  const s = rec(stray, 1, []);
  db.update(s.s, s.r, 0);
  assert.deepEqual(db.cull(CULL_GRACE_MS - 1), []);
  assert.deepEqual(db.cull(CULL_GRACE_MS + 1), [keyOf(stray.publicKey)]);
  assert.equal(db.size(), 1);
  db.remove(keyOf(me.publicKey));
  assert.equal(db.size(), 1, 'the root stays');
});

test('an address proven by our own dial is learned for a known Node without one, never over one, never for us', () => {
  const me = generateIdentity();
  const [a, b] = [generateIdentity(), generateIdentity()];
  const db = new NeighborhoodDatabase(keyOf(me.publicKey));
  const ra = rec(a, 1, []);
  const rb = rec(b, 1, []);
  db.update(ra.s, ra.r, 0);
  db.update({ ...rb.s, address: { ip: '11.0.0.9', ports: [7777] } }, rb.r, 0);
  db.learnAddress(keyOf(a.publicKey), { ip: '11.0.0.1', ports: [7777] });
  db.learnAddress(keyOf(b.publicKey), { ip: '11.0.0.2', ports: [7777] });
  db.learnAddress(keyOf(generateIdentity().publicKey), { ip: '11.0.0.3', ports: [7777] });
  assert.deepEqual(db.get(keyOf(a.publicKey))?.address, { ip: '11.0.0.1', ports: [7777] });
  assert.deepEqual(db.get(keyOf(b.publicKey))?.address, { ip: '11.0.0.9', ports: [7777] }, 'a known address stays');
  assert.equal(db.size(), 2, 'an unknown Node is not added by its address');
});

test('keyOf is the hex of the key bytes: one string per Buffer, made once; equal bytes elsewhere give an equal key', () => {
  const id = generateIdentity();
  const key = keyOf(id.publicKey);
  assert.equal(key, id.publicKey.toString('hex'));
  assert.ok(Object.is(keyOf(id.publicKey), key), 'the same Buffer gives back the string made the first time');
  assert.equal(keyOf(Buffer.from(id.publicKey)), key, 'a copy has the same key');
  assert.notEqual(keyOf(generateIdentity().publicKey), key);
});

test('half neighbors are a copy the caller may change; full neighbors are unchanged by it', () => {
  const [me, a] = [generateIdentity(), generateIdentity()];
  const db = new NeighborhoodDatabase(keyOf(me.publicKey));
  const root = rec(me, 1, [a]);
  db.setRoot(root.s, root.r, 0);
  const ra = rec(a, 1, [me]);
  db.update(ra.s, ra.r, 0);
  db.halfNeighbors(keyOf(me.publicKey)).pop();
  db.fullNeighbors(keyOf(me.publicKey)).sort().pop();
  assert.deepEqual(db.halfNeighbors(keyOf(me.publicKey)), [keyOf(a.publicKey)]);
  assert.deepEqual(db.fullNeighbors(keyOf(me.publicKey)), [keyOf(a.publicKey)]);
});
