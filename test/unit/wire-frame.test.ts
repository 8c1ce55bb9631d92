import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { collectFrames, DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES, FrameCollector, FrameDecoder, joinPieces, PLAIN_MASK, encodeFrame } from '../../src/wire/index.js';
import { MasqError } from '../../src/system/errors.js';
import { throughOneBuffer } from '../helpers/frames.js';

function isWireDecode(err: unknown): boolean {
  return err instanceof MasqError && err.code === 'WIRE_DECODE';
}

/** Cuts a buffer at the given points (any order, duplicates allowed, clamped). */
function split(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, buf.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(buf.subarray(from, p));
    from = p;
  }
  out.push(buf.subarray(from));
  return out;
}

test('a frame is a 4-byte big-endian length and the body', () => {
  assert.deepEqual([...encodeFrame(Buffer.from('abc'))], [0, 0, 0, 3, 0x61, 0x62, 0x63]);
  assert.deepEqual([...encodeFrame(Buffer.alloc(0))], [0, 0, 0, 0]);
  assert.equal(encodeFrame(Buffer.alloc(DEFAULT_MAX_FRAME_BYTES)).readUInt32BE(0), 65552);
  assert.throws(() => encodeFrame(Buffer.alloc(DEFAULT_MAX_FRAME_BYTES + 1)), /at most/);
  assert.throws(() => encodeFrame(Buffer.alloc(11), { maxFrameBytes: 10 }), /at most/);
  assert.throws(() => new FrameDecoder({ maxFrameBytes: -1 }), /maxFrameBytes/);
  assert.throws(() => new FrameDecoder({ maxFrameBytes: 2 ** 32 }), /maxFrameBytes/);
});

test('the decoder gives whole bodies, several per chunk or one across many', () => {
  const d = new FrameDecoder();
  const push = collectFrames(d);
  const wire = Buffer.concat([encodeFrame(Buffer.from('one')), encodeFrame(Buffer.alloc(0)), encodeFrame(Buffer.from('three'))]);
  assert.deepEqual(push(wire).map((f) => String(joinPieces(f))), ['one', '', 'three']);
  assert.equal(d.bufferedBytes, 0);
  const byteByByte: string[] = [];
  for (const b of wire) byteByByte.push(...push(Buffer.from([b])).map((f) => String(joinPieces(f))));
  assert.deepEqual(byteByByte, ['one', '', 'three']);
  assert.deepEqual(push(Buffer.alloc(0)), []);
});

test('fuzz: round trips across arbitrary chunk splits', () => {
  const bodies = fc.array(fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)), { maxLength: 12 });
  fc.assert(fc.property(bodies, fc.array(fc.nat({ max: 8000 }), { maxLength: 30 }), (list, cuts) => {
    const joined = Buffer.concat(list.flatMap((b) => PLAIN_MASK.wrap([b.subarray(0, 7), b.subarray(7)])));
    // Memory of its own, so that a copy (which Buffer's pool would make) cannot share it.
    const wire = Buffer.allocUnsafeSlow(joined.length);
    joined.copy(wire);
    const push = collectFrames(PLAIN_MASK.unwrap({ maxFrameBytes: 600 }));
    const got = split(wire, cuts).flatMap((chunk) => push(chunk));
    assert.deepEqual(got.map(joinPieces), list);
    // No body is copied: each piece is a view of a chunk written.
    assert.ok(got.flat().every((piece) => piece.buffer === wire.buffer));
  }), { seed: 0xf4a3e, numRuns: 1000 });
});

test('an oversize length is refused before its body is buffered, and the decoder stays refused', () => {
  const d = new FrameDecoder({ maxFrameBytes: 100 });
  const push = collectFrames(d);
  assert.deepEqual(push(encodeFrame(Buffer.alloc(100), { maxFrameBytes: 100 })).length, 1);
  assert.deepEqual(push(Buffer.from([0, 0])), []);
  assert.throws(() => push(Buffer.from([0, 101])), isWireDecode, 'refused on the prefix alone');
  assert.equal(d.bufferedBytes, 0);
  assert.throws(() => push(encodeFrame(Buffer.from('ok'))), isWireDecode, 'still refused');
  assert.throws(() => collectFrames(new FrameDecoder())(Buffer.from([0xff, 0xff, 0xff, 0xff])), isWireDecode);
  assert.throws(() => collectFrames(new FrameDecoder())(Buffer.from([0, 1, 0, 17])), isWireDecode, '65553 is one over the default');
  assert.equal(collectFrames(new FrameDecoder())(Buffer.from([0, 1, 0, 16])).length, 0, '65552 is allowed');
});

