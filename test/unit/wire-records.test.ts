import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, sign } from 'node:crypto';
import fc from 'fast-check';
import { generateIdentity, importIdentity, privateKeyObject, verifyNodeSignature } from '../../src/crypto/identity.js';
import { DecodeError } from '../../src/wire/bytes.js';
import { formatDescriptor, parseDescriptor } from '../../src/wire/descriptor.js';
import {
  MAX_GOSSIP_RECORDS, MAX_NEIGHBORS, type NodeRecord, type SignedRecord, decodeGossip, decodeRecord, encodeGossip, encodeRecord, openRecord, signRecord,
} from '../../src/wire/node-record.js';

test('Ed25519 through raw keys matches RFC 8032 test vector 1', () => {
  const secret = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  const expected = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
  assert.equal(sign(null, Buffer.alloc(0), privateKeyObject('ed25519', secret)).toString('hex'), expected);
  const pub = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
  assert.ok(verifyNodeSignature(Buffer.concat([Buffer.alloc(32), pub]), Buffer.alloc(0), Buffer.from(expected, 'hex')));
});

test('identities: 64-byte public key, export and import give the same keys, signatures verify only for their owner', () => {
  const a = generateIdentity();
  const b = importIdentity(a.exportSecrets());
  assert.equal(a.publicKey.length, 64);
  assert.ok(a.publicKey.equals(b.publicKey));
  const sig = b.sign(Buffer.from('hello'));
  assert.ok(verifyNodeSignature(a.publicKey, Buffer.from('hello'), sig));
  assert.ok(!verifyNodeSignature(generateIdentity().publicKey, Buffer.from('hello'), sig));
  assert.ok(!verifyNodeSignature(a.publicKey, Buffer.from('hellO'), sig));
  assert.ok(!verifyNodeSignature(Buffer.alloc(64, 0xff), Buffer.from('hello'), sig));
  for (const bad of ['', 'a,b', `${'A'.repeat(43)}`, `${'A'.repeat(43)},${'A'.repeat(44)}`]) assert.throws(() => importIdentity(bad));
});

