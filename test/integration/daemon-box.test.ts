// The Daemon as the keeper of the box's state, with real processes: a Daemon killed (SIGKILL, then SIGTERM) and
// started again brings its Node back by itself with the same setup, its secrets sealed by the real systemd-creds
// (host key in a temp dir through SYSTEMD_CREDENTIAL_SECRET); with unattended-restart off it waits for the
// password; masq setup-code prints the code checkSetupCode takes, and the lockout outlives a restart.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MASQ, MASQ_NODE, Sandbox, type Tracked, freePort, run, waitFor } from '../helpers/processes.js';
import { UiClient } from '../../src/ui/index.js';
import { hasCreds } from '../helpers/fake-sealer.js';

const sandbox = new Sandbox();
/** Nodes the Daemons started, by pid: killed at the end should a test fail half-way. */
const nodePids = new Set<number>();
let web: Server;
let webPort: number;

before(async () => {
  web = createServer((req, res) => res.end(`hello from ${req.url}`));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as { port: number }).port;
});
after(async () => {
  await sandbox.cleanup();
  for (const pid of nodePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
  await new Promise((r) => web.close(r));
});

/** One box: its home, state, runtime and data directories and ports stay while its Daemon is killed and started again. */
class Box {
  readonly home = sandbox.tempDir('masq-box-');
  readonly stateDir = join(this.home, 'state');
  readonly runDir = join(this.home, 'run');
  readonly dataDir = join(this.home, 'data');
  daemon: Tracked | undefined;
  uiPort = 0;
  proxyPort = 0;

  async start(): Promise<Tracked> {
    if (!this.uiPort) [this.uiPort, this.proxyPort] = [await freePort(), await freePort()];
    mkdirSync(this.runDir, { recursive: true });
    const d = sandbox.spawn(MASQ_NODE, ['--initialization', '--ui-port', String(this.uiPort), '--state-directory', this.stateDir], {
      HOME: this.home, MASQ_DATA_DIRECTORY: this.dataDir, MASQ_NEIGHBORHOOD_MODE: 'zero-hop', MASQ_PROXY_PORT: String(this.proxyPort),
      MASQ_EXIT_PRIVATE_DESTINATIONS: 'on', RUNTIME_DIRECTORY: this.runDir, SYSTEMD_CREDENTIAL_SECRET: join(this.home, 'host.secret'),
      STATE_DIRECTORY: '', XDG_STATE_HOME: '',
    });
    this.daemon = d;
    await waitFor('the Daemon to listen', () => d.output().includes(`UI port ${this.uiPort}`), 15_000);
    return d;
  }

  /** The Node this Daemon started (by itself or asked), once it answers. */
  async nodeStarted(timeoutMs = 30_000): Promise<number> {
    const d = this.daemon as Tracked;
    const m = await waitFor('the Node to start', () => /Node started in process (\d+)/.exec(d.output()) ?? undefined, timeoutMs);
    const pid = Number(m[1]);
    nodePids.add(pid);
    return pid;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const d = this.daemon as Tracked;
    d.child.kill(signal);
    await d.exited;
  }

  masq(...args: string[]) {
    return run(MASQ, ['--ui-port', String(this.uiPort), ...args], { HOME: this.home });
  }

  async ask(opcode: 'boxStatus' | 'checkSetupCode', payload: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const c = await UiClient.connect(this.uiPort);
    try {
      return await c.request(opcode, payload as never) as Record<string, unknown>;
    } finally {
      c.close();
    }
  }

  async fetch(path: string) {
    return run('curl', ['-sS', '--max-time', '10', '-x', `http://127.0.0.1:${this.proxyPort}`, `http://127.0.0.1:${webPort}${path}`]);
  }
}

describe('the box\'s Daemon across its restarts', () => {
  // make test-deps installs it (package systemd): missing, these tests fail rather than skip.
  before(() => assert.ok(hasCreds, 'systemd-creds is needed: apt-get install systemd'));
  const box = new Box();
  const PASSWORD = 'sealed pässword 4242';

  test('masq setup-code prints the code that checkSetupCode accepts; the console banner shows it', async () => {
    await box.start();
    const r = await box.masq('setup-code');
    assert.equal(r.code, 0, r.stderr);
    const m = /^Setup code: ([A-Z2-9]{4}-[A-Z2-9]{4})\n.*setup page/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    const code = m[1] as string;
    assert.deepEqual(await box.ask('checkSetupCode', { code: code.toLowerCase() }), { matches: true, triesLeft: 5 });
    assert.match(readFileSync(join(box.runDir, 'setup-code.issue'), 'utf8'), new RegExp(`^MASQ setup code: ${code}\n`));
    const status = await box.ask('boxStatus');
    assert.deepEqual(status, { claimed: false, setupDone: false, nodeRunning: false, unattendedRestart: 'off', waitingForPassword: false });
  });

  test('a zero-hop setup with a db-password and unattended-restart on; the sealed file does not hold the password', async () => {
    const s = await box.masq('setup', '--db-password', PASSWORD, '--log-level', 'info', '--unattended-restart', 'on');
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /unattended-restart\s+on\s+Set/);
    assert.doesNotMatch(s.stdout, /ERRORS/);
    const sealed = readFileSync(join(box.stateDir, 'secrets.cred'));
    assert.ok(!sealed.includes(Buffer.from(PASSWORD)) && !sealed.includes(Buffer.from('pässword')), 'no plaintext in the sealed file');
    assert.ok(!readFileSync(join(box.stateDir, 'setup.json'), 'utf8').includes('pässword'));
    const start = await box.masq('start');
    assert.equal(start.code, 0, start.stderr);
    await box.nodeStarted();
    assert.equal((await box.fetch('/first')).stdout, 'hello from /first');
  });

  test('SIGKILL of the Daemon: the next one stops the Node left behind and starts it again by itself, same setup', async () => {
    await box.kill('SIGKILL');
    const d = await box.start();
    await box.nodeStarted();
    assert.match(d.output(), /Stopping the Node \(process \d+\) that an earlier Daemon left running/);
    assert.match(d.output(), /Starting the Node by itself with the kept setup/);
    assert.equal((await box.fetch('/again')).stdout, 'hello from /again');
    const s = await box.masq('setup');
    assert.match(s.stdout, /log-level\s+info\s+Set/);
    assert.match(s.stdout, /db-password\s+\*+\s+Set/);
    assert.equal((await box.masq('check-password', PASSWORD)).stdout.trim(), 'Password is correct', 'the unsealed password reached the Node');
    assert.equal((await box.ask('boxStatus')).nodeRunning, true);
  });

  test('SIGTERM of the Daemon (a reboot): it stops the Node itself, and the next Daemon starts it again', async () => {
    const before = box.daemon as Tracked;
    await box.kill('SIGTERM');
    assert.match(before.output(), /MASQ Node stopped/);
    await box.start();
    await box.nodeStarted();
    assert.equal((await box.fetch('/third')).stdout, 'hello from /third');
  });

  test('unattended-restart off: the Daemon waits for the password after a restart, and starts on setup db-password + start', async () => {
    const stop = await box.masq('shutdown');
    assert.equal(stop.code, 0, `${stop.stdout}${stop.stderr}`);
    await waitFor('the Daemon to see the Node go', async () => (await box.ask('boxStatus')).nodeRunning === false);
    const s = await box.masq('setup', '--unattended-restart', 'off');
    assert.match(s.stdout, /unattended-restart\s+off\s+Set/);
    assert.ok(!existsSync(join(box.stateDir, 'secrets.cred')), 'the sealed file is removed');
    const started = await box.masq('start');
    assert.equal(started.code, 0, started.stderr);
    await box.kill('SIGKILL');
    const d = await box.start();
    await waitFor('the Daemon to say it waits', () => /it waits for the password/.test(d.output()), 15_000).catch((e: Error) => {
      throw new Error(`${e.message}; the Daemon said: ${d.output()}`);
    });
    const status = await box.ask('boxStatus');
    assert.equal(status.waitingForPassword, true);
    assert.equal(status.nodeRunning, false);
    assert.equal(status.unattendedRestart, 'off');
    assert.doesNotMatch(d.output(), /Node started in process/);
    assert.notEqual((await box.fetch('/none')).code, 0, 'no Node, no proxy');
    assert.match((await box.masq('setup')).stdout, /db-password\s+Blank/);
    assert.equal((await box.masq('setup', '--db-password', PASSWORD)).code, 0);
    const start = await box.masq('start');
    assert.equal(start.code, 0, `${start.stderr}; the Daemon said: ${d.output()}`);
    await box.nodeStarted();
    assert.equal((await box.ask('boxStatus')).waitingForPassword, false);
    assert.equal((await box.fetch('/fourth')).stdout, 'hello from /fourth');
  });

  test('6 wrong codes lock out, and a restart of the Daemon keeps the lockout', async () => {
    const code = /Setup code: (\S+)/.exec((await box.masq('setup-code')).stdout)?.[1] as string;
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await box.ask('checkSetupCode', { code: 'ZZZZ-ZZZZ' }));
    assert.deepEqual(answers.map((a) => a.triesLeft), [4, 3, 2, 1, 0, 0]);
    assert.ok(Number(answers[5]?.lockedForS) > 3500);
    assert.equal((await box.ask('checkSetupCode', { code })).matches, false, 'locked: not even the right code');
    await box.kill('SIGTERM');
    const d = await box.start();
    const locked = await box.ask('checkSetupCode', { code });
    assert.equal(locked.matches, false);
    assert.ok(Number(locked.lockedForS) > 3500, JSON.stringify(locked));
    assert.ok(Number((await box.ask('boxStatus')).lockedForS) > 3500);
    assert.doesNotMatch(d.output() + (box.daemon as Tracked).output(), /ZZZZ/, 'guesses are never logged');
    await box.kill('SIGTERM');
  });
});
