// The Daemon object across its own "restarts" (a new Daemon over the same state): the kept setup, secrets sealed
// or not, the Node wanted running, a clean exit against the Daemon's own stop, and the box opcodes over handle().

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOX_ERRORS } from '../../src/daemon/box-desk.js';
import { Daemon } from '../../src/daemon/daemon.js';
import type { LaunchedNode, Launcher, NodeExit } from '../../src/daemon/launcher.js';
import { SetupState } from '../../src/daemon/setup-state.js';
import { MemoryState } from '../../src/daemon/state-dir.js';
import { SECRETS_FILE, SETUP_FILE } from '../../src/daemon/kept-setup.js';
import type { Banner } from '../../src/daemon/banner.js';
import type { Environment } from '../../src/config/resolve.js';
import type { ConfigIo } from '../../src/config/layered.js';
import type { UiMessage } from '../../src/ui/envelope.js';
import { UI_ERRORS } from '../../src/ui/error-codes.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { FakeSealer } from '../helpers/fake-sealer.js';

const env: Environment = { role: 'daemon', home: '/home/u', systemResolvers: ['9.9.9.9'], stored: {} };
const KEY = 'A'.repeat(43);
const PAST = `masq://base-mainnet:${KEY}@1.2.3.4:5678`;


/** Each launch is a "process" the test ends; `dieAtOnce` makes the next launches die before their UI answers. */
class FakeLauncher implements Launcher {
  calls: Array<{ args: readonly string[]; secrets: Readonly<Record<string, string>> }> = [];
  ends: Array<(e: NodeExit) => void> = [];
  dieAtOnce = 0;
  launch(args: readonly string[], secrets: Readonly<Record<string, string>>): LaunchedNode {
    this.calls.push({ args, secrets });
    let end: (e: NodeExit) => void = () => undefined;
    const exited = new Promise<NodeExit>((resolve) => { end = resolve; });
    this.ends.push(end);
    if (this.dieAtOnce > 0) {
      this.dieAtOnce--;
      end({ code: 1, signal: null, stderrTail: 'bind: address not available' });
    }
    return { pid: 4000 + this.calls.length, exited, stop: async () => end({ code: 0, signal: null, stderrTail: '' }) };
  }
  /** The last Node's own exit (not asked by the Daemon). */
  exit(code: number | null): void {
    this.ends[this.ends.length - 1]?.({ code, signal: code === null ? 'SIGKILL' : null, stderrTail: '' });
  }
}

class FakeBanner implements Banner {
  shown: string | undefined;
  show(code: string): void { this.shown = code; }
  hide(): void { this.shown = undefined; }
}

/** One machine: its state directory survives the Daemons started on it. */
class Machine {
  state = new MemoryState('/var/lib/masq-daemon');
  sealer = new FakeSealer();
  launcher = new FakeLauncher();
  banner = new FakeBanner();
  logLines: string[] = [];
  io: ConfigIo = { readConfigFile: () => ({}), readStoredRows: async () => ({}) };

  async boot(envValues: Record<string, string> = { 'neighborhood-mode': 'zero-hop' }) {
    const log = createLogger(createLogCore('trace', { write: (l) => this.logLines.push(l) }), 'Daemon');
    const setup = new SetupState(env, envValues, this.io);
    const daemon = new Daemon({
      setup, launcher: this.launcher, log, broadcast: () => undefined,
      findFreePort: async () => 40000,
      // Up unless the "process" already died.
      waitForUi: async (_p, _ms, alive) => { await new Promise((r) => setImmediate(r)); return alive(); },
      state: this.state, sealer: this.sealer, banner: this.banner, autoStartRetryMs: [0, 0],
    });
    await daemon.init();
    await daemon.autoStart;
    const ask = async (opcode: string, payload: Record<string, unknown> = {}): Promise<UiMessage> => {
      const sent: UiMessage[] = [];
      await daemon.handle({ id: 0, send: (m) => sent.push(m) }, { opcode, contextId: 1, payload });
      return sent[0] as UiMessage;
    };
    const setupValues = async (values: Array<{ name: string; value?: string }>) => {
      const r = await ask('setup', { values });
      return r.payload as { values: Array<{ name: string; value: string; status: string }>; errors: Array<[string, string]> };
    };
    return { daemon, ask, setupValues };
  }

  log(): string {
    return this.logLines.join('');
  }
}

const settle = () => new Promise((r) => setImmediate(r));

