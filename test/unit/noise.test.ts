import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  CipherState, IkInitiator, IkResponder, MAX_MESSAGE_BYTES, MESSAGE1_OVERHEAD, MESSAGE2_OVERHEAD, generateStaticKeyPair, keyPairFromPrivate,
  type TransportKeys,
} from '../../src/crypto/noise.js';
import { MasqError } from '../../src/system/errors.js';

interface Vector {
  source: string;
  protocol_name: string;
  init_prologue: string;
  init_static: string;
  init_ephemeral: string;
  init_remote_static: string;
  resp_prologue: string;
  resp_static: string;
  resp_ephemeral: string;
  handshake_hash?: string;
  messages: { payload: string; ciphertext: string }[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/noise-ik-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] };
const hex = (s: string): Buffer => Buffer.from(s, 'hex');

function isLinkAuth(err: unknown): boolean {
  return err instanceof MasqError && err.code === 'LINK_AUTH';
}

function handshake(prologue = Buffer.from('masq-test')): { init: TransportKeys; resp: TransportKeys; p1: Buffer; p2: Buffer } {
  const is = generateStaticKeyPair();
  const rsPair = generateStaticKeyPair();
  const initiator = new IkInitiator({ s: is, rs: rsPair.publicKey, prologue });
  const responder = new IkResponder({ s: rsPair, prologue });
  const m1 = initiator.writeMessage1(Buffer.from('hello'));
  const r1 = responder.readMessage1(m1);
  assert.deepEqual(r1.remoteStatic, is.publicKey);
  const { msg, keys: resp } = responder.writeMessage2(Buffer.from('welcome'));
  const r2 = initiator.readMessage2(msg);
  return { init: r2.keys, resp, p1: r1.payload, p2: r2.payload };
}

