// The Node's backup opcodes against real stores on disk (the handler called as the UI server would): export from
// one store, import into another with its own password; what is refused changes nothing, and nothing in the file
// is readable without the backup password.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeUiHandler, type NodeUiDeps } from '../../src/node/ui-handlers.js';
import { generateIdentity } from '../../src/crypto/identity.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { UiMessage } from '../../src/ui/envelope.js';
import { UI_ERRORS } from '../../src/ui/error-codes.js';
import { SYSTEM_CLOCK } from '../../src/system/clock.js';
import { formatDescriptor } from '../../src/wire/descriptor.js';
import { dumpStore } from '../helpers/store-dump.js';
import { Sandbox } from '../helpers/processes.js';

const sandbox = new Sandbox();
const stores: Store[] = [];
after(async () => {
  for (const s of stores) await s.close();
  await sandbox.cleanup();
});

const BACKUP_PASSWORD = 'a long backup password';
const SETTINGS = [{ name: 'chain', value: 'dev' }, { name: 'min-hops', value: '2' }];

async function node(password: string, chain = 'dev'): Promise<{ store: Store; dir: string; key: Buffer; ask(opcode: string, payload: Record<string, unknown>): Promise<UiMessage>; changes: string[] }> {
  const dir = sandbox.tempDir();
  const store = await openStore({ dataDir: dir, chain });
  stores.push(store);
  await store.changePassword(undefined, password);
  const identity = generateIdentity();
  await store.setSecret({ last_cryptde: identity.exportSecrets() });
  const changes: string[] = [];
  const deps: NodeUiDeps = {
    store, descriptor: () => undefined, connectionStage: () => 'NotConnected', neighborhoodGraph: () => '',
    broadcast: () => undefined, shutdown: () => undefined, settingChanged: () => undefined,
    walletsChanged: (earning) => changes.push(earning.toString('hex')),
    backup: { settings: () => SETTINGS, nodePublicKey: identity.publicKey, clock: SYSTEM_CLOCK },
  };
  const handle = createNodeUiHandler(deps);
  const ask = async (opcode: string, payload: Record<string, unknown>): Promise<UiMessage> => {
    const sent: UiMessage[] = [];
    await handle({ id: 1, send: (m) => sent.push(m) }, { opcode, contextId: 1, payload });
    return sent[0] as UiMessage;
  };
  return { store, dir, key: identity.publicKey, ask, changes };
}