test('unattended-restart on: after the Daemon\'s own stop (a reboot) the next Daemon starts the Node by itself, same setup', async () => {
  const m = new Machine();
  const first = await m.boot();
  const r = await first.setupValues([{ name: 'db-password', value: 'hunter2 hunter2' }, { name: 'log-level', value: 'info' }, { name: 'unattended-restart', value: 'on' }]);
  assert.deepEqual(r.errors, []);
  assert.equal(r.values.find((v) => v.name === 'unattended-restart')?.value, 'on');
  assert.ok(m.state.files.has(SECRETS_FILE));
  assert.ok(!m.state.files.get(SECRETS_FILE)?.includes('hunter2'));
  assert.ok(!m.state.files.get(SETUP_FILE)?.includes('hunter2'), 'setup.json never holds a secret');
  assert.equal((await first.ask('start')).payload?.newProcessId, 4001);
  await first.daemon.stopNode(1000);
  assert.equal(m.launcher.calls.length, 1);

  const second = await m.boot();
  assert.equal(m.launcher.calls.length, 2, 'started by itself');
  assert.deepEqual(m.launcher.calls[1], m.launcher.calls[0], 'with the same arguments and secrets');
  assert.equal(m.launcher.calls[1]?.secrets.MASQ_DB_PASSWORD, 'hunter2 hunter2');
  assert.match(m.log(), /Starting the Node by itself with the kept setup/);
  const status = (await second.ask('boxStatus')).payload;
  assert.equal(status?.nodeRunning, true);
  assert.equal(status?.unattendedRestart, 'on');
  assert.equal(status?.waitingForPassword, false);
});

test('a crash keeps it wanted; a clean exit the Daemon did not ask for (masq shutdown) does not', async () => {
  const m = new Machine();
  const first = await m.boot();
  await first.ask('start');
  m.launcher.exit(null);
  await settle();
  await first.daemon.stopNode(1000);
  await m.boot();
  assert.equal(m.launcher.calls.length, 2, 'a crashed Node is still wanted after a reboot');
  m.launcher.exit(0);
  await settle();
  assert.match(m.log(), /stopped by request: it is not started again by itself/);
  const third = await m.boot();
  assert.equal(m.launcher.calls.length, 2, 'stopped by request: stays stopped');
  assert.equal((await third.ask('boxStatus')).payload?.waitingForPassword, false);
});

test('unattended-restart off: the secrets are not kept; the next Daemon waits for the password, then starts on request', async () => {
  const m = new Machine();
  const first = await m.boot();
  await first.setupValues([{ name: 'db-password', value: 'hunter2 hunter2' }, { name: 'unattended-restart', value: 'on' }]);
  assert.ok(m.state.files.has(SECRETS_FILE));
  await first.setupValues([{ name: 'unattended-restart', value: 'off' }]);
  assert.ok(!m.state.files.has(SECRETS_FILE), 'turned off: the sealed file is removed');
  await first.ask('start');
  await first.daemon.stopNode(1000);

  const second = await m.boot();
  assert.equal(m.launcher.calls.length, 1, 'not started without its password');
  assert.match(m.log(), /its database password was not kept \(unattended-restart off\): it waits for the password/);
  let status = (await second.ask('boxStatus')).payload;
  assert.equal(status?.waitingForPassword, true);
  assert.equal(status?.nodeRunning, false);
  const shown = await second.setupValues([]);
  assert.equal(shown.values.find((v) => v.name === 'db-password')?.status, 'Blank');
  assert.equal(shown.values.find((v) => v.name === 'log-level')?.status, 'Default');
  await second.setupValues([{ name: 'db-password', value: 'hunter2 hunter2' }]);
  assert.equal((await second.ask('boxStatus')).payload?.waitingForPassword, true, 'until it is started');
  assert.equal((await second.ask('start')).payload?.newProcessId, 4002);
  assert.equal(m.launcher.calls[1]?.secrets.MASQ_DB_PASSWORD, 'hunter2 hunter2');
  status = (await second.ask('boxStatus')).payload;
  assert.equal(status?.waitingForPassword, false);
  assert.equal(status?.nodeRunning, true);
});

test('unattended-restart on is refused, with why and what to do, when the secrets cannot be sealed', async () => {
  const m = new Machine();
  m.sealer.broken = 'systemd-creds was not found (it comes with systemd 250 or later)';
  const d = await m.boot();
  const r = await d.setupValues([{ name: 'db-password', value: 'hunter2 hunter2' }, { name: 'unattended-restart', value: 'on' }]);
  const err = r.errors.find(([p]) => p === 'unattended-restart');
  assert.ok(err, JSON.stringify(r.errors));
  assert.match(err[1], /cannot be on: .*systemd-creds, and systemd-creds was not found .*Install systemd 250 or later .*or leave unattended-restart off/);
  const v = r.values.find((x) => x.name === 'unattended-restart');
  assert.deepEqual([v?.value, v?.status], ['off', 'Default'], 'set back');
  assert.ok(!m.state.files.has(SECRETS_FILE));
  assert.ok(!m.state.files.get(SETUP_FILE)?.toString().includes('unattended-restart'));
  assert.equal((await d.ask('boxStatus')).payload?.unattendedRestart, 'off');
});