test('the fixture holds published IK vectors with their sources', () => {
  assert.ok(fixture.vectors.length >= 2);
  for (const v of fixture.vectors) {
    assert.equal(v.protocol_name, 'Noise_IK_25519_ChaChaPoly_SHA256');
    assert.match(v.source, /^https:\/\/github\.com\//);
    assert.ok(v.messages.length >= 4, 'handshake and transport messages');
  }
});

for (const v of fixture.vectors) {
  test(`Noise IK vector from ${v.source.split('/')[4] ?? v.source}: every message byte for byte`, () => {
    const initStatic = keyPairFromPrivate(hex(v.init_static));
    const respStatic = keyPairFromPrivate(hex(v.resp_static));
    assert.deepEqual(respStatic.publicKey, hex(v.init_remote_static), 'the initiator knows the responder key');
    const initiator = new IkInitiator({ s: initStatic, rs: hex(v.init_remote_static), prologue: hex(v.init_prologue), e: keyPairFromPrivate(hex(v.init_ephemeral)) });
    const responder = new IkResponder({ s: respStatic, prologue: hex(v.resp_prologue), e: keyPairFromPrivate(hex(v.resp_ephemeral)) });
    const [m1, m2, ...transport] = v.messages;
    assert.ok(m1 && m2);

    const wire1 = initiator.writeMessage1(hex(m1.payload));
    assert.equal(wire1.toString('hex'), m1.ciphertext, 'message 1');
    const read1 = responder.readMessage1(wire1);
    assert.equal(read1.payload.toString('hex'), m1.payload);
    assert.deepEqual(read1.remoteStatic, initStatic.publicKey);

    const { msg: wire2, keys: respKeys } = responder.writeMessage2(hex(m2.payload));
    assert.equal(wire2.toString('hex'), m2.ciphertext, 'message 2');
    const { payload: payload2, keys: initKeys } = initiator.readMessage2(wire2);
    assert.equal(payload2.toString('hex'), m2.payload);
    assert.deepEqual(initKeys.handshakeHash, respKeys.handshakeHash);
    if (v.handshake_hash) assert.equal(initKeys.handshakeHash.toString('hex'), v.handshake_hash, 'handshake hash');
    assert.deepEqual(initKeys.remoteStatic, respStatic.publicKey);
    assert.deepEqual(respKeys.remoteStatic, initStatic.publicKey);

    transport.forEach((m, i) => {
      const [sender, receiver] = i % 2 === 0 ? [initKeys, respKeys] : [respKeys, initKeys];
      const wire = sender.send.encrypt(Buffer.alloc(0), hex(m.payload));
      assert.equal(wire.toString('hex'), m.ciphertext, `transport message ${i + 3}`);
      assert.equal(receiver.receive.decrypt(Buffer.alloc(0), wire).toString('hex'), m.payload);
    });
  });
}

test('a full handshake between fresh key pairs carries payloads and records both ways', () => {
  const { init, resp, p1, p2 } = handshake();
  assert.equal(p1.toString(), 'hello');
  assert.equal(p2.toString(), 'welcome');
  assert.deepEqual(init.handshakeHash, resp.handshakeHash);
  for (let i = 0; i < 5; i++) {
    const ad = Buffer.from([i]);
    assert.equal(resp.receive.decrypt(ad, init.send.encrypt(ad, Buffer.from(`up ${i}`))).toString(), `up ${i}`);
    assert.equal(init.receive.decrypt(ad, resp.send.encrypt(ad, Buffer.from(`down ${i}`))).toString(), `down ${i}`);
  }
  assert.equal(init.send.nonce, 5n);
  const big = Buffer.alloc(MAX_MESSAGE_BYTES - 16, 7);
  assert.deepEqual(resp.receive.decrypt(Buffer.alloc(0), init.send.encrypt(Buffer.alloc(0), big)), big);
});

test('an initiator that has the wrong responder key fails with LINK_AUTH', () => {
  const prologue = Buffer.from('p');
  const responder = new IkResponder({ s: generateStaticKeyPair(), prologue });
  const initiator = new IkInitiator({ s: generateStaticKeyPair(), rs: generateStaticKeyPair().publicKey, prologue });
  assert.throws(() => responder.readMessage1(initiator.writeMessage1(Buffer.from('x'))), isLinkAuth);
  assert.throws(() => responder.readMessage1(Buffer.alloc(200)), isLinkAuth, 'a failed handshake stays failed');
});

test('a different prologue fails the handshake', () => {
  const rs = generateStaticKeyPair();
  const initiator = new IkInitiator({ s: generateStaticKeyPair(), rs: rs.publicKey, prologue: Buffer.from('a') });
  const responder = new IkResponder({ s: rs, prologue: Buffer.from('b') });
  assert.throws(() => responder.readMessage1(initiator.writeMessage1(Buffer.alloc(0))), isLinkAuth);
});

test('any flipped bit in either handshake message fails with LINK_AUTH', () => {
  const prologue = Buffer.alloc(0);
  const is = generateStaticKeyPair();
  const rs = generateStaticKeyPair();
  const e1 = generateStaticKeyPair();
  const e2 = generateStaticKeyPair();
  const m1 = new IkInitiator({ s: is, rs: rs.publicKey, prologue, e: e1 }).writeMessage1(Buffer.from('payload one'));
  for (let bit = 0; bit < m1.length * 8; bit += 7) {
    const bad = Buffer.from(m1);
    bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
    // Flipping the top bit of the ephemeral key's last byte changes nothing in X25519 (RFC 7748 masks it) but
    // still changes h, so the tags fail as well: every bit counts.
    assert.throws(() => new IkResponder({ s: rs, prologue }).readMessage1(bad), isLinkAuth, `bit ${bit}`);
  }
  const responder = new IkResponder({ s: rs, prologue, e: e2 });
  responder.readMessage1(m1);
  const { msg: m2 } = responder.writeMessage2(Buffer.from('payload two'));
  for (let bit = 0; bit < m2.length * 8; bit += 5) {
    const bad = Buffer.from(m2);
    bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
    const initiator = new IkInitiator({ s: is, rs: rs.publicKey, prologue, e: e1 });
    initiator.writeMessage1(Buffer.from('payload one'));
    assert.throws(() => initiator.readMessage2(bad), isLinkAuth, `bit ${bit}`);
  }
});

test('tampered, replayed, reordered and truncated records fail with LINK_AUTH', () => {
  const { init, resp } = handshake();
  const ad = Buffer.alloc(0);
  const r1 = init.send.encrypt(ad, Buffer.from('first'));
  const r2 = init.send.encrypt(ad, Buffer.from('second'));
  const bad = Buffer.from(r1);
  bad[0] = (bad[0] as number) ^ 1;
  assert.throws(() => resp.receive.decrypt(ad, bad), isLinkAuth);
  assert.throws(() => resp.receive.decrypt(ad, r2), isLinkAuth, 'out of order');
  assert.throws(() => resp.receive.decrypt(Buffer.from('other'), r1), isLinkAuth, 'other associated data');
  assert.throws(() => resp.receive.decrypt(ad, r1.subarray(0, 15)), isLinkAuth, 'shorter than a tag');
  assert.throws(() => resp.receive.decrypt(ad, Buffer.alloc(MAX_MESSAGE_BYTES + 1)), isLinkAuth, 'too long');
  assert.equal(resp.receive.decrypt(ad, r1).toString(), 'first', 'failures do not move the nonce');
  assert.throws(() => resp.receive.decrypt(ad, r1), isLinkAuth, 'replay');
  assert.equal(resp.receive.decrypt(ad, r2).toString(), 'second');
});

test('handshake messages are bounded on both ends', () => {
  const rs = generateStaticKeyPair();
  const prologue = Buffer.alloc(0);
  assert.throws(() => new IkResponder({ s: rs, prologue }).readMessage1(Buffer.alloc(MESSAGE1_OVERHEAD - 1)), isLinkAuth);
  assert.throws(() => new IkResponder({ s: rs, prologue }).readMessage1(Buffer.alloc(MAX_MESSAGE_BYTES + 1)), isLinkAuth);
  const maxPayload = Buffer.alloc(MAX_MESSAGE_BYTES - MESSAGE1_OVERHEAD, 1);
  const initiator = new IkInitiator({ s: generateStaticKeyPair(), rs: rs.publicKey, prologue });
  const m1 = initiator.writeMessage1(maxPayload);
  assert.equal(m1.length, MAX_MESSAGE_BYTES);
  const responder = new IkResponder({ s: rs, prologue });
  assert.deepEqual(responder.readMessage1(m1).payload, maxPayload);
  assert.throws(() => responder.writeMessage2(Buffer.alloc(MAX_MESSAGE_BYTES - MESSAGE2_OVERHEAD + 1)), /at most/);
  assert.throws(() => new IkInitiator({ s: generateStaticKeyPair(), rs: rs.publicKey, prologue }).writeMessage1(Buffer.alloc(maxPayload.length + 1)), /at most/);
  const { msg } = responder.writeMessage2(Buffer.alloc(0));
  assert.equal(msg.length, MESSAGE2_OVERHEAD);
  assert.throws(() => initiator.readMessage2(msg.subarray(0, MESSAGE2_OVERHEAD - 1)), isLinkAuth);
});

test('calls out of order are refused', () => {
  const rs = generateStaticKeyPair();
  const prologue = Buffer.alloc(0);
  const initiator = new IkInitiator({ s: generateStaticKeyPair(), rs: rs.publicKey, prologue });
  assert.throws(() => initiator.readMessage2(Buffer.alloc(64)), /out of order/);
  initiator.writeMessage1(Buffer.alloc(0));
  assert.throws(() => initiator.writeMessage1(Buffer.alloc(0)), /out of order/);
  assert.throws(() => new IkResponder({ s: rs, prologue }).writeMessage2(Buffer.alloc(0)), /out of order/);
});

test('a low-order ephemeral key from the wire is LINK_AUTH, not a crash', () => {
  const rs = generateStaticKeyPair();
  const m1 = Buffer.alloc(MESSAGE1_OVERHEAD); // ephemeral key 0: DH gives all zeros, which OpenSSL refuses
  assert.throws(() => new IkResponder({ s: rs, prologue: Buffer.alloc(0) }).readMessage1(m1), isLinkAuth);
});

/** Opens a record as a link does: each piece copied into one buffer first, read there, then the buffer overwritten. */
function receive(state: CipherState, pieces: readonly Buffer[]): Buffer {
  const shared = Buffer.alloc(65_536);
  state.beginReceived(pieces.reduce((n, p) => n + p.length, 0));
  for (const piece of pieces) {
    piece.copy(shared);
    state.receivedPart(shared.subarray(0, piece.length));
    shared.fill(0xee);
  }
  return state.endReceived();
}

test('a received record opens as its pieces arrive, each read from a buffer overwritten after it', () => {
  const { init, resp } = handshake();
  const ad = Buffer.alloc(0);
  const text = randomBytes(49_143);
  // Three pieces, the tag cut in two, as a cell across three TLS records would come.
  const sealed = init.send.encrypt(ad, text);
  const copy = Buffer.from(sealed);
  assert.ok(receive(resp.receive, [sealed.subarray(0, 16_380), sealed.subarray(16_380, 49_150), sealed.subarray(49_150)]).equals(text));
  assert.ok(sealed.equals(copy), 'the pieces are read, not written');
  assert.ok(receive(resp.receive, [init.send.encrypt(ad, text)]).equals(text), 'one piece');
  assert.equal(receive(resp.receive, [init.send.encrypt(ad, Buffer.alloc(0))]).length, 0, 'an empty record: its tag alone');
  const next = init.send.encrypt(ad, Buffer.from('next'));
  const tampered = Buffer.from(next);
  tampered[2] = (tampered[2] as number) ^ 1;
  assert.throws(() => receive(resp.receive, [tampered.subarray(0, 3), tampered.subarray(3)]), isLinkAuth);
  const tagTampered = Buffer.from(next);
  tagTampered[next.length - 1] = (tagTampered[next.length - 1] as number) ^ 1;
  assert.throws(() => receive(resp.receive, [tagTampered.subarray(0, 19), tagTampered.subarray(19)]), isLinkAuth, 'a tag cut and tampered');
  assert.throws(() => resp.receive.beginReceived(15), isLinkAuth, 'shorter than a tag');
  assert.throws(() => resp.receive.beginReceived(65_536), isLinkAuth, 'longer than a Noise message');
  assert.equal(receive(resp.receive, [next.subarray(0, 3), next.subarray(3)]).toString(), 'next', 'failures do not move the nonce');
});

test('a CipherState refuses the reserved nonce 2^64-1 with LINK_AUTH', () => {
  const key = Buffer.alloc(32, 9);
  const last = 0xffff_ffff_ffff_fffen;
  const sender = new CipherState(key, last);
  const receiver = new CipherState(key, last);
  const wire = sender.encrypt(Buffer.alloc(0), Buffer.from('last one'));
  assert.equal(receiver.decrypt(Buffer.alloc(0), wire).toString(), 'last one');
  assert.throws(() => sender.encrypt(Buffer.alloc(0), Buffer.from('one more')), isLinkAuth);
  assert.throws(() => receiver.decrypt(Buffer.alloc(0), wire), isLinkAuth);
  assert.throws(() => new CipherState(Buffer.alloc(31)), /32 bytes/);
});

const FUZZ = { seed: 0x5eed, numRuns: 1000 };
const anyBytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));

