// The cell codec and the OPEN payloads: round trips, bounds, and fuzzing that bad bytes fail only with DecodeError.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HEADER_BYTES } from '../../src/crypto/onion.js';
import { DecodeError } from '../../src/wire/bytes.js';
import {
  ANSWER_BODY_BYTES, CELL_TYPE, type Cell, DESTROY_REASON, MAX_DATA_PAYLOAD, MAX_OPEN_BODY, OPEN_STATUS, WINDOW_BODY_BYTES, decodeCell, encodeCell,
} from '../../src/wire/cells.js';
import { decodeOpenAnswer, decodeOpenRequest, encodeOpenAnswer, encodeOpenRequest } from '../../src/wire/stream-open.js';

const FUZZ = { seed: 42, numRuns: 500 };

const cellArb: fc.Arbitrary<Cell> = fc.oneof(
  fc.record({ type: fc.constant(CELL_TYPE.open), circuit: fc.nat(), header: fc.uint8Array({ minLength: HEADER_BYTES, maxLength: HEADER_BYTES }).map(Buffer.from), body: fc.uint8Array({ maxLength: MAX_OPEN_BODY }).map(Buffer.from) }),
  fc.record({ type: fc.constant(CELL_TYPE.data), circuit: fc.nat(), seq: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), last: fc.boolean(), payload: fc.uint8Array({ maxLength: 2000 }).map(Buffer.from) }),
  fc.record({ type: fc.constant(CELL_TYPE.window), circuit: fc.nat(), seq: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), body: fc.uint8Array({ minLength: WINDOW_BODY_BYTES, maxLength: WINDOW_BODY_BYTES }).map(Buffer.from) }),
  fc.record({ type: fc.constant(CELL_TYPE.destroy), circuit: fc.nat(), reason: fc.constantFrom(...Object.values(DESTROY_REASON)) }),
  fc.record({ type: fc.constant(CELL_TYPE.answer), circuit: fc.nat(), seq: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), body: fc.uint8Array({ minLength: ANSWER_BODY_BYTES, maxLength: ANSWER_BODY_BYTES }).map(Buffer.from) }),
) as fc.Arbitrary<Cell>;

function onlyDecodeError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

test('every cell type round-trips, with its layout', () => {
  fc.assert(fc.property(cellArb, (c) => assert.deepEqual(decodeCell(encodeCell(c)), { ...c })), FUZZ);
  assert.deepEqual([...encodeCell({ type: CELL_TYPE.destroy, circuit: 0x80000001, reason: DESTROY_REASON.linkLost })], [4, 0x80, 0, 0, 1, 1]);
  const data = encodeCell({ type: CELL_TYPE.data, circuit: 7, seq: 258n, last: true, payload: Buffer.from('ab') });
  assert.deepEqual([...data], [2, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 1, 2, 1, 0x61, 0x62]);
  const answer = encodeCell({ type: CELL_TYPE.answer, circuit: 3, seq: 0n, body: Buffer.alloc(ANSWER_BODY_BYTES, 9) });
  assert.deepEqual([...answer.subarray(0, 13)], [5, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(answer.length, 13 + ANSWER_BODY_BYTES);
});

test('bounds: oversize bodies, unknown types and reasons, bad flags and trailing bytes are refused', () => {
  const max = encodeCell({ type: CELL_TYPE.data, circuit: 1, seq: 0n, last: false, payload: Buffer.alloc(MAX_DATA_PAYLOAD) });
  assert.equal(decodeCell(max).type, CELL_TYPE.data);
  assert.throws(() => decodeCell(Buffer.concat([max, Buffer.from([0])])), DecodeError);
  assert.throws(() => encodeCell({ type: CELL_TYPE.data, circuit: 1, seq: 0n, last: false, payload: Buffer.alloc(MAX_DATA_PAYLOAD + 1) }), RangeError);
  const open = encodeCell({ type: CELL_TYPE.open, circuit: 1, header: Buffer.alloc(HEADER_BYTES), body: Buffer.alloc(MAX_OPEN_BODY) });
  assert.throws(() => decodeCell(Buffer.concat([open, Buffer.from([0])])), /exceeds/);
  assert.throws(() => decodeCell(Buffer.from([9, 0, 0, 0, 1])), /unknown cell type 9/);
  assert.throws(() => decodeCell(Buffer.from([4, 0, 0, 0, 1, 99])), /unknown DESTROY reason/);
  assert.throws(() => decodeCell(Buffer.from([4, 0, 0, 0, 1, 0, 0])), /trailing/);
  assert.throws(() => decodeCell(Buffer.from([2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2])), /last flag/);
  assert.throws(() => decodeCell(Buffer.from([1, 0, 0])), DecodeError);
  const answer = encodeCell({ type: CELL_TYPE.answer, circuit: 1, seq: 0n, body: Buffer.alloc(ANSWER_BODY_BYTES) });
  assert.throws(() => decodeCell(Buffer.concat([answer, Buffer.from([0])])), /trailing/);
  assert.throws(() => decodeCell(answer.subarray(0, answer.length - 1)), DecodeError);
  assert.throws(() => encodeCell({ type: CELL_TYPE.answer, circuit: 1, seq: 0n, body: Buffer.alloc(ANSWER_BODY_BYTES + 1) }), RangeError);
});

test('random and mutated bytes fail only with DecodeError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (b) => onlyDecodeError(() => decodeCell(Buffer.from(b)))), FUZZ);
  fc.assert(fc.property(cellArb, fc.nat(), fc.nat(255), fc.nat(), (c, at, v, cut) => {
    const wire = Buffer.from(encodeCell(c));
    wire[at % wire.length] = v;
    onlyDecodeError(() => decodeCell(wire.subarray(0, cut % (wire.length + 1))));
    onlyDecodeError(() => decodeCell(wire));
  }), FUZZ);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
    onlyDecodeError(() => decodeOpenRequest(Buffer.from(b)));
    onlyDecodeError(() => decodeOpenAnswer(Buffer.from(b)));
  }), FUZZ);
});

test('the stream request and answer round-trip and refuse what they cannot carry', () => {
  const q = { host: 'example.com', port: 443, backHeader: Buffer.alloc(HEADER_BYTES, 3), backFirst: Buffer.alloc(64, 4), window: 262144 };
  assert.deepEqual(decodeOpenRequest(encodeOpenRequest(q)), q);
  assert.throws(() => encodeOpenRequest({ ...q, host: 'x'.repeat(256) }), RangeError);
  assert.throws(() => encodeOpenRequest({ ...q, host: '' }), RangeError);
  const zeroPort = encodeOpenRequest(q);
  zeroPort.writeUInt16BE(0, 1 + q.host.length);
  assert.throws(() => decodeOpenRequest(zeroPort), /port 0/);
  for (const s of Object.values(OPEN_STATUS)) assert.equal(decodeOpenAnswer(encodeOpenAnswer(s)), s);
  assert.throws(() => decodeOpenAnswer(Buffer.from([9])), /unknown status/);
});
