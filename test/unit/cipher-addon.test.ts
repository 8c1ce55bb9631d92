// The cipher addon (src/crypto/native/masq-cipher.c) against node:crypto's ChaCha20 and ChaCha20-Poly1305 as the
// reference, over random keys, nonces and lengths; in place and into another buffer; and what it refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes, randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ADDON_FILE, cipherAddon, loadCipherAddon } from '../../src/crypto/cipher-addon.js';
import { MasqError, programDir } from '../../src/system/index.js';

const addon = cipherAddon();
// Where cipherAddon() loads it from, for a module of src/crypto: for other threads and processes.
const ADDON_PATH = join(programDir(new URL('../../src/crypto/cipher-addon.ts', import.meta.url).href), ADDON_FILE);

function nodeChacha20(key: Buffer, nonce: Buffer, data: Buffer): Buffer {
  return createCipheriv('chacha20', key, Buffer.concat([Buffer.alloc(4), nonce])).update(data);
}

function nodeSeal(key: Buffer, nonce: Buffer, plain: Buffer, ad?: Buffer): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  if (ad) c.setAAD(ad, { plaintextLength: plain.length });
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** Lengths around ChaCha20's 64-byte blocks and OpenSSL's wide paths, a cell's, and random ones. */
const LENGTHS = [0, 1, 15, 16, 63, 64, 65, 127, 128, 255, 256, 257, 511, 512, 4095, 49_143, 65_536, ...Array.from({ length: 40 }, () => randomInt(70_000))];

test('ChaCha20: the same keystream as node:crypto, into another buffer and in place', () => {
  for (const n of LENGTHS) {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const data = randomBytes(n);
    const want = nodeChacha20(key, nonce, data);
    const out = Buffer.alloc(n + 3, 0xee);
    addon.chacha20(key, nonce, data, out);
    assert.ok(out.subarray(0, n).equals(want), `${n} bytes into another buffer`);
    assert.ok(out.subarray(n).equals(Buffer.alloc(3, 0xee)), 'nothing written past the input\'s length');
    const inPlace = Buffer.from(data);
    addon.chacha20(key, nonce, inPlace, inPlace);
    assert.ok(inPlace.equals(want), `${n} bytes in place`);
  }
});

test('ChaCha20-Poly1305: the same sealed bytes as node:crypto, with and without associated data, and they open', () => {
  for (const n of LENGTHS) {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const ad = n % 2 === 0 ? randomBytes(randomInt(1, 64)) : undefined;
    const plain = randomBytes(n);
    const cut = randomInt(n + 1);
    const out = Buffer.alloc(n + 16);
    addon.seal(key, nonce, ad, [plain.subarray(0, cut), plain.subarray(cut)], out);
    assert.ok(out.equals(nodeSeal(key, nonce, plain, ad)), `${n} bytes in two parts`);
    const opened = Buffer.alloc(n);
    assert.equal(addon.open(key, nonce, ad, out, opened), true);
    assert.ok(opened.equals(plain));
    // In place: the plaintext sits at the front of its output and is sealed where it lies.
    const buf = Buffer.alloc(n + 16);
    plain.copy(buf);
    addon.seal(key, nonce, ad, [buf.subarray(0, n)], buf);
    assert.ok(buf.equals(out), `${n} bytes sealed in place`);
    assert.equal(addon.open(key, nonce, ad, buf, buf), true);
    assert.ok(buf.subarray(0, n).equals(plain), `${n} bytes opened in place`);
  }
});

test('a seal that does not verify answers false and leaves no plaintext; the next call works', () => {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const plain = randomBytes(1000);
  const sealed = nodeSeal(key, nonce, plain);
  for (const at of [0, 500, 999, 1000, 1015]) {
    const bad = Buffer.from(sealed);
    bad[at] = (bad[at] as number) ^ 1;
    const out = Buffer.alloc(1000, 0xaa);
    assert.equal(addon.open(key, nonce, undefined, bad, out), false, `byte ${at} altered`);
    assert.ok(out.equals(Buffer.alloc(1000)), 'the output is zeroed');
  }
  assert.equal(addon.open(key, nonce, Buffer.from('ad'), sealed, Buffer.alloc(1000)), false, 'associated data it was not sealed with');
  const out = Buffer.alloc(1000);
  assert.equal(addon.open(key, nonce, undefined, sealed, out), true);
  assert.ok(out.equals(plain));
});

