// Node keys against a real store: kept across restarts with the password, fresh without it or when asked.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadIdentity } from '../../src/node/identity.js';
import { openStore } from '../../src/store/index.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { Sandbox } from '../helpers/processes.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());
const log = createLogger(createLogCore('off'), 'test');

async function withStore<T>(dir: string, password: string | undefined, fn: (s: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore({ dataDir: dir, chain: 'dev' });
  try {
    if (password !== undefined) {
      if (store.hasPassword()) await store.unlock(password);
      else await store.changePassword(undefined, password);
    }
    return await fn(store);
  } finally {
    await store.close();
  }
}

test('the node key survives a restart when the password is given, and only then', async () => {
  const dir = sandbox.tempDir();
  const first = await withStore(dir, 'pw', (s) => loadIdentity(s, undefined, log));
  const again = await withStore(dir, 'pw', (s) => loadIdentity(s, 'off', log));
  assert.ok(first.publicKey.equals(again.publicKey));
  const locked = await withStore(dir, undefined, (s) => loadIdentity(s, undefined, log));
  assert.ok(!locked.publicKey.equals(first.publicKey), 'no password: a fresh key');
  const renewed = await withStore(dir, 'pw', (s) => loadIdentity(s, 'on', log));
  assert.ok(!renewed.publicKey.equals(first.publicKey), 'new-public-key on: a fresh key');
  const afterRenew = await withStore(dir, 'pw', (s) => loadIdentity(s, undefined, log));
  assert.ok(afterRenew.publicKey.equals(renewed.publicKey), 'and the fresh key is kept from then on');
  const signed = afterRenew.sign(Buffer.from('x'));
  assert.ok(renewed.sign(Buffer.from('x')).equals(signed), 'same private key (Ed25519 is deterministic)');
});
