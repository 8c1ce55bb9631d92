// The Node's UI answers against a real store on disk (no sockets: the handler is called as the server would).

import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeUiHandler } from '../../src/node/ui-handlers.js';
import { openStore } from '../../src/store/index.js';
import { storeFile } from '../../src/store/store.js';
import type { UiMessage } from '../../src/ui/envelope.js';
import { UI_ERRORS } from '../../src/ui/error-codes.js';
import { formatExitLocation } from '../../src/config/index.js';
import { Sandbox } from '../helpers/processes.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());

test('setConfiguration, configuration with and without the password, shutdown, unknown opcodes', async () => {
  const store = await openStore({ dataDir: sandbox.tempDir(), chain: 'dev' });
  const broadcasts: UiMessage[] = [];
  const stops: string[] = [];
  const settings: Array<[string, string | null]> = [];
  const handle = createNodeUiHandler({
    store, linkMask: 'tls', descriptor: () => undefined, connectionStage: () => 'NotConnected', neighborhoodGraph: () => 'digraph db {\n}',
    broadcast: (m) => broadcasts.push(m), shutdown: (why) => stops.push(why), settingChanged: (n, v) => settings.push([n, v]),
  });
  const ask = async (opcode: string, payload: Record<string, unknown> = {}): Promise<UiMessage | undefined> => {
    const sent: UiMessage[] = [];
    await handle({ id: 3, send: (m) => sent.push(m) }, { opcode, contextId: 1, payload });
    return sent[0];
  };
  try {
    assert.deepEqual((await ask('setConfiguration', { name: 'min-hops', value: '5' }))?.payload, {});
    assert.equal(store.getConfig('min_hops'), '5');
    assert.equal((await ask('setConfiguration', { name: 'min-hops', value: '9' }))?.error?.code, UI_ERRORS.NON_PARSABLE_VALUE);
    assert.equal(store.getConfig('min_hops'), '5', 'a refused value changes nothing');
    assert.deepEqual(settings, [['min-hops', '5']], 'the running Node hears of accepted settings only');
    assert.deepEqual((await ask('neighborhoodGraph'))?.payload, { graph: 'digraph db {\n}' });
    assert.deepEqual((await ask('setConfiguration', { name: 'start-block', value: '1234' }))?.payload, {});
    assert.equal((await ask('setConfiguration', { name: 'start-block', value: 'soon' }))?.error?.code, UI_ERRORS.NON_PARSABLE_VALUE);
    const unknown = await ask('setConfiguration', { name: 'colour', value: 'red' });
    assert.equal(unknown?.error?.code, UI_ERRORS.UNRECOGNIZED_PARAMETER);
    assert.equal(unknown?.error?.message, 'This parameter name is not known: colour');

    assert.deepEqual((await ask('changePassword', { newPassword: 'pw' }))?.payload, {});
    // Every accepted setting is announced to all UIs (refused ones are not); a new password is announced as MASQ does.
    const changed = { opcode: 'configurationChanged', payload: {} };
    assert.deepEqual(broadcasts, [changed, changed, { opcode: 'newPassword', payload: {} }]);
    await store.setSecret({ past_neighbors: 'masq://dev:AAA@1.2.3.4:5' });
    const without = (await ask('configuration'))?.payload ?? {};
    assert.equal(without.chainName, 'dev');
    assert.equal(without.linkMask, 'tls', 'the running Node\'s link mask');
    assert.equal(without.startBlock, 1234);
    assert.equal(without.pastNeighbors, undefined, 'secrets need the password');
    const withPw = (await ask('configuration', { dbPasswordOpt: 'pw' }))?.payload ?? {};
    assert.deepEqual(withPw.pastNeighbors, ['masq://dev:AAA@1.2.3.4:5']);
    const wrong = (await ask('configuration', { dbPasswordOpt: 'nope' }))?.payload ?? {};
    assert.equal(wrong.pastNeighbors, undefined, 'a wrong password is not an error, secrets are just left out');

    assert.deepEqual((await ask('shutdown'))?.payload, {});
    assert.equal(stops.length, 1);
    assert.equal((await ask('frobnicate'))?.error?.code, UI_ERRORS.UNMARSHAL_ERROR);
  } finally {
    await store.close();
  }
});