test('bad arguments are refused with a typed error before anything is written', () => {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const data = randomBytes(100);
  const refuses = (f: () => unknown, code: string, what: string): void => {
    assert.throws(f, (e: NodeJS.ErrnoException) => e.code === code && /^masq-cipher: /.test(e.message), what);
  };
  refuses(() => addon.chacha20(randomBytes(31), nonce, data, data), 'ERR_OUT_OF_RANGE', 'a short key');
  refuses(() => addon.chacha20(key, randomBytes(16), data, data), 'ERR_OUT_OF_RANGE', 'a long nonce');
  refuses(() => addon.chacha20(key, nonce, data, Buffer.alloc(99)), 'ERR_OUT_OF_RANGE', 'a short output');
  refuses(() => addon.chacha20(key, nonce, data.subarray(0, 50), data.subarray(10, 60)), 'ERR_OUT_OF_RANGE', 'an output overlapping the input');
  refuses(() => (addon.chacha20 as (...a: unknown[]) => void)(key, nonce, 'text', data), 'ERR_INVALID_ARG_TYPE', 'a string');
  refuses(() => (addon.chacha20 as (...a: unknown[]) => void)(key, nonce, [1, 2, 3], data), 'ERR_INVALID_ARG_TYPE', 'an array of numbers');
  refuses(() => (addon.seal as (...a: unknown[]) => void)(key, nonce, 'ad', [data], Buffer.alloc(116)), 'ERR_INVALID_ARG_TYPE', 'associated data that is not bytes');
  refuses(() => (addon.chacha20 as (...a: unknown[]) => void)(key, nonce), 'ERR_MISSING_ARGS', 'missing arguments');
  refuses(() => addon.seal(key, nonce, undefined, [data], Buffer.alloc(100)), 'ERR_OUT_OF_RANGE', 'no room for the tag');
  refuses(() => addon.seal(key, nonce, undefined, [data], Buffer.alloc(120)), 'ERR_OUT_OF_RANGE', 'an output longer than the seal');
  refuses(() => (addon.seal as (...a: unknown[]) => void)(key, nonce, undefined, [data, 'text'], Buffer.alloc(120)), 'ERR_INVALID_ARG_TYPE', 'a part that is not bytes');
  refuses(() => (addon.seal as (...a: unknown[]) => void)(key, nonce, undefined, data, Buffer.alloc(116)), 'ERR_INVALID_ARG_TYPE', 'parts not in an array');
  refuses(() => addon.open(key, nonce, undefined, Buffer.alloc(15), Buffer.alloc(15)), 'ERR_OUT_OF_RANGE', 'shorter than a tag');
  refuses(() => addon.open(key, nonce, undefined, Buffer.alloc(40), Buffer.alloc(23)), 'ERR_OUT_OF_RANGE', 'a short output');
  refuses(() => (addon.open as (...a: unknown[]) => void)(key, nonce, undefined, [Buffer.alloc(40)], Buffer.alloc(24)), 'ERR_INVALID_ARG_TYPE', 'sealed bytes in an array');
  const untouched = Buffer.from(data);
  refuses(() => addon.chacha20(key, randomBytes(11), untouched, untouched), 'ERR_OUT_OF_RANGE', 'a short nonce');
  assert.ok(untouched.equals(data), 'a refused call changes nothing');
  const output = Buffer.alloc(data.length + 16, 0xaa);
  refuses(() => addon.seal(key, nonce, undefined, [data.subarray(0, 50), output.subarray(60, 110)], output), 'ERR_OUT_OF_RANGE', 'a later part overlapping the output');
  assert.ok(output.subarray(0, 60).equals(Buffer.alloc(60, 0xaa)), 'nothing was written for the parts before it');
  // Sealed bytes at 10–126 of the output, whose plaintext would be written at 0–100: neither apart nor in place.
  const opened = Buffer.alloc(200, 0xaa);
  nodeSeal(key, nonce, data).copy(opened, 10);
  const before = Buffer.from(opened);
  refuses(() => addon.open(key, nonce, undefined, opened.subarray(10, 126), opened), 'ERR_OUT_OF_RANGE', 'sealed bytes overlapping the output');
  assert.ok(opened.equals(before), 'nothing was written');
});

