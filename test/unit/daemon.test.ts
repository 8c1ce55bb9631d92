import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Daemon } from '../../src/daemon/daemon.js';
import { launchArguments } from '../../src/daemon/launch-args.js';
import { type LaunchedNode, type Launcher, type NodeExit, crashReason } from '../../src/daemon/launcher.js';
import { SetupState } from '../../src/daemon/setup-state.js';
import type { Environment } from '../../src/config/resolve.js';
import type { UiMessage } from '../../src/ui/envelope.js';
import { UI_ERRORS } from '../../src/ui/error-codes.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { MasqError } from '../../src/system/errors.js';

const env: Environment = { role: 'daemon', home: '/home/u', systemResolvers: ['9.9.9.9'], stored: {} };
const log = createLogger(createLogCore('off'), 'test');

/** A launcher that records what it was asked and lets the test end the "process". */
class FakeLauncher implements Launcher {
  calls: Array<{ args: readonly string[]; secrets: Readonly<Record<string, string>> }> = [];
  end: (e: NodeExit) => void = () => undefined;
  launch(args: readonly string[], secrets: Readonly<Record<string, string>>): LaunchedNode {
    this.calls.push({ args, secrets });
    const exited = new Promise<NodeExit>((resolve) => { this.end = resolve; });
    return { pid: 4242, exited, stop: async () => this.end({ code: 0, signal: null, stderrTail: '' }) };
  }
}

function harness(files: Record<string, Record<string, string>> = {}, envValues: Record<string, string> = {}) {
  const launcher = new FakeLauncher();
  const broadcasts: Array<{ msg: UiMessage; except?: number }> = [];
  const setup = new SetupState(env, envValues, {
    readConfigFile: (path) => {
      const f = files[path];
      if (f === undefined) return {};
      if ('__bad' in f) throw new MasqError('CONFIG_FILE', `${path} is not valid TOML.`);
      return f;
    },
    readStoredRows: async () => ({ clandestine_port: '4321' }),
  });
  const clock = { ms: 1_000_000, now(): number { return this.ms; } };
  const daemon = new Daemon({
    setup, launcher, log, clock,
    broadcast: (msg, except) => broadcasts.push({ msg, ...(except !== undefined ? { except } : {}) }),
    findFreePort: async () => 40000,
    waitForUi: async () => true,
  });
  const sent: UiMessage[] = [];
  const ask = async (opcode: string, payload: Record<string, unknown> = {}, clientId = 0, contextId: number | null = 1) => {
    sent.length = 0;
    await daemon.handle({ id: clientId, send: (m) => sent.push(m) }, { opcode, ...(contextId !== null ? { contextId } : {}), payload });
    return sent[0] as UiMessage;
  };
  return { daemon, launcher, broadcasts, ask, clock };
}

test('setup shows statuses, censors secrets, and reports bad values without losing the old one', async () => {
  const h = harness({}, { 'neighborhood-mode': 'zero-hop' });
  let r = await h.ask('setup', { values: [{ name: 'db-password', value: 'hunter2' }, { name: 'log-level', value: 'info' }] });
  const values = (r.payload?.values ?? []) as Array<{ name: string; value: string; status: string }>;
  const get = (n: string) => values.find((v) => v.name === n);
  assert.deepEqual(get('db-password'), { name: 'db-password', value: '****************', status: 'Set' });
  assert.equal(get('neighborhood-mode')?.status, 'Configured');
  assert.equal(get('clandestine-port')?.value, '4321');
  assert.ok(!JSON.stringify(r).includes('hunter2'));
  r = await h.ask('setup', { values: [{ name: 'log-level', value: 'loud' }, { name: 'nonsense', value: '1' }] });
  const errors = r.payload?.errors as Array<[string, string]>;
  assert.deepEqual(errors.map(([p]) => p), ['log-level', 'nonsense']);
  assert.equal(((r.payload?.values ?? []) as Array<{ name: string; value: string }>).find((v) => v.name === 'log-level')?.value, 'info');
});

test('a setup change is broadcast to the other clients once the setup is not empty', async () => {
  const h = harness();
  await h.ask('setup', { values: [{ name: 'log-level', value: 'info' }] }, 1);
  assert.equal(h.broadcasts.length, 0);
  await h.ask('setup', { values: [{ name: 'log-level', value: 'debug' }] }, 1);
  assert.equal(h.broadcasts.length, 1);
  assert.equal(h.broadcasts[0]?.except, 1);
  await h.ask('setup', { values: [{ name: 'log-level', value: 'debug' }] }, 1);
  assert.equal(h.broadcasts.length, 1, 'no broadcast without a change');
});

test('start refuses while required values are missing, naming them', async () => {
  const h = harness();
  const r = await h.ask('start');
  assert.equal(r.error?.code, UI_ERRORS.SETUP_ERROR);
  assert.match(r.error?.message ?? '', /blockchain-service-url, db-password/);
  assert.equal(h.launcher.calls.length, 0);
});