test('on from config.toml but unsealable: said in every setup answer, and no stale secrets are left', async () => {
  const m = new Machine();
  m.io = { readConfigFile: () => ({ 'unattended-restart': 'on' }), readStoredRows: async () => ({}) };
  const d = await m.boot();
  assert.deepEqual((await d.setupValues([{ name: 'db-password', value: 'first one 1' }])).errors, []);
  assert.ok(m.state.files.has(SECRETS_FILE));
  m.sealer.broken = 'systemd-creds could not seal (exit code 1: Permission denied)';
  const r = await d.setupValues([{ name: 'db-password', value: 'second one 2' }]);
  assert.match(r.errors.find(([p]) => p === 'unattended-restart')?.[1] ?? '', /is on, but the secrets cannot be sealed \(systemd-creds could not seal .*Permission denied\)/);
  assert.ok(!m.state.files.has(SECRETS_FILE), 'the old password is not left sealed to start with after a reboot');
});

test('a start the Daemon makes by itself is tried again when the Node dies at once (no network yet at boot)', async () => {
  const m = new Machine();
  const first = await m.boot();
  await first.ask('start');
  await first.daemon.stopNode(1000);
  m.launcher.dieAtOnce = 1;
  const second = await m.boot();
  assert.equal(m.launcher.calls.length, 3);
  assert.match(m.log(), /could not be started by itself: Node started in process 4002, but died immediately: bind: address not available/);
  assert.match(m.log(), /attempt 2/);
  assert.equal((await second.ask('boxStatus')).payload?.nodeRunning, true);
  await second.daemon.stopNode(1000);
  m.launcher.dieAtOnce = 10;
  await m.boot();
  assert.equal(m.launcher.calls.length, 6, 'three attempts in all with two pauses, then it gives up');
});

test('the kept setup survives restarts; an unusable kept value is logged and dropped', async () => {
  const m = new Machine();
  const first = await m.boot();
  await first.setupValues([{ name: 'log-level', value: 'debug' }, { name: 'gas-price', value: '7' }]);
  m.state.write(SETUP_FILE, m.state.files.get(SETUP_FILE)?.toString().replace('"7"', '"seven"') ?? '');
  const second = await m.boot();
  const r = await second.setupValues([]);
  assert.deepEqual(['log-level', 'gas-price'].map((n) => r.values.find((v) => v.name === n)?.status), ['Set', 'Default']);
  assert.match(m.log(), /kept value of gas-price is not used: gas price must be a whole number/);
  m.state.write(SETUP_FILE, 'garbage');
  const third = await m.boot();
  assert.equal((await third.setupValues([])).values.find((v) => v.name === 'log-level')?.status, 'Default');
  assert.ok(m.state.files.has(`${SETUP_FILE}.bad`), 'never lost silently');
});

