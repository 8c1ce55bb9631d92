import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createCipheriv } from 'node:crypto';
import { aeadOpen, aeadOpenInPlace, aeadSeal, aeadSealParts } from '../../src/crypto/aead.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s:]/g, ''), 'hex');

describe('aead', () => {
  it('ChaCha20-Poly1305 matches RFC 8439 §2.8.2', () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('070000004041424344454647');
    const ad = hex('50515253c0c1c2c3c4c5c6c7');
    const plaintext = Buffer.from(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
      'utf8',
    );
    const ciphertext = hex(`
      d31a8d34648e60db7b86afbc53ef7ec2 a4aded51296e08fea9e2b5a736ee62d6 3dbea45e8ca9671282fafb69da92728b
      1a71de0a9e060b2905d6a5b67ecd3b36 92ddbd7f2d778b8c9803aee328091b58 fab324e4fad675945585808b4831d7bc
      3ff4def08e4b7a9de576d26586cec64b 6116`);
    const tag = hex('1ae10b594f09e26a7e902ecbd0600691');
    const out = aeadSeal(key, nonce, plaintext, ad);
    assert.deepEqual(out, Buffer.concat([ciphertext, tag]));
    assert.deepEqual(aeadOpen(key, nonce, out, ad), plaintext);
  });

  it('opens to null, never throws, when anything is altered or missing', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const ad = Buffer.from('ad');
    const sealed = aeadSeal(key, nonce, Buffer.from('plaintext'), ad);
    assert.deepEqual(aeadOpen(key, nonce, sealed, ad), Buffer.from('plaintext'));
    assert.equal(aeadOpen(key, nonce, sealed), null, 'the associated data is missing');
    assert.equal(aeadOpen(key, nonce, sealed, Buffer.from('da')), null, 'other associated data');
    assert.equal(aeadOpen(randomBytes(32), nonce, sealed, ad), null, 'another key');
    assert.equal(aeadOpen(key, randomBytes(12), sealed, ad), null, 'another nonce');
    assert.equal(aeadOpen(key, nonce, sealed.subarray(0, 15), ad), null, 'shorter than a tag');
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i] = (bad[i] as number) ^ 1;
      assert.equal(aeadOpen(key, nonce, bad, ad), null, `byte ${i}`);
    }
  });

  it('an opened value owns its memory: a small one kept for long holds no shared 8 KiB pool slab', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const sealed = aeadSeal(key, nonce, Buffer.from('a wallet key kept for the life of the process'));
    const opened = aeadOpen(key, nonce, sealed);
    assert.equal(opened?.buffer.byteLength, opened?.length);
  });

  it('seals an empty plaintext to its tag alone', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const sealed = aeadSeal(key, nonce, Buffer.alloc(0));
    assert.equal(sealed.length, 16);
    assert.deepEqual(aeadOpen(key, nonce, sealed), Buffer.alloc(0));
  });
});

test('a plaintext sealed in parts, small ones among large ones, is the same sealed message as its concatenation', () => {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const ad = randomBytes(32);
  const many = Array.from({ length: 40 }, (_, i) => i % 7);
  for (const sizes of [[1], [1, 1, 14, 40_000], [3, 300, 2, 255, 256, 0, 7], [70_000, 1, 1], [0, 0], many]) {
    const parts = sizes.map((n) => randomBytes(n));
    const sealed = aeadSealParts(key, nonce, parts, ad);
    assert.ok(sealed.equals(aeadSeal(key, nonce, Buffer.concat(parts), ad)), `parts of ${sizes.join(', ')} bytes`);
    assert.ok(sealed.equals(nodeSeal(key, nonce, Buffer.concat(parts), ad)), 'the same bytes as node:crypto seals');
    assert.deepEqual(aeadOpen(key, nonce, sealed, ad), Buffer.concat(parts));
  }
});

/** The reference: node:crypto's ChaCha20-Poly1305, which the program no longer uses for its records. */
function nodeSeal(key: Buffer, nonce: Buffer, plaintext: Buffer, ad: Buffer): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(ad, { plaintextLength: plaintext.length });
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

test('opening in place writes the plaintext over the ciphertext, and zeroes it when the tag fails', () => {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const ad = randomBytes(8);
  for (const n of [0, 1, 63, 64, 65, 4096, 49_143, 70_000]) {
    const plain = randomBytes(n);
    const sealed = aeadSeal(key, nonce, plain, ad);
    const copy = Buffer.from(sealed);
    const opened = aeadOpenInPlace(key, nonce, sealed, ad);
    assert.ok(opened?.equals(plain), `${n} bytes`);
    assert.ok(opened);
    assert.equal(opened.buffer, sealed.buffer);
    assert.equal(opened.byteOffset, sealed.byteOffset);
    copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 0x80;
    assert.equal(aeadOpenInPlace(key, nonce, copy, ad), null);
    assert.ok(copy.subarray(0, n).equals(Buffer.alloc(n)), 'no unauthenticated byte is left');
  }
  assert.equal(aeadOpenInPlace(key, nonce, Buffer.alloc(15)), null, 'shorter than a tag');
});
