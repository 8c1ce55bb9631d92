// Fuzz targets for the mesh decoders not covered next to their codecs: route header slots, node descriptors and
// GossipFailure bodies. Each gets random and mutated input for a fixed count and may only fail with its typed error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateIdentity } from '../../src/crypto/identity.js';
import { COMPONENT, HEADER_BYTES, PAYER_BYTES, SLOT_BYTES, TOKEN_BYTES, buildHeader, hopPrivateKey, openHeader } from '../../src/crypto/onion.js';
import { GOSSIP_FAILURES, decodeGossipFailure, encodeGossipFailure } from '../../src/neighborhood/gossip-failure.js';
import { MasqError } from '../../src/system/errors.js';
import { DecodeError } from '../../src/wire/bytes.js';
import { formatDescriptor, parseDescriptor } from '../../src/wire/descriptor.js';

const FUZZ = { seed: 42, numRuns: 500 };

function onlyTyped(codes: readonly string[], f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof MasqError) || !codes.includes(e.code)) throw e;
  }
}

test('route headers: random, mutated or truncated headers fail only with ONION errors, and a good one opens', () => {
  const hop = generateIdentity();
  const own = hopPrivateKey(hop.encryptionPrivate);
  const record = { next: undefined, component: COMPONENT.exit, payer: Buffer.alloc(PAYER_BYTES), token: Buffer.alloc(TOKEN_BYTES) };
  const { header } = buildHeader([{ key: hop.publicKey, record }]);
  assert.equal(openHeader(header, own).record.component, COMPONENT.exit);
  let refused = 0;
  fc.assert(fc.property(fc.uint8Array({ minLength: HEADER_BYTES, maxLength: HEADER_BYTES }), (b) => {
    assert.throws(() => openHeader(Buffer.from(b), own), (e: unknown) => e instanceof MasqError && e.code === 'ONION');
    refused++;
  }), FUZZ);
  fc.assert(fc.property(fc.nat(HEADER_BYTES - 1), fc.integer({ min: 1, max: 255 }), fc.nat(HEADER_BYTES + 8), (at, flip, len) => {
    const bad = Buffer.from(header);
    bad[at] = (bad[at] as number) ^ flip;
    onlyTyped(['ONION'], () => openHeader(bad.subarray(0, len), own));
    if (at < SLOT_BYTES) assert.throws(() => openHeader(bad, own), (e: unknown) => e instanceof MasqError && e.code === 'ONION', 'a flipped bit in the slot is caught');
  }), FUZZ);
  assert.equal(refused, FUZZ.numRuns);
  // Low-order ephemeral keys (all zero, one) give no usable shared secret.
  for (const first of [0, 1]) {
    const low = Buffer.alloc(HEADER_BYTES);
    low[0] = first;
    assert.throws(() => openHeader(low, own), /unusable ephemeral key/);
  }
});

test('descriptors: random and mutated text fails only with a DecodeError; good ones round-trip', () => {
  const good = formatDescriptor({ chain: 'dev', key: generateIdentity().encryptionPublic, ip: '10.1.2.3', ports: [7777] });
  assert.equal(formatDescriptor(parseDescriptor(good)), good);
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => onlyTyped(['WIRE_DECODE'], () => parseDescriptor(s))), FUZZ);
  fc.assert(fc.property(fc.nat(good.length - 1), fc.string({ maxLength: 3 }), (at, ins) => {
    onlyTyped(['WIRE_DECODE'], () => parseDescriptor(good.slice(0, at) + ins + good.slice(at + 1)));
  }), FUZZ);
});

test('GossipFailure bodies: every reason round-trips, anything else is a DecodeError', () => {
  for (const f of GOSSIP_FAILURES) assert.equal(decodeGossipFailure(encodeGossipFailure(f)), f);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 4 }), (b) => {
    const body = Buffer.from(b);
    if (body.length === 1 && (body[0] as number) < GOSSIP_FAILURES.length) assert.ok(GOSSIP_FAILURES.includes(decodeGossipFailure(body)));
    else assert.throws(() => decodeGossipFailure(body), DecodeError);
  }), FUZZ);
});
