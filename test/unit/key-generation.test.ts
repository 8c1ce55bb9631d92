import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateIdentity, importIdentity } from '../../src/crypto/identity.js';
import { generateStaticKeyPair, keyPairFromPrivate } from '../../src/crypto/noise.js';

const WORKER = fileURLToPath(new URL('../fixtures/generate-keys.ts', import.meta.url));
const LIMIT_MS = 60_000;

test('generated key pairs are raw 32-byte halves that belong together', () => {
  const pair = generateStaticKeyPair();
  assert.equal(pair.publicKey.length, 32);
  assert.equal(pair.privateKey.length, 32);
  assert.deepEqual(keyPairFromPrivate(pair.privateKey).publicKey, pair.publicKey);
  assert.notDeepEqual(generateStaticKeyPair().privateKey, pair.privateKey);
  const id = generateIdentity();
  assert.deepEqual(importIdentity(id.exportSecrets()).publicKey, id.publicKey);
});

// Node 20 can deadlock for good when a generated KeyObject is exported while a collection frees its generation job.
// The old code hung within a few hundred keys; a child process turns a hang into a failure with a message.
test('thousands of keys, onion headers and certificates under collection never hang the process', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
  try {
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    assert.equal(signal, null, `key generation hung (killed after ${LIMIT_MS} ms, last progress: ${out.trim().split('\n').pop() ?? 'none'})`);
    assert.equal(code, 0);
    assert.match(out, /done 50000/);
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
  }
});
