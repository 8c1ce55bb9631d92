import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUE, checkAnswer, checkBroadcast, checkRequest, type Requests } from '../../src/ui/catalogue.js';
import fc from 'fast-check';
import { ConnectionLost, UiClient, UiRequestError } from '../../src/ui/client.js';
import { UI_ERRORS } from '../../src/ui/error-codes.js';
import { UI_ERROR_BY_PROBLEM, uiErrorFor } from '../../src/ui/error-edge.js';
import { startUiServer } from '../../src/ui/server.js';
import { MasqError, type Logger } from '../../src/system/index.js';
import { WalletError, type WalletProblem } from '../../src/wallet/index.js';
import { FinancialsRequestError, type FinancialsProblem } from '../../src/accountant/index.js';
import { BackupError } from '../../src/backup/index.js';
import { SshAccessError } from '../../src/ssh-keys/index.js';

const log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;

test('answers and broadcasts are checked against the catalogue, nested parts too', () => {
  assert.equal(checkAnswer('start', { newProcessId: 1, redirectUiPort: 2 }), null);
  assert.equal(checkAnswer('start', { newProcessId: '1', redirectUiPort: 2 }), "Field 'newProcessId' must be of type number");
  assert.equal(checkAnswer('setup', { running: false, values: [{ name: 'x', value: 1, status: 'Set' }], errors: [] }), "Field 'values[0].value' must be of type string");
  assert.equal(checkAnswer('connectionStatus', { stage: 'Lost' }), "Field 'stage' must be of type one of NotConnected, ConnectedToNeighbor, RouteFound");
  assert.equal(checkBroadcast('crashed', { processId: 3, crashReason: { Unrecognized: 'boom' } }), null);
  assert.notEqual(checkBroadcast('crashed', { processId: 3, crashReason: 'Sad' }), null);
  assert.equal(checkAnswer('automapStatus', { state: 'off', summary: 'given --ip' }), null);
  assert.notEqual(checkAnswer('automapStatus', { state: 'mapped', summary: 'half' }), null);
  // Optional fields may be null or absent; fields the catalogue does not name pass.
  assert.equal(checkAnswer('descriptor', { nodeDescriptorOpt: null, extra: 1 }), null);
});

test('opcodes and payloads that are not in the catalogue do not compile', () => {
  // @ts-expect-error no such opcode
  const bad: Requests['frobnicate'] = {};
  // @ts-expect-error setConfiguration needs name and value, as strings
  const wrong: Requests['setConfiguration'] = { name: 'min-hops', value: 3 };
  assert.ok(bad !== undefined && wrong !== undefined && 'setConfiguration' in CATALOGUE);
});

test('the typed client: a malformed answer is UI_PROTOCOL, an error envelope UI_REFUSED with its code, a drop ConnectionLost', async () => {
  const server = await startUiServer({
    port: 0, log,
    onMessage: (c, m) => {
      const ctx = m.contextId ?? 0;
      if (m.opcode === 'start') c.send({ opcode: 'start', contextId: ctx, payload: { newProcessId: 'seven' } });
      else if (m.opcode === 'descriptor') c.send({ opcode: 'descriptor', contextId: ctx, error: { code: UI_ERRORS.NODE_NOT_RUNNING_ERROR, message: 'Node is not running' } });
      else if (m.opcode === 'neighborhoodGraph') c.send({ opcode: 'neighborhoodGraph', contextId: ctx, payload: { graph: 'digraph db { }' } });
    },
  });
  const c = await UiClient.connect(server.port, 1000);
  try {
    await assert.rejects(c.request('start', {}), (e) => e instanceof MasqError && e.code === 'UI_PROTOCOL' && /newProcessId/.test(e.message));
    await assert.rejects(c.request('descriptor', {}), (e) => e instanceof UiRequestError && e.code === 'UI_REFUSED'
      && e.error.code === UI_ERRORS.NODE_NOT_RUNNING_ERROR && e.message === 'Node is not running (Code 8000_0000_0000_0002)');
    assert.equal((await c.request('neighborhoodGraph', {})).graph, 'digraph db { }');
  } finally {
    c.close();
    await server.close();
  }
  await assert.rejects(c.request('descriptor', {}), (e) => e instanceof ConnectionLost && e.code === 'UI_CONNECT');
});