test('start launches with values as arguments and secrets in the environment, then redirects', async () => {
  const h = harness({}, { 'neighborhood-mode': 'zero-hop' });
  await h.ask('setup', { values: [{ name: 'db-password', value: 's3cret' }] });
  const r = await h.ask('start');
  assert.deepEqual(r.payload, { newProcessId: 4242, redirectUiPort: 40000 });
  const call = h.launcher.calls[0];
  assert.ok(call);
  assert.ok(!call.args.includes('s3cret'));
  assert.equal(call.secrets.MASQ_DB_PASSWORD, 's3cret');
  assert.deepEqual(call.args.slice(-2), ['--ui-port', '40000']);
  assert.ok(call.args.join(' ').includes('--neighborhood-mode zero-hop'));
  assert.equal((await h.ask('start')).error?.code, UI_ERRORS.NODE_ALREADY_RUNNING_ERROR);
  const redirect = await h.ask('descriptor', {}, 0, 9);
  assert.deepEqual(redirect, { opcode: 'redirect', payload: { port: 40000, opcode: 'descriptor', contextId: 9, payload: '{}' } });
  const frozen = await h.ask('setup', { values: [{ name: 'log-level', value: 'trace' }] });
  assert.equal(frozen.payload?.running, true);
  const valueOf = (r: typeof frozen, name: string): unknown => (r.payload?.values as Array<{ name: string; value: string }>).find((v) => v.name === name)?.value;
  assert.notEqual(valueOf(frozen, 'log-level'), 'trace', 'the Node\'s parameters wait until it stops');
  // The Daemon's own parameters are not the Node's: they change while it runs.
  const lan = await h.ask('setup', { values: [{ name: 'setup-page-lan', value: 'on' }] });
  assert.equal(valueOf(lan, 'setup-page-lan'), 'on');
  assert.equal(lan.payload?.running, true);
  const mixed = await h.ask('setup', { values: [{ name: 'setup-page-lan', value: 'off' }, { name: 'log-level', value: 'trace' }] });
  assert.equal(valueOf(mixed, 'setup-page-lan'), 'on', 'a change that also touches the Node\'s waits as a whole');
});

test('the Node\'s death is broadcast as crashed to all, and the setup is open again', async () => {
  const h = harness({}, { 'neighborhood-mode': 'zero-hop' });
  await h.ask('start');
  h.launcher.end({ code: 1, signal: null, stderrTail: 'line one\nFatal: boom' });
  await new Promise((r) => setImmediate(r));
  const b = h.broadcasts.find((x) => x.msg.opcode === 'crashed');
  assert.deepEqual(b?.msg.payload, { processId: 4242, crashReason: { Unrecognized: 'line one\nFatal: boom' } });
  assert.equal(b?.except, undefined);
  assert.equal(h.daemon.isRunning(), false);
  const r = await h.ask('descriptor');
  assert.equal(r.error?.code, UI_ERRORS.NODE_NOT_RUNNING_ERROR);
  assert.equal(r.error?.message, 'Cannot handle descriptor request: Node is not running');
  const greeted: UiMessage[] = [];
  h.daemon.greet({ id: 9, send: (m) => greeted.push(m) });
  assert.equal(greeted[0]?.opcode, 'crashed', 'a UI falling back right after the crash hears of it');
  h.clock.ms += 60_000;
  h.daemon.greet({ id: 10, send: (m) => greeted.push(m) });
  assert.equal(greeted.length, 1, 'but not a minute later');
  const ff = await h.ask('descriptor', {}, 0, null);
  assert.deepEqual(ff, { opcode: 'undelivered', payload: { opcode: 'descriptor' } });
});

test('an unusable config file is reported in setup, not fatal', async () => {
  const h = harness({ '/home/u/.local/share/MASQ/base-mainnet/config.toml': { __bad: '1' } });
  const r = await h.ask('setup', { values: [] });
  assert.ok((r.payload?.errors as Array<[string, string]>).some(([p, why]) => p === 'config-file' && /not valid TOML/.test(why)));
});

test('crash reasons', () => {
  assert.equal(crashReason({ code: 0, signal: null, stderrTail: 'logs' }), 'NoInformation');
  assert.equal(crashReason({ code: null, signal: 'SIGKILL', stderrTail: '' }), 'NoInformation');
  assert.deepEqual(crashReason({ code: null, signal: null, stderrTail: 'Child wait failure: x' }), { ChildWaitFailure: 'x' });
  assert.deepEqual(crashReason({ code: 3, signal: null, stderrTail: '' }), { Unrecognized: 'exit code 3' });
});

test('launch arguments are sorted by name and skip blanks', () => {
  const setup = resolveFor({ 'log-level': 'info', 'neighborhood-mode': 'zero-hop' });
  const { args } = launchArguments(setup, 1234);
  const names = args.filter((a) => a.startsWith('--')).slice(0, -1);
  assert.deepEqual(names, [...names].sort());
});

test('a stored parameter at its default is left to the Node, which reads its own store', () => {
  const given = launchArguments(resolveFor({ 'neighborhood-mode': 'zero-hop', 'gas-price': '9' }), 1234).args;
  assert.deepEqual(given.slice(given.indexOf('--gas-price'), given.indexOf('--gas-price') + 2), ['--gas-price', '9']);
  const defaulted = launchArguments(resolveFor({ 'neighborhood-mode': 'zero-hop' }), 1234).args;
  assert.equal(defaulted.includes('--gas-price'), false, 'the default 1 would overwrite a gas price set with set-configuration');
  assert.equal(defaulted.includes('--log-level'), true, 'defaults of parameters the store does not keep are still passed');
});

import { resolve } from '../../src/config/resolve.js';
function resolveFor(values: Record<string, string>) {
  return resolve([{ source: 'x', status: 'Set', values }], env);
}
