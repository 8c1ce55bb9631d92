import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DELAY_MS, backoffMs } from '../../src/neighborhood/redial.js';
import { decodeGossipFailure, encodeGossipFailure } from '../../src/neighborhood/gossip-failure.js';
import { DecodeError } from '../../src/wire/bytes.js';

test('redial backoff doubles from 1 s to 30 s, jittered into its upper half', () => {
  assert.equal(backoffMs(0, 0.999999) < 1000, true);
  assert.equal(backoffMs(0, 0), 500);
  assert.equal(backoffMs(3, 0), 4000);
  assert.equal(backoffMs(5, 0), MAX_DELAY_MS / 2);
  assert.equal(backoffMs(100, 0), MAX_DELAY_MS / 2);
  assert.ok(backoffMs(100, 0.99) <= MAX_DELAY_MS);
});

test('gossip failure bodies: one byte naming a known reason', () => {
  assert.equal(decodeGossipFailure(encodeGossipFailure('NoSuitableNeighbors')), 'NoSuitableNeighbors');
  for (const bad of [Buffer.alloc(0), Buffer.from([9]), Buffer.from([1, 1])]) assert.throws(() => decodeGossipFailure(bad), DecodeError);
});