test('the typed client hands well-formed broadcasts to listeners and the rest to onUnrecognized', async () => {
  const server = await startUiServer({ port: 0, log, onMessage: () => undefined });
  const c = await UiClient.connect(server.port, 1000);
  const heard: string[] = [];
  c.onBroadcast((b) => { if (b.opcode === 'connectionChange') heard.push(b.payload.stage); });
  c.onUnrecognized((opcode, why) => heard.push(`${opcode}: ${why}`));
  server.broadcast({ opcode: 'connectionChange', payload: { stage: 'RouteFound' } });
  server.broadcast({ opcode: 'connectionChange', payload: { stage: 42 } });
  server.broadcast({ opcode: 'frobnicate', payload: {} });
  await new Promise((r) => setTimeout(r, 100));
  c.close();
  await server.close();
  assert.deepEqual(heard, [
    'RouteFound',
    "connectionChange: Field 'stage' must be of type one of NotConnected, ConnectedToNeighbor, RouteFound",
    "frobnicate: no broadcast 'frobnicate' in the catalogue",
  ]);
});

test('the UI edge table: every wallet, financials and backup problem has its UI error; codes and opcodes next', () => {
  const covered: Record<WalletProblem | FinancialsProblem | 'backup-password' | 'backup-chain' | 'access-off', bigint> = UI_ERROR_BY_PROBLEM;
  assert.equal(Object.keys(covered).length, 12);
  assert.deepEqual(uiErrorFor('generateWallets', new WalletError('path', 'Bad path.', 'Use m/44\'/60\'/0\'/0/0.')),
    { code: UI_ERRORS.DERIVATION_PATH_ERROR, message: "Bad path. Use m/44'/60'/0'/0/0." });
  assert.equal(uiErrorFor('financials', new FinancialsRequestError('no-values', 'none'))?.code, UI_ERRORS.REQUEST_WITH_NO_VALUES);
  assert.equal(uiErrorFor('recoverWallets', new MasqError('UI_PROTOCOL', 'bad field'))?.code, UI_ERRORS.UNMARSHAL_ERROR);
  // A backup's wrong password and wrong chain have their own errors; any other backup problem is a file that does not parse.
  assert.equal(uiErrorFor('importBackup', new BackupError('backup-password', 'wrong'))?.code, UI_ERRORS.CONFIGURATOR_READ_ERROR);
  assert.equal(uiErrorFor('importBackup', new BackupError('backup-chain', 'other chain'))?.code, UI_ERRORS.CONFIGURATOR_WRITE_ERROR);
  assert.equal(uiErrorFor('importBackup', new BackupError('backup-newer', 'v2'))?.code, UI_ERRORS.NON_PARSABLE_VALUE);
  // ssh access off is the setup's refusal; any other ssh problem is a key or name that does not parse.
  assert.equal(uiErrorFor('sshAccess', new SshAccessError('access-off', 'off'))?.code, UI_ERRORS.SETUP_ERROR);
  assert.equal(uiErrorFor('setSshKeys', new SshAccessError('key-private', 'private'))?.code, UI_ERRORS.NON_PARSABLE_VALUE);
  assert.deepEqual(uiErrorFor('scan', new Error('RPC down')), { code: UI_ERRORS.SCAN_ERROR, message: 'RPC down' });
  assert.equal(uiErrorFor('descriptor', new Error('bug')), undefined);
});

test('the shape checks take any JSON for any opcode and answer a reason or null, never throw (fuzzed)', () => {
  const opcodes = Object.keys(CATALOGUE);
  const checks = [checkAnswer, checkBroadcast, checkRequest];
  fc.assert(fc.property(fc.constantFrom(...opcodes), fc.constantFrom(...checks), fc.dictionary(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 6 }), { maxKeys: 12 }),
    (opcode, check, payload) => {
      const why = check(opcode, payload as Record<string, unknown>);
      assert.ok(why === null || (typeof why === 'string' && why.length < 2000));
    }), { numRuns: 3000, seed: 11 });
});
