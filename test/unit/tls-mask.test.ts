// The tls mask's codecs (src/tls-mask), pure: the ClientHello's shape (Chrome's suites, its 16 extensions with GREASE
// first and last and the order shuffled, an ML-KEM-768 key of the right form, JA4's counts), the proof a dialer
// gives and the replays it refuses, the listener's flight, the stream of records both ways with padding and frames
// spanning records; every parser fuzzed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, randomBytes, randomInt } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import fc from 'fast-check';
import { generateStaticKeyPair, x25519 } from '../../src/crypto/index.js';
import { MasqError } from '../../src/system/index.js';
import { collectFrames, type FramePieces } from '../../src/wire/index.js';
import { throughOneBuffer } from '../helpers/frames.js';
import {
  CONTENT, RecordReader, ReplayGuard, WINDOW_S, authKeys, buildClientFinish, buildClientHello, buildServerFlight, helloRandom, keystream,
  parseClientHello, parseServerHello, sealFrame, selfSignedCertificate, serverNameFor, serverRandom, sessionIdFor, SERVER_NAMES, StreamReader,
} from '../../src/tls-mask/index.js';
import { CHROME_CIPHERS, EXT, GROUP, isGrease, mlKemShapedKey } from '../../src/tls-mask/client-hello.js';

/** A sink that keeps nothing. */
const IGNORE = { begin: (): void => undefined, part: (): void => undefined, end: (): void => undefined };
const FUZZ = { seed: 16, numRuns: 500 };
const RND = { bytes: (n: number) => randomBytes(n), below: (n: number) => randomInt(n) };

function hello(serverName = 'www.example.com'): { bytes: Buffer; x: Buffer } {
  const x = generateStaticKeyPair().publicKey;
  return { bytes: buildClientHello({ random: randomBytes(32), sessionId: randomBytes(32), serverName, x25519: x, hybridX25519: generateStaticKeyPair().publicKey }, RND), x };
}

/** The extension types of a ClientHello, in order. */
function extensionTypes(bytes: Buffer): number[] {
  let p = 5 + 4 + 2 + 32;
  p += 1 + (bytes[p] as number);
  p += 2 + bytes.readUInt16BE(p);
  p += 1 + (bytes[p] as number);
  const end = p + 2 + bytes.readUInt16BE(p);
  const types: number[] = [];
  for (p += 2; p < end; p += 4 + bytes.readUInt16BE(p + 2)) types.push(bytes.readUInt16BE(p));
  return types;
}

test('the ClientHello is Chrome\'s shape: one record, 15 suites after GREASE, 17 extensions between GREASE ones, shuffled', () => {
  const { bytes, x } = hello();
  assert.deepEqual([...bytes.subarray(0, 3)], [CONTENT.handshake, 3, 1]);
  const parsed = parseClientHello(bytes);
  assert.ok(parsed.kind === 'hello');
  assert.equal(parsed.serverName, 'www.example.com');
  assert.ok(parsed.x25519?.equals(x), 'the X25519 share is the dialer\'s key');
  assert.equal(parsed.length, bytes.length);
  const suitesAt = 5 + 4 + 2 + 32 + 1 + 32;
  assert.equal(bytes.readUInt16BE(suitesAt), 32);
  assert.ok(isGrease(bytes.readUInt16BE(suitesAt + 2)));
  assert.deepEqual(Array.from({ length: 15 }, (_, i) => bytes.readUInt16BE(suitesAt + 4 + 2 * i)), [...CHROME_CIPHERS]);
  const types = extensionTypes(bytes);
  assert.equal(types.length, 19);
  assert.ok(isGrease(types[0] as number) && isGrease(types[18] as number));
  assert.deepEqual(types.slice(1, 18).sort((a, b) => a - b), Object.values(EXT).sort((a, b) => a - b), 'JA4: t13d1517h2, Chromium\'s 17 extensions');
  const orders = new Set(Array.from({ length: 20 }, () => extensionTypes(hello().bytes).join(',')));
  assert.ok(orders.size > 15, 'the order changes from one hello to the next');
});

test('the hybrid share\'s ML-KEM-768 key has the right form: 1184 bytes, every 12-bit coefficient below q', () => {
  const key = mlKemShapedKey(RND);
  assert.equal(key.length, 1184);
  for (let i = 0; i < 384; i++) {
    const [b0, b1, b2] = [key[i * 3] as number, key[i * 3 + 1] as number, key[i * 3 + 2] as number];
    assert.ok((b0 | ((b1 & 0x0f) << 8)) < 3329 && ((b1 >> 4) | (b2 << 4)) < 3329);
  }
  const share = Buffer.alloc(4);
  share.writeUInt16BE(GROUP.x25519MlKem768, 0);
  share.writeUInt16BE(1184 + 32, 2);
  assert.ok(hello().bytes.includes(share), 'the hello carries the hybrid share: ML-KEM-768 then X25519');
});

