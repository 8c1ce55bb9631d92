// The Node's past neighbors as the Daemon's neighbors default: read from a real store with the database password.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, readStoredRows } from '../../src/store/index.js';
import { readPastNeighbors, usableNeighbors } from '../../src/daemon/past-neighbors.js';
import { SetupState } from '../../src/daemon/setup-state.js';

const A = `masq://base-mainnet:${'A'.repeat(43)}@1.2.3.4:5678`;
const B = `masq://base-mainnet:${'B'.repeat(42)}A@5.6.7.8:4321`;

test('only the descriptors --neighbors would take are offered', () => {
  assert.equal(usableNeighbors(`${A}, garbage ,masq://polygon-mainnet:${'C'.repeat(43)}@1.1.1.1:2000,${B}`, 'base-mainnet'), `${A},${B}`);
  assert.equal(usableNeighbors('', 'base-mainnet'), undefined);
  assert.equal(usableNeighbors('garbage', 'base-mainnet'), undefined);
});

test('the past neighbors of a real store: with the right password only; the setup shows them as the Default', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'masq-daemon-nb-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'base-mainnet');
  assert.equal(await readPastNeighbors(dataDir, 'base-mainnet', 'pw one 1'), undefined, 'no store yet');
  const store = await openStore({ dataDir, chain: 'base-mainnet' });
  await store.changePassword(undefined, 'pw one 1');
  await store.setSecret({ past_neighbors: `${A},not a descriptor,${B}` });
  await store.close();

  assert.equal(await readPastNeighbors(dataDir, 'base-mainnet', 'pw one 1'), `${A},${B}`);
  assert.equal(await readPastNeighbors(dataDir, 'base-mainnet', 'wrong'), undefined);
  assert.equal(await readPastNeighbors(dataDir, 'polygon-mainnet', 'pw one 1'), undefined, 'another chain\'s store is not read');

  const env = { role: 'daemon' as const, home: root, systemResolvers: [] };
  const setup = new SetupState(env, { 'data-directory': dataDir, 'neighborhood-mode': 'originate-only' }, { readConfigFile: () => ({}), readStoredRows, readPastNeighbors });
  assert.equal((await setup.resolve()).values.get('neighbors')?.status, 'Required');
  await setup.apply([{ name: 'db-password', value: 'pw one 1' }]);
  assert.deepEqual((await setup.resolve()).values.get('neighbors'), { name: 'neighbors', value: `${A},${B}`, status: 'Default' });
  await setup.apply([{ name: 'db-password', value: 'another' }]);
  assert.equal((await setup.resolve()).values.get('neighbors')?.status, 'Required');
});