test('export, then import into a fresh Node with another password: key, wallets and past neighbors move, settings are answered', async () => {
  const a = await node('password of A');
  const made = (await a.ask('generateWallets', { dbPassword: 'password of A', seedSpecOpt: { mnemonicPhraseSizeOpt: 12 } })).payload ?? {};
  const past = formatDescriptor({ chain: 'dev', key: generateIdentity().encryptionPublic, ip: '10.1.2.3', ports: [5555] });
  await a.store.setSecret({ past_neighbors: past });

  assert.equal((await a.ask('exportBackup', { dbPassword: 'wrong', backupPassword: BACKUP_PASSWORD })).error?.code, UI_ERRORS.BAD_PASSWORD_ERROR);
  const weak = await a.ask('exportBackup', { dbPassword: 'password of A', backupPassword: 'short' });
  assert.equal(weak.error?.code, UI_ERRORS.NON_PARSABLE_VALUE);
  assert.match(weak.error?.message ?? '', /8 to 1024 characters/);
  const file = (await a.ask('exportBackup', { dbPassword: 'password of A', backupPassword: BACKUP_PASSWORD })).payload?.file as string;
  assert.match(file, /^masq-backup v1\n/);
  const key = a.store.getSecret('last_cryptde') as string;
  const consumingKey = made.consumingWalletPrivateKey as string;
  const secrets = [key, ...key.split(','), consumingKey, consumingKey.toLowerCase(), 'password of A', ...(made.mnemonicPhraseOpt as string[]).filter((w) => w.length >= 5), past];
  const body = Buffer.from(file.split('\n').slice(1).join(''), 'base64');
  for (const s of secrets) {
    assert.equal(file.includes(s), false, `the file text does not show ${s.slice(0, 8)}…`);
    assert.equal(body.includes(Buffer.from(s)), false, `the file's bytes do not hold ${s.slice(0, 8)}…`);
  }
  assert.equal(body.includes(Buffer.from(consumingKey, 'hex')), false);

  const b = await node('password of B');
  const before = await dumpStore(b.dir);
  const wrong = await b.ask('importBackup', { dbPassword: 'password of B', backupPassword: 'not the backup password', file });
  assert.equal(wrong.error?.code, UI_ERRORS.CONFIGURATOR_READ_ERROR);
  assert.match(wrong.error?.message ?? '', /backup password is wrong/);
  assert.equal((await b.ask('importBackup', { dbPassword: 'password of A', backupPassword: BACKUP_PASSWORD, file })).error?.code, UI_ERRORS.BAD_PASSWORD_ERROR, "B's own password");
  const garbage = await b.ask('importBackup', { dbPassword: 'password of B', backupPassword: BACKUP_PASSWORD, file: 'Dear friend,\n' });
  assert.equal(garbage.error?.code, UI_ERRORS.NON_PARSABLE_VALUE);
  assert.match(garbage.error?.message ?? '', /not a masq-pi backup file/);
  assert.deepEqual(await dumpStore(b.dir), before, 'refused restores change nothing');

  const restored = await b.ask('importBackup', { dbPassword: 'password of B', backupPassword: BACKUP_PASSWORD, file });
  assert.deepEqual(restored.payload, { settings: SETTINGS, nodeKeyChanged: true });
  assert.equal(b.store.getSecret('last_cryptde'), key);
  assert.equal(b.store.getSecret('consuming_wallet_private_key'), a.store.getSecret('consuming_wallet_private_key'));
  assert.equal(b.store.getSecret('past_neighbors'), past);
  assert.equal(b.store.getConfig('earning_wallet_address'), made.earningWalletAddress);
  assert.equal(b.changes.length, 1, 'the running Node takes the wallets up');
  assert.deepEqual((await b.ask('walletAddresses', { dbPassword: 'password of B' })).payload, {
    consumingWalletAddress: made.consumingWalletAddress, earningWalletAddress: made.earningWalletAddress,
  });
  const again = await b.ask('importBackup', { dbPassword: 'password of B', backupPassword: BACKUP_PASSWORD, file });
  assert.deepEqual(again.payload, { settings: SETTINGS, nodeKeyChanged: true }, 'a restore can run twice (the running key is still the old one)');
  const self = await a.ask('importBackup', { dbPassword: 'password of A', backupPassword: BACKUP_PASSWORD, file });
  assert.equal(self.payload?.nodeKeyChanged, false, 'restoring a Node\'s own backup changes no key');

  const c = await node('password of C');
  await c.ask('generateWallets', { dbPassword: 'password of C', seedSpecOpt: { mnemonicPhraseSizeOpt: 12 } });
  const cBefore = await dumpStore(c.dir);
  const collision = await c.ask('importBackup', { dbPassword: 'password of C', backupPassword: BACKUP_PASSWORD, file });
  assert.equal(collision.error?.code, UI_ERRORS.CONFIGURATOR_WRITE_ERROR);
  assert.match(collision.error?.message ?? '', /already populated; cannot replace/);
  assert.deepEqual(await dumpStore(c.dir), cBefore, 'other wallets are never replaced, and nothing else is written');

  const other = await node('password of D', 'base-sepolia');
  const chain = await other.ask('importBackup', { dbPassword: 'password of D', backupPassword: BACKUP_PASSWORD, file });
  assert.equal(chain.error?.code, UI_ERRORS.CONFIGURATOR_WRITE_ERROR);
  assert.match(chain.error?.message ?? '', /chain dev, but this Node runs on chain base-sepolia/);
});

test('a database without a password has nothing to back up or restore into; without the backup context the opcodes are unknown', async () => {
  const store = await openStore({ dataDir: sandbox.tempDir(), chain: 'dev' });
  stores.push(store);
  const deps: NodeUiDeps = {
    store, descriptor: () => undefined, connectionStage: () => 'NotConnected', neighborhoodGraph: () => '',
    broadcast: () => undefined, shutdown: () => undefined, settingChanged: () => undefined,
  };
  const ask = async (d: NodeUiDeps, opcode: string, payload: Record<string, unknown>): Promise<UiMessage | undefined> => {
    const sent: UiMessage[] = [];
    await createNodeUiHandler(d)({ id: 1, send: (m) => sent.push(m) }, { opcode, contextId: 1, payload });
    return sent[0];
  };
  const withBackup = { ...deps, backup: { settings: () => SETTINGS, nodePublicKey: Buffer.alloc(64), clock: SYSTEM_CLOCK } };
  for (const [opcode, doing] of [['exportBackup', 'back up'], ['importBackup', 'restore']]) {
    const r = await ask(withBackup, opcode as string, { dbPassword: 'x', backupPassword: BACKUP_PASSWORD, file: 'masq-backup v1\n' });
    assert.equal(r?.error?.code, UI_ERRORS.BAD_PASSWORD_ERROR);
    assert.equal(r?.error?.message, `This Node's database has no password yet, so it keeps no secrets; set one with masq set-password, then ${doing}`);
  }
  assert.equal((await ask(deps, 'exportBackup', { dbPassword: 'x', backupPassword: BACKUP_PASSWORD }))?.error?.code, UI_ERRORS.UNMARSHAL_ERROR);
});