test('box opcodes: claim with the code, log in, change the password; answered by the Daemon even while the Node runs', async () => {
  const m = new Machine();
  const d = await m.boot();
  let status = (await d.ask('boxStatus')).payload;
  assert.deepEqual(status, { claimed: false, setupDone: false, nodeRunning: false, unattendedRestart: 'off', waitingForPassword: false });
  const code = (await d.ask('setupCode')).payload?.code as string;
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.equal(m.banner.shown, code);
  assert.deepEqual((await d.ask('checkSetupCode', { code: code.toLowerCase().replace('-', ' ') })).payload, { matches: true, triesLeft: 5 });
  assert.deepEqual((await d.ask('checkAdminPassword', { password: 'x' })).error?.code, BOX_ERRORS.unclaimed);
  const weak = await d.ask('claimBox', { code, adminPassword: 'password' });
  assert.equal(weak.error?.code, UI_ERRORS.NON_PARSABLE_VALUE);
  assert.match(weak.error?.message ?? '', /at least 10 characters/);
  await d.ask('start');
  const claimed = await d.ask('claimBox', { code, adminPassword: 'a fine password 1' });
  assert.deepEqual(claimed, { opcode: 'claimBox', contextId: 1, payload: { matches: true, triesLeft: 5 } }, 'not redirected to the Node');
  assert.equal(m.banner.shown, undefined, 'the banner goes at the claim');
  assert.deepEqual((await d.ask('setupCode')).payload, { claimed: true });
  const again = await d.ask('checkSetupCode', { code });
  assert.equal(again.error?.code, UI_ERRORS.ALREADY_INITIALIZED_ERROR);
  assert.match(again.error?.message ?? '', /already claimed/);
  assert.deepEqual((await d.ask('checkAdminPassword', { password: 'a fine password 1' })).payload, { matches: true, triesLeft: 5 });
  assert.deepEqual((await d.ask('changeAdminPassword', { oldPassword: 'wrong one here', newPassword: 'a better one 22' })).payload, { matches: false, triesLeft: 4 });
  assert.deepEqual((await d.ask('changeAdminPassword', { oldPassword: 'a fine password 1', newPassword: 'a better one 22' })).payload, { matches: true, triesLeft: 4 });
  status = (await d.ask('boxStatus')).payload;
  assert.equal(status?.claimed, true);
  assert.equal(status?.setupDone, false, 'the Node was started before the claim');
  m.launcher.exit(0);
  await settle();
  await d.ask('start');
  assert.equal((await d.ask('boxStatus')).payload?.setupDone, true, 'the first start after the claim completes the setup');
  const reset = (await d.ask('setupCode', { reset: true })).payload;
  assert.equal(reset?.claimed, false);
  assert.notEqual(reset?.code, code);
  assert.equal(m.banner.shown, reset?.code);
  assert.equal((await d.ask('boxStatus')).payload?.claimed, false);
});

test('six wrong codes lock out, and the lockout is in boxStatus and survives a restart', async () => {
  const m = new Machine();
  const d = await m.boot();
  const code = (await d.ask('setupCode')).payload?.code as string;
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push((await d.ask('checkSetupCode', { code: 'ZZZZ-ZZZZ' })).payload);
  assert.deepEqual(answers.map((a) => a?.triesLeft), [4, 3, 2, 1, 0, 0]);
  assert.equal(answers[5]?.lockedForS, 3600);
  assert.equal((await d.ask('boxStatus')).payload?.lockedForS, 3600);
  const after = await m.boot();
  assert.deepEqual((await after.ask('checkSetupCode', { code })).payload, { matches: false, triesLeft: 0, lockedForS: 3600 });
  assert.equal((await after.ask('claimBox', { code, adminPassword: 'a fine password 1' })).payload?.matches, false);
});

test('past neighbors are the neighbors default once the database password is given (as MASQ\'s Daemon offers them)', async () => {
  const m = new Machine();
  const reads: string[] = [];
  m.io = {
    readConfigFile: () => ({}), readStoredRows: async () => ({}),
    readPastNeighbors: async (dir, chain, pw) => {
      reads.push(`${dir} ${chain} ${pw}`);
      return pw === 'right one 1' ? PAST : undefined;
    },
  };
  const d = await m.boot({ 'neighborhood-mode': 'consume-only' });
  let r = await d.setupValues([]);
  assert.equal(r.values.find((v) => v.name === 'neighbors')?.status, 'Required');
  assert.equal(reads.length, 0, 'nothing to open without the password');
  r = await d.setupValues([{ name: 'db-password', value: 'wrong one 1' }]);
  assert.equal(r.values.find((v) => v.name === 'neighbors')?.status, 'Required');
  r = await d.setupValues([{ name: 'db-password', value: 'right one 1' }, { name: 'blockchain-service-url', value: 'https://rpc.example' }]);
  assert.deepEqual(r.values.find((v) => v.name === 'neighbors'), { name: 'neighbors', value: PAST, status: 'Default' });
  assert.equal(reads.at(-1), '/home/u/.local/share/MASQ/base-mainnet base-mainnet right one 1');
  const count = reads.length;
  await d.setupValues([]);
  assert.equal(reads.length, count, 'read once for the same store and password, not at every setup');
  assert.equal((await d.ask('start')).error, undefined, 'consume-only needs neighbors: the past ones do');
  assert.ok(m.launcher.calls.at(-1)?.args.join(' ').includes(`--neighbors ${PAST}`), 'and given to the Node');
  m.launcher.exit(0);
  await settle();
  r = await d.setupValues([{ name: 'neighbors', value: `masq://base-mainnet:${'B'.repeat(43)}@5.6.7.8:9999` }]);
  assert.equal(r.values.find((v) => v.name === 'neighbors')?.status, 'Set', 'what a UI sets wins');
});