test('descriptors: MASQ form both ways, and each mistake named', () => {
  const key = randomBytes(32);
  const text = `masq://base-mainnet:${key.toString('base64url')}@11.22.33.44:5678/6789`;
  const d = parseDescriptor(text);
  assert.deepEqual(d, { chain: 'base-mainnet', key, ip: '11.22.33.44', ports: [5678, 6789] });
  assert.equal(formatDescriptor(d), text);
  assert.equal(formatDescriptor({ chain: 'dev', key, ports: [] }), `masq://dev:${key.toString('base64url')}@:`);
  assert.deepEqual(parseDescriptor(`masq://dev:${key.toString('base64url')}@:`).ports, []);
  const cases: Array<[string, RegExp]> = [
    ['http://x', /does not start with masq:\/\//],
    [`masq://base-mainnet:${key.toString('base64url')}`, /exactly one @/],
    [`masq://base-mainnet${key.toString('base64url')}@1.2.3.4:5555`, /needs a : between the chain and the key/],
    [`masq://moon:${key.toString('base64url')}@1.2.3.4:5555`, /unknown chain 'moon'/],
    ['masq://dev:short@1.2.3.4:5555', /43 characters/],
    [`masq://dev:${key.toString('base64url')}@1.2.3:5555`, /not an IPv4 address/],
    [`masq://dev:${key.toString('base64url')}@1.2.3.4:80`, /outside 1025-65535/],
  ];
  for (const [t, why] of cases) assert.throws(() => parseDescriptor(t), (e: unknown) => e instanceof DecodeError && why.test(e.message), t);
});

function record(owner = generateIdentity(), over: Partial<NodeRecord> = {}): NodeRecord {
  return {
    publicKey: owner.publicKey, version: 3, earningWallet: randomBytes(20),
    ratePack: { routingByteRate: 53844n, routingServiceRate: 53844n, exitByteRate: 107688n, exitServiceRate: 2n ** 64n - 1n },
    acceptsConnections: true, routesData: true, neighbors: [generateIdentity().publicKey, generateIdentity().publicKey], countryCode: 'CZ', ...over,
  };
}

test('records round-trip, neighbors sorted; signatures bind owner, bytes and chain', () => {
  const me = generateIdentity();
  const r = record(me);
  const decoded = decodeRecord(encodeRecord(r));
  assert.deepEqual({ ...decoded, neighbors: decoded.neighbors.map((n) => n.toString('hex')) }, { ...r, neighbors: [...r.neighbors].sort(Buffer.compare).map((n) => n.toString('hex')) });
  const s = signRecord(me, 8453, r);
  assert.equal(openRecord(8453, s).version, 3);
  assert.throws(() => openRecord(2, s), /signature does not verify/, 'another chain');
  const forged = Buffer.from(s.signed);
  forged[1 + 64 + 3] = 99; // version
  assert.throws(() => openRecord(8453, { ...s, signed: forged }), /signature does not verify/);
  assert.throws(() => signRecord(me, 1, record()), /own record/);
});

test('records refuse what is malformed', () => {
  const me = generateIdentity();
  const enc = encodeRecord(record(me, { countryCode: undefined }));
  assert.throws(() => decodeRecord(Buffer.concat([enc, Buffer.from([0])])), /trailing/);
  assert.throws(() => decodeRecord(enc.subarray(0, enc.length - 1)), /truncated/);
  const flags = Buffer.from(enc);
  flags[1 + 64 + 4 + 20 + 32] = 0x80;
  assert.throws(() => decodeRecord(flags), /unknown flags/);
  const self = Buffer.from(enc);
  self.set(me.publicKey, 1 + 64 + 4 + 20 + 32 + 2);
  assert.throws(() => decodeRecord(self), /own neighbor|ascending/);
  assert.throws(() => encodeRecord(record(me, { neighbors: Array.from({ length: MAX_NEIGHBORS + 1 }, () => randomBytes(64)) })), /exceeds/);
});

test('gossip carries signed records with optional addresses; limits hold', () => {
  const a = generateIdentity();
  const b = generateIdentity();
  const records = [
    { ...signRecord(a, 2, record(a)), address: { ip: '11.22.33.44', ports: [5000, 6000] } },
    signRecord(b, 2, record(b, { acceptsConnections: false })),
  ];
  const back = decodeGossip(encodeGossip(records));
  assert.equal(back.length, 2);
  assert.deepEqual(back[0]?.address, { ip: '11.22.33.44', ports: [5000, 6000] });
  assert.equal(back[1]?.address, undefined);
  assert.ok(openRecord(2, back[0] as never).publicKey.equals(a.publicKey));
  assert.ok(openRecord(2, back[1] as never).publicKey.equals(b.publicKey));
  const tooMany = Buffer.from([1, MAX_GOSSIP_RECORDS + 1]);
  assert.throws(() => decodeGossip(tooMany), /record count 65 exceeds 64/);
  assert.throws(() => decodeGossip(Buffer.from([1, 1, 0xff, 0xff])), /exceeds/, 'a declared length is checked before reading');
});

test('decoded records and Gossip hold their bytes in memory of their own, free of the buffer they came from', () => {
  const a = generateIdentity();
  const message = encodeGossip([signRecord(a, 2, record(a)), signRecord(a, 2, record(a, { version: 4 }))]);
  const [first, second] = decodeGossip(message) as [SignedRecord, SignedRecord];
  const r = decodeRecord(first.signed);
  message.fill(0);
  assert.ok(openRecord(2, first).publicKey.equals(a.publicKey), 'the message reused does not change what was decoded');
  // A database holds records for hours: a field that were a slice would keep a whole message or pool slab alive.
  for (const b of [first.signed, first.signature, second.signed, second.signature]) assert.equal(b.buffer.byteLength, b.length);
  for (const b of [r.publicKey, r.earningWallet, ...r.neighbors]) {
    assert.equal(b.buffer, r.publicKey.buffer, 'the fields share one copy');
    assert.equal(b.buffer.byteLength, first.signed.length, 'of the record\'s own size');
  }
});

test('fuzz: decoders take arbitrary bytes and throw nothing but DecodeError', () => {
  const owner = generateIdentity();
  const sample = encodeGossip([signRecord(owner, 2, record(owner))].map((s) => ({ ...s, address: { ip: '1.2.3.4', ports: [1234] } })));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(sample.length), fc.uint8Array({ minLength: 1, maxLength: 8 }), (bytes, at, patch) => {
    const mutated = Buffer.from(sample);
    Buffer.from(patch).copy(mutated, Math.min(at, mutated.length - 1));
    for (const input of [Buffer.from(bytes), mutated]) {
      for (const decode of [decodeRecord, decodeGossip, (b: Buffer) => parseDescriptor(b.toString('latin1'))]) {
        try {
          decode(input);
        } catch (e) {
          assert.ok(e instanceof DecodeError, String(e));
        }
      }
    }
  }), { numRuns: 3000, seed: 31 });
});