test('the proof: right key, right time and first use accepted; wrong key, old time, a replay refused', () => {
  const listener = generateStaticKeyPair();
  const eph = generateStaticKeyPair();
  const keys = authKeys(x25519(eph, listener.publicKey));
  const now = 1_800_000_000;
  const random = helloRandom(keys, now, randomBytes(28));
  const fields = { random, sessionId: sessionIdFor(keys, random, 'www.apple.com'), serverName: 'www.apple.com' };
  const listenerKeys = authKeys(x25519(listener, eph.publicKey));
  const guard = new ReplayGuard();
  assert.deepEqual(guard.check(listenerKeys, fields, now + 30), { ok: true });
  assert.deepEqual(guard.check(listenerKeys, fields, now + 31), { ok: false, why: 'replay' });
  assert.deepEqual(new ReplayGuard().check(listenerKeys, fields, now + WINDOW_S + 1), { ok: false, why: 'time' });
  const stranger = authKeys(x25519(generateStaticKeyPair(), eph.publicKey));
  assert.deepEqual(new ReplayGuard().check(stranger, fields, now), { ok: false, why: 'proof' });
  assert.deepEqual(new ReplayGuard().check(listenerKeys, { ...fields, serverName: 'www.bing.com' }, now), { ok: false, why: 'proof' }, 'the name is bound');
  // Bounded: the oldest are forgotten first.
  const small = new ReplayGuard(2);
  for (let i = 0; i < 3; i++) {
    const r = helloRandom(keys, now, randomBytes(28));
    assert.equal(small.check(listenerKeys, { random: r, sessionId: sessionIdFor(keys, r, ''), serverName: undefined }, now).ok, true);
  }
});

test('the listener\'s flight and the dialer\'s finish read as TLS records; the ServerHello proves the listener', () => {
  const keys = authKeys(randomBytes(32));
  const clientRandom = randomBytes(32);
  const flight = buildServerFlight({ random: serverRandom(keys, clientRandom), sessionId: randomBytes(32), x25519: randomBytes(32) }, 353, RND);
  const sh = parseServerHello(flight);
  assert.ok(sh.kind === 'hello' && sh.random.equals(serverRandom(keys, clientRandom)));
  const records = new RecordReader().push(flight);
  assert.deepEqual(records.map((r) => r.type), [CONTENT.handshake, CONTENT.changeCipherSpec, 23, 23, 23, 23]);
  assert.equal(records[3]?.fragment.length, 353 + 17, 'the Certificate record the size of the decoy\'s');
  assert.deepEqual(new RecordReader().push(buildClientFinish(RND)).map((r) => [r.type, r.fragment.length]), [[CONTENT.changeCipherSpec, 1], [23, 53]]);
});

test('the stream: frames of any size both ways, padded small records, only headers enciphered; chunks of any split', () => {
  const secret = randomBytes(32);
  const [cr, sr] = [randomBytes(32), randomBytes(32)];
  const send = keystream(secret, cr, sr, 'dialer');
  const reader = new StreamReader(keystream(secret, cr, sr, 'dialer'), 70_000);
  // The link gives the mask Noise ciphertext, which it sends as it is; the frames here stand for it.
  const frames = [Buffer.from('hello'), Buffer.alloc(0), randomBytes(1000), randomBytes(65_000), randomBytes(16_000), randomBytes(16_397)];
  const joined = Buffer.concat(frames.flatMap((f) => sealFrame([f.subarray(0, 300), f.subarray(300)], send, RND)));
  // Memory of its own, so that a copy (which Buffer's pool would make) cannot share it.
  const wire = Buffer.allocUnsafeSlow(joined.length);
  joined.copy(wire);
  const records = new RecordReader().push(wire);
  assert.ok(records.every((r) => r.type === 23 && r.fragment.length <= 16_401));
  assert.equal(records.length, 1 + 1 + 1 + 4 + 1 + 1, 'a frame takes as few records as fit it');
  assert.equal(records[8]?.fragment.length, 16_401, 'a frame of 16 397 bytes fills one record to the brim');
  [0, 1, 2, 3, 7, 8].forEach((r, i) => assert.notEqual(records[r]?.fragment.readUInt32BE(0), frames[i]?.length, 'no frame length in the clear'));
  const got: FramePieces[] = [];
  const push = collectFrames(reader);
  for (let at = 0; at < wire.length;) {
    const n = 1 + randomInt(3000);
    got.push(...push(wire.subarray(at, at + n)));
    at += n;
  }
  assert.deepEqual(got.map((pieces) => Buffer.concat(pieces).toString('hex')), frames.map((b) => b.toString('hex')));
  assert.ok(got.flat().every((piece) => piece.buffer === wire.buffer), 'frames come as views of the reads, never copied');
  const sizes = new Set(Array.from({ length: 30 }, () => Buffer.concat(sealFrame([randomBytes(600)], send, RND)).length));
  assert.ok(sizes.size > 10, 'equal cells do not make equal records');
});

