// A relay and optimistic data: cells that come right behind an OPEN, while the relay still dials the next hop,
// wait (a bounded few) and follow the OPEN in order; more than the bound is a protocol error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { COMPONENT, HEADER_BYTES, PAYER_BYTES, TOKEN_BYTES } from '../../src/crypto/index.js';
import { generateIdentity } from '../../src/crypto/identity.js';
import { relayOpen } from '../../src/hopper/relay.js';
import { Switch } from '../../src/hopper/switch.js';
import { RECORD_KINDS } from '../../src/mesh/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { CELL_TYPE, CIRCUIT_HIGH_BIT, type Cell, DESTROY_REASON, decodeCell, encodeCell } from '../../src/wire/cells.js';
import { MemoryNetwork } from '../helpers/memory-transport.js';

const log = createLogger(createLogCore('off'), 'test');

/** A relay between `from` and `next` whose dial to `next` finishes when the test says. */
function relay() {
  const net = new MemoryNetwork();
  const me = generateIdentity();
  const [from, next] = [generateIdentity().publicKey, generateIdentity().publicKey];
  const t = net.add(me.publicKey.toString('hex'));
  for (const p of [from, next]) {
    net.add(p.toString('hex'));
    net.link(t.self, p.toString('hex'));
  }
  t.record = true;
  let dialed = (): void => undefined;
  const gate = new Promise<void>((r) => { dialed = r; });
  t.ensure = () => gate;
  const sw = new Switch(me, t, () => undefined, () => undefined, log);
  const inPeer = from.toString('hex');
  // The circuit id an OPEN from `from` may carry: the other side's bit.
  const circuit = ((me.publicKey.toString('hex') < inPeer ? 0 : CIRCUIT_HIGH_BIT) | 7) >>> 0;
  relayOpen(sw, {
    from: inPeer, circuit,
    record: { next, component: COMPONENT.relay, payer: Buffer.alloc(PAYER_BYTES), token: Buffer.alloc(TOKEN_BYTES) },
    keys: { layer: randomBytes(32), request: randomBytes(32), response: randomBytes(32) },
    shifted: Buffer.alloc(HEADER_BYTES), body: Buffer.alloc(0),
  }, { relaying: 0, cells: 0, bytes: 0 }, log, () => undefined);
  const send = (seq: number): void => {
    const cell: Cell = { type: CELL_TYPE.data, circuit, seq: BigInt(seq), last: false, payload: randomBytes(64) };
    t.emit('record', inPeer, RECORD_KINDS.cell, encodeCell(cell), '127.0.0.1');
  };
  const sentTo = (peer: Buffer): Cell[] => t.sent.filter((s) => s.peer === peer.toString('hex')).map((s) => decodeCell(s.body));
  return { sw, send, dialed, sentTo, from, next };
}

test('cells behind an OPEN wait for the next hop\'s link, then follow the OPEN in order', async () => {
  const r = relay();
  for (let i = 0; i < 3; i++) r.send(i);
  await new Promise((res) => setImmediate(res));
  assert.deepEqual(r.sentTo(r.next), [], 'nothing leaves before the link is up');
  r.dialed();
  await new Promise((res) => setImmediate(res));
  const out = r.sentTo(r.next);
  assert.deepEqual(out.map((c) => c.type), [CELL_TYPE.open, CELL_TYPE.data, CELL_TYPE.data, CELL_TYPE.data]);
  assert.deepEqual(out.slice(1).map((c) => (c.type === CELL_TYPE.data ? c.seq : -1n)), [0n, 1n, 2n]);
  r.send(3);
  assert.equal(r.sentTo(r.next).length, 5, 'later cells go straight on');
  r.sw.close();
});

test('more cells than a relay holds for a dialing circuit end it as a protocol error', async () => {
  const r = relay();
  for (let i = 0; i < 17; i++) r.send(i);
  await new Promise((res) => setImmediate(res));
  const back = r.sentTo(r.from);
  assert.deepEqual(back.map((c) => c.type === CELL_TYPE.destroy && c.reason), [DESTROY_REASON.protocol], 'the sender is told');
  r.dialed();
  await new Promise((res) => setImmediate(res));
  assert.deepEqual(r.sentTo(r.next), [], 'and nothing goes on');
  r.sw.close();
});