test('an opener opens a record as its pieces come, the same as node:crypto, several records in turn; a bad one is zeroed', () => {
  const opener = addon.opener();
  for (const n of LENGTHS) {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const plain = randomBytes(n);
    const ad = n % 2 === 0 ? randomBytes(7) : undefined;
    const sealed = nodeSeal(key, nonce, plain, ad);
    const out = Buffer.alloc(n, 0xaa);
    addon.openBegin(opener, key, nonce, ad);
    // Ciphertext in random pieces, each opened into its place; the tag given at the end.
    for (let at = 0; at < n;) {
      const k = Math.min(n - at, 1 + randomInt(20_000));
      addon.openUpdate(opener, sealed.subarray(at, at + k), out, at);
      at += k;
    }
    assert.equal(addon.openEnd(opener, sealed.subarray(n), out), true, `${n} bytes`);
    assert.ok(out.equals(plain), `${n} bytes opened`);
  }
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const sealed = nodeSeal(key, nonce, randomBytes(1000));
  for (const at of [0, 999, 1000, 1015]) {
    const bad = Buffer.from(sealed);
    bad[at] = (bad[at] as number) ^ 1;
    const out = Buffer.alloc(1000, 0xaa);
    addon.openBegin(opener, key, nonce, undefined);
    addon.openUpdate(opener, bad.subarray(0, 1000), out, 0);
    assert.equal(addon.openEnd(opener, bad.subarray(1000), out), false, `byte ${at} altered`);
    assert.ok(out.equals(Buffer.alloc(1000)), 'the output is zeroed');
  }
  const refuses = (f: () => unknown, code: string, what: string): void => {
    assert.throws(f, (e: NodeJS.ErrnoException) => e.code === code && /^masq-cipher: /.test(e.message), what);
  };
  const out = Buffer.alloc(100, 0xaa);
  refuses(() => (addon.openBegin as (...a: unknown[]) => void)({}, key, nonce, undefined), 'ERR_INVALID_ARG_TYPE', 'no opener');
  refuses(() => addon.openBegin(opener, key, randomBytes(11), undefined), 'ERR_OUT_OF_RANGE', 'a short nonce');
  addon.openBegin(opener, key, nonce, undefined);
  refuses(() => addon.openUpdate(opener, sealed.subarray(0, 50), out, 60), 'ERR_OUT_OF_RANGE', 'past the output\'s end');
  refuses(() => addon.openUpdate(opener, out.subarray(10, 60), out, 0), 'ERR_OUT_OF_RANGE', 'an input overlapping the output');
  refuses(() => (addon.openUpdate as (...a: unknown[]) => void)(opener, sealed.subarray(0, 50), out, 'x'), 'ERR_INVALID_ARG_TYPE', 'an offset that is not a number');
  assert.ok(out.equals(Buffer.alloc(100, 0xaa)), 'a refused call writes nothing');
  refuses(() => addon.openEnd(opener, Buffer.alloc(15), out), 'ERR_OUT_OF_RANGE', 'a short tag');
});

test('the addon loads in a worker thread too and gets the same bytes', async () => {
  const key = randomBytes(32);
  const nonce = randomBytes(12);
  const data = randomBytes(5000);
  const worker = new Worker(
    `const { workerData: w, parentPort } = require('node:worker_threads'); const addon = require(${JSON.stringify(ADDON_PATH)}); ` +
      'const out = Buffer.alloc(w.data.length + 16); addon.seal(w.key, w.nonce, undefined, [w.data], out); parentPort.postMessage(out);',
    { eval: true, workerData: { key, nonce, data } },
  );
  try {
    const sealed = await new Promise<Uint8Array>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.ok(Buffer.from(sealed).equals(nodeSeal(key, nonce, data)));
  } finally {
    await worker.terminate();
  }
});

test('a missing addon is a CIPHER error that says how to get it', () => {
  assert.throws(() => loadCipherAddon(tmpdir()), (e: unknown) => e instanceof MasqError && e.code === 'CIPHER' && /masq-cipher\.node/.test(e.message) && /make build/.test(e.describe()));
});

// A process that frees most of what it allocated in small pieces, a kept piece on every page or so: malloc keeps the
// freed pages resident (only the top of its heap goes back by itself) until trim() gives them back. V8 frees array
// buffers' memory once its collection has swept them, on another thread: the process waits for that (5 s at most).
const FRAGMENTED = `
const addon = require(process.argv[1]);
const anon = () => Number(/RssAnon:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
let all = Array.from({ length: 40000 }, () => new ArrayBuffer(1000));
const kept = all.filter((_, i) => i % 20 === 0);
all = null;
let waited = 0;
const check = () => {
  gc();
  if (process.memoryUsage().arrayBuffers > 10e6 && (waited += 50) < 5000) return void setTimeout(check, 50);
  const before = anon();
  const released = addon.trim();
  process.stdout.write(JSON.stringify({ before, after: anon(), released, again: addon.trim(), kept: kept.length, waited }));
};
check();`;

test('trim gives malloc\'s freed pages back to the system, as a Node does after a burst', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', '-e', FRAGMENTED, ADDON_PATH], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MALLOC_ARENA_MAX: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout) as { before: number; after: number; released: boolean; again: boolean };
  assert.equal(m.released, true, 'the first trim released pages');
  assert.ok(m.before - m.after >= 10, `resident anonymous memory ${m.before.toFixed(1)} → ${m.after.toFixed(1)} MiB`);
  assert.equal(typeof m.again, 'boolean');
});