test('exitLocation: set, refuse, show and clear; stored as the parameter; every change announced', async () => {
  const store = await openStore({ dataDir: sandbox.tempDir(), chain: 'dev' });
  const broadcasts: UiMessage[] = [];
  const applied: string[] = [];
  // The neighborhood as the handler sees it: exits in CZ (3) and DE (1).
  const counts = [{ country: 'CZ', exits: 3 }, { country: 'DE', exits: 1 }];
  const handle = createNodeUiHandler({
    store, descriptor: () => undefined, connectionStage: () => 'RouteFound', neighborhoodGraph: () => 'digraph db {\n}',
    broadcast: (m) => broadcasts.push(m), shutdown: () => undefined, settingChanged: () => undefined,
    exitLocation: {
      apply: (loc) => applied.push(formatExitLocation(loc)),
      report: (loc) => ({ counts, missing: loc.groups.flat().filter((c) => !counts.some((k) => k.country === c)) }),
    },
  });
  const ask = async (payload: Record<string, unknown>): Promise<UiMessage | undefined> => {
    const sent: UiMessage[] = [];
    await handle({ id: 3, send: (m) => sent.push(m) }, { opcode: 'exitLocation', contextId: 1, payload });
    return sent[0];
  };
  const set = (groups: Array<[string[], number]>, fallbackRouting: boolean): Promise<UiMessage | undefined> =>
    ask({ fallbackRouting, exitLocations: groups.map(([countryCodes, priority]) => ({ countryCodes, priority })), showCountries: false });
  try {
    assert.deepEqual((await set([[['SK'], 2], [['cz'], 1]], false))?.payload, {
      fallbackRouting: false, exitCountrySelection: [{ countryCodes: ['CZ'], priority: 1 }, { countryCodes: ['SK'], priority: 2 }], missingCountries: ['SK'],
    });
    assert.equal(store.getConfig('exit_location'), 'CZ|SK');
    assert.equal((await handle2config())?.exitLocation, 'CZ|SK', 'the configuration shows it');
    const bad = await set([[['XP'], 1]], false);
    assert.equal(bad?.error?.code, UI_ERRORS.NON_PARSABLE_VALUE);
    assert.match(bad?.error?.message ?? '', /'XP' is not a valid ISO3166 country code/);
    assert.equal(store.getConfig('exit_location'), 'CZ|SK', 'a refused request changes nothing');
    const none = await set([[['US', 'NZ'], 1]], true);
    assert.deepEqual(none?.error, { code: UI_ERRORS.EXIT_COUNTRY_MISSING_COUNTRIES_ERROR, message: 'US, NZ' });
    assert.equal(store.getConfig('exit_location'), 'US,NZ|*', 'kept: it serves once exits there appear');
    const shown = await ask({ fallbackRouting: true, exitLocations: [], showCountries: true });
    assert.deepEqual(shown?.payload, {
      fallbackRouting: true, exitCountrySelection: [{ countryCodes: ['US', 'NZ'], priority: 1 }], missingCountries: ['US', 'NZ'],
      exitCountries: ['CZ', 'DE'], exitCountryCounts: counts,
    });
    assert.deepEqual((await set([], true))?.payload, { fallbackRouting: true, exitCountrySelection: [], missingCountries: [] });
    assert.equal(store.getConfig('exit_location'), undefined, 'cleared');
    assert.deepEqual(applied, ['CZ|SK', 'US,NZ|*', '']);
    assert.equal(broadcasts.filter((m) => m.opcode === 'configurationChanged').length, 3, 'each change, none for a refusal or a look');
  } finally {
    await store.close();
  }

  async function handle2config(): Promise<Record<string, unknown> | undefined> {
    const sent: UiMessage[] = [];
    await handle({ id: 3, send: (m) => sent.push(m) }, { opcode: 'configuration', contextId: 2, payload: {} });
    return sent[0]?.payload;
  }
});

