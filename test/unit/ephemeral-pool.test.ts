import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EphemeralPool, generateEphemeralKey } from '../../src/crypto/index.js';
import { diffieHellman } from 'node:crypto';
import { generateRawKeyPair, privateKeyObject, publicKeyObject } from '../../src/crypto/identity.js';

/** A pool whose deferred work runs only when the test says so. */
function manual(size: number): { pool: EphemeralPool; made: () => number; turn: () => boolean } {
  const queue: (() => void)[] = [];
  let made = 0;
  const pool = new EphemeralPool({ size, generate: () => { made++; return generateEphemeralKey(); }, defer: (fn) => queue.push(fn) });
  return { pool, made: () => made, turn: () => { const fn = queue.shift(); fn?.(); return fn !== undefined; } };
}

test('an empty pool makes a pair at once, then refills one pair per turn up to its size', () => {
  const { pool, made, turn } = manual(3);
  pool.take();
  assert.equal(made(), 1);
  let turns = 0;
  while (turn() && turns < 100) turns++;
  assert.equal(turns, 3);
  assert.equal(made(), 4);
  pool.take();
  pool.take();
  assert.equal(made(), 4, 'ready pairs are handed out without making new ones');
});

test('no key is handed out twice, and every key agrees with a peer as X25519 should', () => {
  const { pool, turn } = manual(6);
  const peer = generateRawKeyPair('x25519');
  const peerPrivate = privateKeyObject('x25519', peer.privateKey);
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const key = pool.take();
    const hex = key.publicKey.toString('hex');
    assert.ok(!seen.has(hex), 'a key came out twice');
    seen.add(hex);
    // Both ends reach the same secret only if the public half belongs to the private one.
    const ours = diffieHellman({ privateKey: key.privateKey, publicKey: publicKeyObject('x25519', peer.publicKey) });
    const theirs = diffieHellman({ privateKey: peerPrivate, publicKey: publicKeyObject('x25519', key.publicKey) });
    assert.deepEqual(ours, theirs);
    if (i % 3 === 0) turn();
  }
});

test('a closed pool drops its ready pairs and makes no more in later turns', () => {
  const { pool, made, turn } = manual(4);
  pool.take();
  turn();
  turn();
  pool.close();
  const before = made();
  while (turn());
  assert.equal(made(), before);
  pool.take();
  assert.equal(made(), before + 1, 'after close every pair is made when asked for');
});
