import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCommand } from '../../src/cli/commands.js';
import type { CommandIo } from '../../src/cli/command.js';
import { keepInHistory } from '../../src/cli/line.js';
import type { UiClient } from '../../src/ui/client.js';

/** A fake Node: records each request and answers with the given payload. */
function fakeIo(answer: Record<string, unknown> = {}): { io: CommandIo; sent: Array<[string, Record<string, unknown>]>; out: string[]; err: string[] } {
  const sent: Array<[string, Record<string, unknown>]> = [];
  const out: string[] = [];
  const err: string[] = [];
  const client = { request: async (opcode: string, payload: Record<string, unknown> = {}) => { sent.push([opcode, payload]); return answer; } } as unknown as UiClient;
  return { io: { client: async () => client, out: (t) => out.push(t), err: (t) => err.push(t), nodeAnswers: async () => false }, sent, out, err };
}

const KEY = 'AC0974BEC39A17E36BA4A6B4D238FF944BACB478CBED5EFCAE784D7BF4F2FF80';

test('generate-wallets: defaults to 12 words, sends the seed spec and paths, prints MASQ\'s lines', async () => {
  const f = fakeIo({
    mnemonicPhraseOpt: ['a', 'b'], consumingWalletAddress: '0xC', consumingWalletPrivateKey: 'CK', earningWalletAddress: '0xE', earningWalletPrivateKey: 'EK',
  });
  assert.equal(await runCommand('generate-wallets', ['--db-password', 'pw', '--language', 'Japanese', '--earning-path', "m/44'/60'/0'/0/9"], f.io), 0);
  assert.deepEqual(f.sent, [['generateWallets', {
    dbPassword: 'pw', seedSpecOpt: { mnemonicPhraseSizeOpt: 12, mnemonicPhraseLanguageOpt: 'Japanese' }, earningDerivationPathOpt: "m/44'/60'/0'/0/9",
  }]]);
  assert.equal(f.out.join('\n'), [
    "Copy this phrase down and keep it safe; you'll need it to restore your wallet:",
    "'a b'",
    'Address of     consuming wallet: 0xC',
    'Private key of consuming wallet: CK',
    'Address of       earning wallet: 0xE',
    'Private key of   earning wallet: EK',
  ].join('\n'));
});

test('generate-wallets: bad arguments are usage errors and nothing is sent', async () => {
  for (const args of [
    [], ['--word-count', '24'], ['--db-password', 'pw', '--word-count', '13'], ['--db-password', 'pw', '--language', 'Klingon'],
    ['--db-password', 'pw', '--consuming-path', "m/44'/60'/0/0"], ['--db-password', 'pw', '--db-password', 'pw'], ['--db-password'],
    ['--db-password', 'pw', 'stray'],
  ]) {
    const f = fakeIo();
    assert.equal(await runCommand('generate-wallets', args, f.io), 1, args.join(' '));
    assert.deepEqual(f.sent, []);
    assert.match(f.err.join('\n'), /Usage: masq generate-wallets/);
  }
});

test('recover-wallets: phrase with paths, or key with address; exactly one per wallet', async () => {
  const f = fakeIo();
  const phrase = 'test test test test test test test test test test test junk';
  assert.equal(await runCommand('recover-wallets', ['--db-password', 'pw', '--mnemonic-phrase', phrase, '--consuming-path', "m/44'/60'/0'/0/0", '--earning-address', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'], f.io), 0);
  assert.deepEqual(f.sent[0], ['recoverWallets', {
    dbPassword: 'pw', seedSpecOpt: { mnemonicPhrase: phrase.split(' ') }, consumingDerivationPathOpt: "m/44'/60'/0'/0/0",
    earningAddressOpt: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  }]);
  assert.deepEqual(f.out, ['Wallets were successfully recovered']);
  const direct = fakeIo();
  assert.equal(await runCommand('recover-wallets', ['--db-password', 'pw', '--consuming-key', KEY, '--earning-address', '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'], direct.io), 0);
  assert.deepEqual(direct.sent[0]?.[1], { dbPassword: 'pw', consumingPrivateKeyOpt: KEY, earningAddressOpt: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' });
  for (const args of [
    ['--db-password', 'pw', '--consuming-key', KEY],
    ['--db-password', 'pw', '--consuming-key', KEY, '--consuming-path', "m/44'/60'/0'/0/0", '--earning-address', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'],
    ['--db-password', 'pw', '--consuming-path', "m/44'/60'/0'/0/0", '--earning-address', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'],
    ['--db-password', 'pw', '--consuming-key', 'zz', '--earning-address', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'],
    ['--db-password', 'pw', '--consuming-key', KEY, '--earning-address', '0x70997970c51812dc3A010C7d01b50e0d17dc79C8'],
  ]) {
    const bad = fakeIo();
    assert.equal(await runCommand('recover-wallets', args, bad.io), 1, args.join(' '));
    assert.deepEqual(bad.sent, []);
  }
});

test('wallet-addresses: one positional password, MASQ\'s two lines', async () => {
  const f = fakeIo({ consumingWalletAddress: '0xC', earningWalletAddress: '0xE' });
  assert.equal(await runCommand('wallet-addresses', ['pw'], f.io), 0);
  assert.deepEqual(f.sent, [['walletAddresses', { dbPassword: 'pw' }]]);
  assert.deepEqual(f.out, ['Your consuming wallet address: 0xC\nYour   earning wallet address: 0xE']);
  assert.equal(await runCommand('wallet-addresses', [], fakeIo().io), 1);
});

test('history never keeps a wallet line with a password, phrase, passphrase or key', () => {
  assert.equal(keepInHistory(['generate-wallets', '--db-password', 'pw']), false);
  assert.equal(keepInHistory(['recover-wallets', '--mnemonic-phrase', 'a b']), false);
  assert.equal(keepInHistory(['recover-wallets', '--passphrase', 'p']), false);
  assert.equal(keepInHistory(['recover-wallets', '--consuming-key', KEY]), false);
  assert.equal(keepInHistory(['wallet-addresses', 'pw']), false);
  assert.equal(keepInHistory(['wallet-addresses']), true);
});