test('wallets: generate seals the key, refuses a wrong password and a second pair; recover and walletAddresses', async () => {
  const dataDir = sandbox.tempDir();
  const store = await openStore({ dataDir, chain: 'dev' });
  const changes: Array<[string, string | undefined]> = [];
  const handle = createNodeUiHandler({
    store, descriptor: () => undefined, connectionStage: () => 'NotConnected', neighborhoodGraph: () => '',
    broadcast: () => undefined, shutdown: () => undefined, settingChanged: () => undefined,
    walletsChanged: (earning, key) => changes.push([earning.toString('hex'), key?.toString('hex')]),
  });
  const ask = async (opcode: string, payload: Record<string, unknown> = {}): Promise<UiMessage | undefined> => {
    const sent: UiMessage[] = [];
    await handle({ id: 3, send: (m) => sent.push(m) }, { opcode, contextId: 1, payload });
    return sent[0];
  };
  try {
    assert.equal((await ask('walletAddresses', { dbPassword: 'pw' }))?.error?.code, UI_ERRORS.MISSING_DATA);
    await store.changePassword(undefined, 'pw');
    const seedSpecOpt = { mnemonicPhraseSizeOpt: 12, mnemonicPhraseLanguageOpt: 'English' };
    const wrong = await ask('generateWallets', { dbPassword: 'nope', seedSpecOpt });
    assert.equal(wrong?.error?.code, UI_ERRORS.BAD_PASSWORD_ERROR);
    assert.equal(wrong?.error?.message, "Bad password; can't generate wallets");
    assert.equal(store.getConfig('earning_wallet_address'), undefined, 'a wrong password stores nothing');

    const made = (await ask('generateWallets', { dbPassword: 'pw', seedSpecOpt }))?.payload ?? {};
    assert.equal((made.mnemonicPhraseOpt as string[]).length, 12);
    const key = made.consumingWalletPrivateKey as string;
    assert.match(key, /^[0-9A-F]{64}$/, 'private keys as upper-case hex');
    assert.match(made.earningWalletPrivateKey as string, /^[0-9A-F]{64}$/);
    assert.equal(store.getConfig('earning_wallet_address'), made.earningWalletAddress);
    assert.equal(changes.length, 1);
    const raw = readFileSync(storeFile(dataDir));
    for (const needle of [key, key.toLowerCase(), Buffer.from(key, 'hex')]) assert.equal(raw.includes(needle), false, 'the key is sealed on disk');
    assert.deepEqual((await ask('walletAddresses', { dbPassword: 'pw' }))?.payload,
      { consumingWalletAddress: made.consumingWalletAddress, earningWalletAddress: made.earningWalletAddress });

    const again = await ask('generateWallets', { dbPassword: 'pw', seedSpecOpt });
    assert.equal(again?.error?.code, UI_ERRORS.CONFIGURATOR_WRITE_ERROR);
    assert.match(again?.error?.message ?? '', /already populated; cannot replace/);
    assert.equal(store.getConfig('earning_wallet_address'), made.earningWalletAddress, 'the first pair stays');
    assert.equal(changes.length, 1);

    // Recovering the same phrase is no collision (MASQ stores an identical pair again without complaint).
    const phrase = made.mnemonicPhraseOpt as string[];
    const same = await ask('recoverWallets', {
      dbPassword: 'pw', seedSpecOpt: { mnemonicPhrase: phrase },
      consumingDerivationPathOpt: "m/44'/60'/0'/0/0", earningDerivationPathOpt: "m/44'/60'/0'/0/1",
    });
    assert.deepEqual(same?.payload, {});
  } finally {
    await store.close();
  }

  const fresh = await openStore({ dataDir: sandbox.tempDir(), chain: 'dev' });
  try {
    await fresh.changePassword(undefined, 'pw');
    const h = createNodeUiHandler({
      store: fresh, descriptor: () => undefined, connectionStage: () => 'NotConnected', neighborhoodGraph: () => '',
      broadcast: () => undefined, shutdown: () => undefined, settingChanged: () => undefined,
    });
    const sent: UiMessage[] = [];
    const send = async (opcode: string, payload: Record<string, unknown>): Promise<UiMessage | undefined> => {
      await h({ id: 4, send: (m) => sent.push(m) }, { opcode, contextId: 2, payload });
      return sent.at(-1);
    };
    const junk = 'test test test test test test test test test test test junk'.split(' ');
    const badPath = await send('recoverWallets', { dbPassword: 'pw', seedSpecOpt: { mnemonicPhrase: junk }, consumingDerivationPathOpt: "m/44'/60'/0/0", earningDerivationPathOpt: "m/44'/60'/0'/0/1" });
    assert.equal(badPath?.error?.code, UI_ERRORS.DERIVATION_PATH_ERROR);
    const ok = await send('recoverWallets', {
      dbPassword: 'pw', seedSpecOpt: { mnemonicPhrase: junk, mnemonicPhraseLanguageOpt: 'English' },
      consumingDerivationPathOpt: "m/44'/60'/0'/0/0", earningAddressOpt: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    });
    assert.deepEqual(ok?.payload, {});
    assert.deepEqual((await send('walletAddresses', { dbPassword: 'pw' }))?.payload, {
      consumingWalletAddress: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', earningWalletAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    });
    assert.equal((await send('walletAddresses', { dbPassword: 'nope' }))?.error?.code, UI_ERRORS.BAD_PASSWORD_ERROR);
  } finally {
    await fresh.close();
  }
});
