import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  SealError,
  checkKdfParams,
  deriveKey,
  newKdfParams,
  scryptRaw,
  seal,
  sealString,
  unseal,
  unsealString,
} from '../../src/crypto/seal.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/[\s:]/g, ''), 'hex');

const isSealError = (reason?: SealError['reason']) => (err: unknown) => err instanceof SealError && (reason === undefined || err.reason === reason);

describe('RFC vectors', () => {
  it('scrypt matches RFC 7914 §12', async () => {
    const empty = await scryptRaw(Buffer.alloc(0), Buffer.alloc(0), 16, 1, 1, 64);
    assert.deepEqual(
      empty,
      hex(`77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442
           fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906`),
    );
    const nacl = await scryptRaw(Buffer.from('password'), Buffer.from('NaCl'), 1024, 8, 16, 64);
    assert.deepEqual(
      nacl,
      hex(`fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162
           2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640`),
    );
  });
});

describe('seal', () => {
  const key = randomBytes(32);

  it('round-trips text and bytes, with a fresh nonce each time', () => {
    const a = sealString(key, 'past_neighbors', 'héllo wörld');
    const b = sealString(key, 'past_neighbors', 'héllo wörld');
    assert.notDeepEqual(a, b);
    assert.equal(a[0], 0x01);
    assert.equal(unsealString(key, 'past_neighbors', a), 'héllo wörld');
    const bytes = randomBytes(100);
    assert.deepEqual(unseal(key, 'x', seal(key, 'x', bytes)), bytes);
    assert.deepEqual(unseal(key, 'x', seal(key, 'x', Buffer.alloc(0))), Buffer.alloc(0));
  });

  it('fails with another key', () => {
    const sealed = sealString(key, 'n', 'secret');
    assert.throws(() => unseal(randomBytes(32), 'n', sealed), isSealError('auth'));
  });

  it('fails when any byte is changed', () => {
    const sealed = sealString(key, 'n', 'secret value');
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i] = (bad[i] ?? 0) ^ 0x01;
      assert.throws(() => unseal(key, 'n', bad), isSealError(), `byte ${i}`);
    }
    assert.throws(() => unseal(key, 'n', sealed.subarray(0, sealed.length - 1)), isSealError());
  });

  it('fails under another name (associated data)', () => {
    const sealed = sealString(key, 'consuming_wallet_private_key', 'k');
    assert.throws(() => unseal(key, 'past_neighbors', sealed), isSealError('auth'));
  });

  it('refuses keys of the wrong size', () => {
    assert.throws(() => seal(Buffer.alloc(16), 'n', Buffer.alloc(1)), isSealError('format'));
  });

  it('derives the same key for the same password and salt, another for another', async () => {
    const params = newKdfParams({ N: 1024, r: 8, p: 1 });
    const a = await deriveKey('pässword', params);
    const b = await deriveKey('pa\u0308ssword', params); // NFD form of the same text
    const c = await deriveKey('password', params);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.notDeepEqual(a, await deriveKey('pässword', newKdfParams({ N: 1024, r: 8, p: 1 })));
  });

  it('rejects unusable KDF parameters', () => {
    const good = newKdfParams();
    checkKdfParams(good);
    for (const bad of [null, 'x', { ...good, alg: 'pbkdf2' }, { ...good, N: 1000 }, { ...good, N: 2 ** 30 }, { ...good, r: 0 }, { ...good, p: 99 }, { ...good, salt: 'zz' }]) {
      assert.throws(() => checkKdfParams(bad), isSealError('kdf'));
    }
  });
});

describe('fuzz', () => {
  const key = randomBytes(32);

  it('unseal of arbitrary bytes only ever throws SealError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), fc.string({ maxLength: 20 }), (bytes, withHeader, name) => {
        const input = withHeader ? Buffer.concat([Buffer.from([0x01]), bytes]) : bytes;
        try {
          unseal(key, name, input);
          return false; // a forgery would be a bug
        } catch (err) {
          return err instanceof SealError;
        }
      }),
      { numRuns: 1000, seed: 8439 },
    );
  });

  it('checkKdfParams of arbitrary values only ever throws SealError', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          checkKdfParams(value);
          return false;
        } catch (err) {
          return err instanceof SealError;
        }
      }),
      { numRuns: 1000, seed: 7914 },
    );
  });
});