test('fuzz: the parsers take any bytes and answer incomplete, invalid or a hello; the stream reader throws only decode errors', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (b) => {
    const h = parseClientHello(Buffer.from(b));
    assert.ok(['incomplete', 'invalid', 'hello'].includes(h.kind));
    const s = parseServerHello(Buffer.from(b));
    assert.ok(['incomplete', 'invalid', 'hello'].includes(s.kind));
  }), FUZZ);
  const good = hello().bytes;
  fc.assert(fc.property(fc.nat(good.length - 1), fc.nat(255), (at, v) => {
    const bad = Buffer.from(good);
    bad[at] = v;
    assert.ok(['incomplete', 'invalid', 'hello'].includes(parseClientHello(bad).kind));
  }), FUZZ);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(3100), { maxLength: 6 }), (b, cuts) => {
    const reader = new StreamReader(keystream(randomBytes(32), randomBytes(32), randomBytes(32), 'listener'), 70_000);
    const wire = Buffer.concat([Buffer.from([23, 3, 3, b.length >> 8, b.length & 0xff]), Buffer.from(b)]);
    const points = [0, ...[...new Set(cuts.map((c) => Math.min(c, wire.length)))].sort((x, y) => x - y), wire.length];
    try {
      // The same bytes in reads cut anywhere, a header too.
      for (let i = 1; i < points.length; i++) reader.write(wire.subarray(points[i - 1], points[i]), IGNORE);
    } catch (e) {
      if (!(e instanceof MasqError) || e.code !== 'WIRE_DECODE') throw e;
    }
  }), FUZZ);
  // Frames of any size in reads cut anywhere come back whole, the same whatever the cuts, to a sink that reads each
  // piece during its call from a buffer the next read overwrites.
  const frameSizes = fc.array(fc.nat(40_000), { minLength: 1, maxLength: 4 });
  fc.assert(fc.property(frameSizes, fc.array(fc.nat(200_000), { maxLength: 12 }), (sizes, cuts) => {
    const [secret, cr, sr] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const frames = sizes.map((n) => randomBytes(n));
    const send = keystream(secret, cr, sr, 'listener');
    const wire = Buffer.concat(frames.flatMap((f) => sealFrame([f], send, RND)));
    const reader = new StreamReader(keystream(secret, cr, sr, 'listener'), 70_000);
    const points = [0, ...[...new Set(cuts.map((c) => Math.min(c, wire.length)))].sort((x, y) => x - y), wire.length];
    const got = throughOneBuffer(reader, points.slice(1).map((p, i) => wire.subarray(points[i], p)));
    assert.deepEqual(got.bodies, frames);
    assert.deepEqual(got.lengths, sizes);
  }), { ...FUZZ, numRuns: 200 });
});

test('server names: one table, the same name for a Node\'s every dialer', () => {
  const key = randomBytes(32);
  assert.equal(serverNameFor(key), serverNameFor(Buffer.from(key)));
  assert.ok(SERVER_NAMES.includes(serverNameFor(key)));
  assert.ok(new Set(Array.from({ length: 64 }, () => serverNameFor(randomBytes(32)))).size > 4);
});

test('the decoy\'s certificate: valid DER that OpenSSL takes, every time (its serial is a minimal positive INTEGER)', () => {
  for (let i = 0; i < 300; i++) {
    const c = selfSignedCertificate('www.example.com');
    const x = new X509Certificate(c.certPem);
    assert.equal(x.subject, 'CN=www.example.com');
    assert.equal(x.subjectAltName, 'DNS:www.example.com');
    assert.ok(x.verify(x.publicKey), 'self-signed');
    assert.equal(x.raw.length, c.derBytes);
    createSecureContext({ key: c.keyPem, cert: c.certPem });
  }
});
