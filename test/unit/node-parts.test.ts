// The Node's own small parts: the stack of what it started, the wallet service, the payer asking for the key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ResourceStack } from '../../src/node/resources.js';
import { CONSUMING_KEY_SECRET, EARNING_WALLET_ROW, Wallets } from '../../src/wallet/service.js';
import { addressOf } from '../../src/wallet/keys.js';
import { decodePayer } from '../../src/wallet/hop-proof.js';
import { createPayerPolicy } from '../../src/stream/payer.js';

test('resources close last first; a failing close is reported and the rest still close', async () => {
  const closed: string[] = [];
  const warned: string[] = [];
  const stack = new ResourceStack((m) => warned.push(m));
  stack.push('store', () => void closed.push('store'));
  stack.push('UI server', async () => { closed.push('ui'); throw new Error('stuck'); });
  stack.push('proxy', async () => void closed.push('proxy'));
  await stack.closeAll();
  assert.deepEqual(closed, ['proxy', 'ui', 'store']);
  assert.deepEqual(warned, ['Closing the UI server failed: stuck']);
  await stack.closeAll();
  assert.equal(closed.length, 3, 'each is closed once');
});

function rowsOf(secrets: Record<string, string>, config: Record<string, string>) {
  return { getSecret: (n: string) => secrets[n], getConfig: (n: string) => config[n] };
}

test('wallets: the parameter wins over the store; reload takes up generated wallets and says so once', () => {
  const secrets: Record<string, string> = {};
  const config: Record<string, string> = {};
  const wallets = new Wallets({}, rowsOf(secrets, config));
  let changes = 0;
  wallets.on('changed', () => changes++);
  assert.equal(wallets.consumingKey(), undefined);
  assert.equal(wallets.earningAddress(), undefined);
  const key = randomBytes(32);
  secrets[CONSUMING_KEY_SECRET] = key.toString('hex');
  config[EARNING_WALLET_ROW] = `0x${'ab'.repeat(20)}`;
  assert.equal(wallets.consumingKey(), undefined, 'read at reload, not behind its back');
  wallets.reload();
  assert.ok(wallets.consumingKey()?.equals(key));
  assert.ok(wallets.consumingAddress()?.equals(addressOf(key)));
  assert.equal(wallets.earningAddress()?.toString('hex'), 'ab'.repeat(20));
  wallets.reload();
  assert.equal(changes, 1, 'an unchanged reload is quiet');
  const given = randomBytes(32);
  const fixed = new Wallets({ consumingPrivateKey: given.toString('hex'), earningWallet: `0x${'cd'.repeat(20)}` }, rowsOf(secrets, config));
  assert.ok(fixed.consumingKey()?.equals(given));
  assert.equal(fixed.earningAddress()?.toString('hex'), 'cd'.repeat(20));
});

test('the payer signs with the key it is given at each stream, so a new key pays at once', () => {
  let key: Buffer | undefined;
  const payer = createPayerPolicy({ consumingKey: () => key, ownPublicKey: randomBytes(64), tokenContract: randomBytes(20) });
  const hop = randomBytes(64);
  assert.equal(payer.slotFor(hop), undefined, 'no wallet, no proof');
  key = randomBytes(32);
  assert.ok(decodePayer(payer.slotFor(hop) as Buffer).wallet.equals(addressOf(key)));
  key = randomBytes(32);
  assert.ok(decodePayer(payer.slotFor(hop) as Buffer).wallet.equals(addressOf(key)), 'not the proof of the old key');
});