test('fuzz: random bytes give only WIRE_DECODE, and the decoder holds nothing but a length prefix cut by a chunk', () => {
  const max = 300;
  const chunks = fc.array(fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)), { maxLength: 20 });
  // Mostly small lengths so that frames do complete, with random bytes around them.
  const smallLength = fc.nat({ max: max + 20 }).map((n) => Buffer.from([0, 0, n >> 8, n & 0xff]));
  const stream = fc.array(fc.oneof(chunks.map((c) => Buffer.concat(c)), smallLength), { maxLength: 20 });
  fc.assert(fc.property(stream, (parts) => {
    const d = new FrameDecoder({ maxFrameBytes: max });
    const push = collectFrames(d);
    for (const part of parts) {
      try {
        for (const body of push(part)) assert.ok(joinPieces(body).length <= max);
      } catch (err) {
        if (!isWireDecode(err)) throw err;
        assert.equal(d.bufferedBytes, 0);
        return;
      }
      assert.ok(d.bufferedBytes < FRAME_HEADER_BYTES, `held ${d.bufferedBytes}`);
    }
  }), { seed: 0xbadf00d, numRuns: 1000 });
});

test('the plain mask writes a frame as it is, its body\'s parts untouched, and gives a fresh decoder per stream', () => {
  const parts = [Buffer.from('x'), Buffer.from('yz')];
  const wire = PLAIN_MASK.wrap(parts);
  assert.deepEqual(Buffer.concat(wire), encodeFrame(Buffer.from('xyz')));
  assert.equal(wire[1], parts[0], 'a view, not a copy');
  assert.equal(PLAIN_MASK.name, 'plain');
  assert.notEqual(PLAIN_MASK.unwrap(), PLAIN_MASK.unwrap());
  const a = collectFrames(PLAIN_MASK.unwrap());
  const b = collectFrames(PLAIN_MASK.unwrap());
  const frame = Buffer.concat(wire);
  assert.deepEqual(a(frame.subarray(0, 3)), []);
  assert.deepEqual(b(frame).map((f) => String(joinPieces(f))), ['xyz']);
  assert.deepEqual(a(frame.subarray(3)).map((f) => String(joinPieces(f))), ['xyz']);
});

test('fuzz: a sink that reads each piece during its call gets every frame, with its length first, though each chunk is overwritten after it is written', () => {
  const bodies = fc.array(fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)), { maxLength: 12 });
  fc.assert(fc.property(bodies, fc.array(fc.nat({ max: 8000 }), { maxLength: 30 }), (list, cuts) => {
    const wire = Buffer.concat(list.flatMap((b) => PLAIN_MASK.wrap([b])));
    const got = throughOneBuffer(PLAIN_MASK.unwrap({ maxFrameBytes: 600 }), split(wire, cuts));
    assert.deepEqual(got.bodies, list);
    assert.deepEqual(got.lengths, list.map((b) => b.length));
  }), { seed: 0x5ead, numRuns: 500 });
});

test('a collector hands over what it holds in order: the frames not taken whole, then the one begun as far as it came', () => {
  const collector = new FrameCollector();
  const decoder = new FrameDecoder();
  const [a, b, c] = [Buffer.from('first'), Buffer.from('second frame'), Buffer.from('third, cut short')];
  const bytes = Buffer.concat([encodeFrame(a), encodeFrame(b), encodeFrame(c)]);
  decoder.write(bytes.subarray(0, bytes.length - 6), collector);
  assert.equal(collector.pending, 2);
  assert.ok(joinPieces(collector.shift() as Buffer[]).equals(a), 'the oldest frame comes first');
  const events: string[] = [];
  const sink = {
    begin: (n: number) => events.push(`begin ${n}`),
    part: (p: Buffer) => events.push(`part ${p.toString()}`),
    end: () => events.push('end'),
  };
  collector.handOver(sink);
  assert.deepEqual(events, [`begin ${b.length}`, 'part second frame', 'end', `begin ${c.length}`, 'part third, cut']);
  // The rest of the begun frame goes to the sink; the collector has nothing left.
  decoder.write(bytes.subarray(bytes.length - 6), sink);
  assert.deepEqual(events.slice(-2), ['part  short', 'end']);
  assert.equal(collector.pending, 0);
  events.length = 0;
  collector.handOver(sink);
  assert.deepEqual(events, [], 'nothing is handed over twice');
});