function onlyLinkAuth(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    if (!isLinkAuth(err)) throw err;
  }
}

test('fuzz: readMessage1 with arbitrary bytes fails only with LINK_AUTH', () => {
  const rs = generateStaticKeyPair();
  fc.assert(fc.property(anyBytes, (bytes) => {
    onlyLinkAuth(() => new IkResponder({ s: rs, prologue: Buffer.alloc(0) }).readMessage1(bytes));
  }), FUZZ);
});

test('fuzz: readMessage2 with arbitrary bytes fails only with LINK_AUTH', () => {
  const rs = generateStaticKeyPair();
  const is = generateStaticKeyPair();
  const e = generateStaticKeyPair();
  fc.assert(fc.property(anyBytes, (bytes) => {
    const initiator = new IkInitiator({ s: is, rs: rs.publicKey, prologue: Buffer.alloc(0), e });
    initiator.writeMessage1(Buffer.alloc(0));
    onlyLinkAuth(() => initiator.readMessage2(bytes));
  }), FUZZ);
});

test('fuzz: decrypt with arbitrary bytes and associated data fails only with LINK_AUTH', () => {
  const { resp } = handshake();
  fc.assert(fc.property(anyBytes, anyBytes, (ad, bytes) => {
    onlyLinkAuth(() => resp.receive.decrypt(ad, bytes));
  }), FUZZ);
  assert.equal(resp.receive.nonce, 0n);
});

test('fuzz: a message with one byte changed, cut or extended never passes', () => {
  const rs = generateStaticKeyPair();
  const is = generateStaticKeyPair();
  const e = generateStaticKeyPair();
  const m1 = new IkInitiator({ s: is, rs: rs.publicKey, prologue: Buffer.alloc(0), e }).writeMessage1(Buffer.from('fuzz'));
  fc.assert(fc.property(fc.nat({ max: m1.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.integer({ min: -4, max: 4 }), (at, xor, resize) => {
    let bad = Buffer.from(m1);
    bad[at] = (bad[at] as number) ^ xor;
    if (resize < 0) bad = bad.subarray(0, bad.length + resize);
    if (resize > 0) bad = Buffer.concat([bad, Buffer.alloc(resize)]);
    assert.throws(() => new IkResponder({ s: rs, prologue: Buffer.alloc(0) }).readMessage1(bad), isLinkAuth);
  }), FUZZ);
});
