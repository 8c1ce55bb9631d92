// The Node's UI answers against a real store on disk (no sockets: the handler is called as the server would).

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createNodeUiHandler } from '../../src/node/ui-handlers.js';
import { openStore } from '../../src/store/index.js';
import type { UiMessage } from '../../src/ui/envelope.js';
import { UI_ERRORS } from '../../src/ui/error-codes.js';
import { Sandbox } from '../helpers/processes.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());

test('setConfiguration, configuration with and without the password, shutdown, unknown opcodes', async () => {
  const store = await openStore({ dataDir: sandbox.tempDir(), chain: 'dev' });
  const broadcasts: UiMessage[] = [];
  const stops: string[] = [];
  const settings: Array<[string, string | null]> = [];
  const handle = createNodeUiHandler({
    store, descriptor: () => undefined, connectionStage: () => 'NotConnected', neighborhoodGraph: () => 'digraph db {\n}',
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
    assert.deepEqual(broadcasts, [{ opcode: 'newPassword', payload: {} }]);
    await store.setSecret({ past_neighbors: 'masq://dev:AAA@1.2.3.4:5' });
    const without = (await ask('configuration'))?.payload ?? {};
    assert.equal(without.chainName, 'dev');
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
