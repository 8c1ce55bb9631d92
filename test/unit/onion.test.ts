// Route headers and layers: each hop opens only its own slot, headers keep their size, wrong keys fail typed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateIdentity } from '../../src/crypto/identity.js';
import {
  COMPONENT, HEADER_BYTES, MAX_HOPS, PAYER_BYTES, SLOT_BYTES, TOKEN_BYTES, buildHeader, cellNonce, hopPrivateKey, layerInPlace, layersInPlace, openBodyInPlace, openHeader, sealBody,
} from '../../src/crypto/onion.js';
import { MasqError } from '../../src/system/errors.js';

const isOnion = (e: unknown): boolean => e instanceof MasqError && e.code === 'ONION';
const record = (next: Buffer | undefined, component: 1 | 2 | 3, token = Buffer.alloc(TOKEN_BYTES)) => ({ next, component, payer: Buffer.alloc(PAYER_BYTES), token });

test('each hop opens only its own slot, learns its next hop, and the header keeps its size', () => {
  const hops = Array.from({ length: MAX_HOPS }, () => generateIdentity());
  const token = Buffer.alloc(TOKEN_BYTES, 9);
  const specs = hops.map((h, i) => ({
    key: h.publicKey,
    record: i < hops.length - 1 ? record((hops[i + 1] as typeof h).publicKey, COMPONENT.relay) : record(undefined, COMPONENT.originator, token),
  }));
  const { header, keys } = buildHeader(specs);
  assert.equal(header.length, HEADER_BYTES);
  assert.equal(SLOT_BYTES, 32 + 64 + 1 + 85 + 16 + 16);
  let h = header;
  hops.forEach((hop, i) => {
    const other = hops[(i + 1) % hops.length] as typeof hop;
    assert.throws(() => openHeader(h, hopPrivateKey(other.encryptionPrivate)), isOnion, 'another hop cannot open this slot');
    const opened = openHeader(h, hopPrivateKey(hop.encryptionPrivate));
    assert.equal(opened.shifted.length, HEADER_BYTES, 'the header keeps its size after each shift');
    assert.ok(opened.keys.layer.equals((keys[i] as typeof opened.keys).layer), 'the hop derives the originator\'s keys');
    if (i < hops.length - 1) {
      assert.equal(opened.record.component, COMPONENT.relay);
      assert.ok(opened.record.next?.equals((hops[i + 1] as typeof hop).publicKey));
    } else {
      assert.equal(opened.record.next, undefined);
      assert.equal(opened.record.component, COMPONENT.originator);
      assert.ok(opened.record.token.equals(token));
    }
    h = opened.shifted;
  });
});

test('a short route is padded with random slots; an altered or short header fails typed', () => {
  const x = generateIdentity();
  const { header } = buildHeader([{ key: x.publicKey, record: record(undefined, COMPONENT.exit) }]);
  assert.equal(header.length, HEADER_BYTES);
  const own = hopPrivateKey(x.encryptionPrivate);
  assert.equal(openHeader(header, own).record.component, COMPONENT.exit);
  const bent = Buffer.from(header);
  bent[40] = (bent[40] as number) ^ 1;
  assert.throws(() => openHeader(bent, own), isOnion);
  assert.throws(() => openHeader(header.subarray(1), own), isOnion);
  assert.throws(() => openHeader(Buffer.alloc(HEADER_BYTES), own), isOnion, 'an all-zero (low-order) ephemeral key');
  assert.throws(() => buildHeader([]), RangeError);
});

test('layers come off in route order and only the end opens the sealed body', () => {
  const relays = [generateIdentity(), generateIdentity()];
  const exit = generateIdentity();
  const { keys } = buildHeader([
    { key: (relays[0] as typeof exit).publicKey, record: record((relays[1] as typeof exit).publicKey, COMPONENT.relay) },
    { key: (relays[1] as typeof exit).publicKey, record: record(exit.publicKey, COMPONENT.relay) },
    { key: exit.publicKey, record: record(undefined, COMPONENT.exit) },
  ]);
  const [k0, k1, kx] = keys as [typeof keys[0], typeof keys[0], typeof keys[0]];
  const nonce = cellNonce(2, 7n);
  const plain = Buffer.from('GET / HTTP/1.1');
  const sealed = sealBody(kx.request, nonce, plain);
  // The layers and the opening work in place: each step gets a copy, so every stage can be compared.
  const sent = layersInPlace([k0.layer, k1.layer], nonce, Buffer.from(sealed));
  const afterFirst = layerInPlace(k0.layer, nonce, Buffer.from(sent));
  assert.ok(!afterFirst.equals(sent) && !afterFirst.equals(sealed), 'each relay sees different bytes on each side');
  const tried = Buffer.from(afterFirst);
  assert.throws(() => openBodyInPlace(kx.request, nonce, tried), isOnion, 'one layer still on: the exit cannot open it');
  assert.ok(tried.subarray(0, -16).equals(Buffer.alloc(tried.length - 16)), 'a body that did not open is zeroed');
  const atExit = layerInPlace(k1.layer, nonce, Buffer.from(afterFirst));
  assert.ok(atExit.equals(sealed));
  assert.throws(() => openBodyInPlace(kx.response, nonce, Buffer.from(atExit)), isOnion, 'the response key does not open requests');
  assert.throws(() => openBodyInPlace(kx.request, cellNonce(2, 8n), Buffer.from(atExit)), isOnion, 'another sequence number does not open it');
  assert.throws(() => openBodyInPlace(kx.request, nonce, Buffer.alloc(3)), isOnion);
  const opened = openBodyInPlace(kx.request, nonce, atExit);
  assert.ok(opened.equals(plain));
  assert.equal(opened.buffer, atExit.buffer, 'the plaintext is the front of the sealed body');
});
