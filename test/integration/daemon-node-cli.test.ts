// The Daemon, the Node and masq as a user drives them: real processes from bin/, real curl, real files.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { MASQ, MASQ_NODE, Sandbox, freePort, hasStackTrace, run, waitFor } from '../helpers/processes.js';
import { type Lab, startDaemon as startLab } from '../helpers/lab.js';

const sandbox = new Sandbox();
let web: Server;
let webPort: number;

before(async () => {
  web = createServer((req, res) => res.end(`hello from ${req.url}`));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as { port: number }).port;
});
after(async () => {
  await sandbox.cleanup();
  await new Promise((r) => web.close(r));
});

const startDaemon = (env: Record<string, string> = {}): Promise<Lab> => startLab(sandbox, env);

function curl(...args: string[]) {
  return run('curl', ['-sS', '--max-time', '10', ...args]);
}

describe('a zero-hop Node driven through the Daemon', () => {
  let lab: Lab;
  before(async () => { lab = await startDaemon(); });

  test('setup shows values and statuses before start', async () => {
    const r = await lab.masq('setup', '--log-level', 'info');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME {26}VALUE/);
    assert.match(r.stdout, /log-level\s+info\s+Set/);
    assert.match(r.stdout, /neighborhood-mode\s+zero-hop\s+Configured/);
    assert.match(r.stdout, /chain\s+base-mainnet\s+Default/);
    assert.match(r.stdout, /earning-wallet\s+Blank/);
  });

  test('commands for the Node fail clearly while it is not running', async () => {
    const r = await lab.masq('descriptor');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot handle descriptor request: Node is not running \(Code 8000_0000_0000_0002\)/);
    const s = await lab.masq('shutdown');
    assert.equal(s.code, 1);
    assert.match(s.stderr, /MASQNode is not running; therefore it cannot be shut down/);
  });

  test('start launches the Node, which serves the proxy', async () => {
    const r = await lab.masq('start');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^MASQNode successfully started in process \d+ on port \d+/);
    await waitFor('the Node to report ready', () => lab.daemon.output().includes('MASQ Node ready'));
    assert.match(lab.daemon.output(), new RegExp(`proxy: +127\\.0\\.0\\.1:${lab.proxyPort}`));
    assert.ok(lab.daemon.output().includes(`data directory: ${lab.dataDir}`));
    const page = await curl('-x', `http://127.0.0.1:${lab.proxyPort}`, `http://127.0.0.1:${webPort}/a`);
    assert.equal(page.stdout, 'hello from /a');
    const socks = await curl('--socks5-hostname', `127.0.0.1:${lab.proxyPort}`, `http://localhost:${webPort}/b`);
    assert.equal(socks.stdout, 'hello from /b');
  });

  test('Node commands are redirected to the Node', async () => {
    const d = await lab.masq('descriptor');
    assert.equal(d.stdout.trim(), 'Node descriptor is not yet available; try again later');
    const c = await lab.masq('connection-status');
    assert.equal(c.stdout.trim(), 'NotConnected: No external neighbor is connected to us.');
    const conf = await lab.masq('configuration');
    assert.equal(conf.code, 0, conf.stderr);
    assert.match(conf.stdout, /Chain:\s+base-mainnet/);
    assert.match(conf.stdout, /Neighborhood mode:\s+zero-hop/);
    assert.match(conf.stdout, /Current schema version:\s+\d+/);
    const frozen = await lab.masq('setup', '--log-level', 'debug');
    assert.match(frozen.stdout, /NOTE: no changes were made to the setup because the Node is currently running\./);
    assert.equal((await lab.masq('start')).stderr.trim(), 'Could not launch Node: already running (Code 8000_0000_0000_0003)');
  });

  test('passwords: set, check, change, and the wrong one refused', async () => {
    assert.equal((await lab.masq('check-password')).stdout.trim(), 'Password is correct');
    assert.equal((await lab.masq('set-password', 'first pass')).stdout.trim(), 'Database password has been changed');
    assert.equal((await lab.masq('check-password', 'first pass')).stdout.trim(), 'Password is correct');
    assert.equal((await lab.masq('check-password', 'nope')).stdout.trim(), 'Password is incorrect');
    const again = await lab.masq('set-password', 'other');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already has a password/);
    const wrong = await lab.masq('change-password', 'nope', 'second');
    assert.equal(wrong.code, 1);
    assert.ok(!hasStackTrace(wrong.stderr));
    assert.equal((await lab.masq('change-password', 'first pass', 'second pass')).code, 0);
    assert.equal((await lab.masq('check-password', 'second pass')).stdout.trim(), 'Password is correct');
    assert.equal((await lab.masq('check-password', 'first pass')).stdout.trim(), 'Password is incorrect');
    const conf = await lab.masq('configuration', 'second pass');
    assert.match(conf.stdout, /Past neighbors:\s+\[None\]/);
  });

  test('malformed UI messages get unmarshal errors; unknown opcodes get an answer', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${lab.uiPort}`, 'MASQNode-UIv2');
    await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
    const next = () => new Promise<string>((r) => ws.once('message', (d) => r(d.toString())));
    ws.send('{not json');
    assert.match(await next(), /^\{"opcode":"unmarshalError","payload":\{"message":"Couldn't parse text as JSON/);
    ws.send('{"opcode":"changePassword","contextId":5,"payload":{"newPassword":7}}');
    assert.equal(await next(), '{"opcode":"changePassword","contextId":5,"error":{"code":9223372036854775812,"message":"Field \'newPassword\' must be of type string"}}');
    ws.send('{"opcode":"frobnicate","contextId":6,"payload":{}}');
    const redirect = JSON.parse(await next()) as { opcode: string; payload: { port: number; contextId: number } };
    assert.equal(redirect.opcode, 'redirect');
    assert.equal(redirect.payload.contextId, 6);
    ws.close();
    const node = new WebSocket(`ws://127.0.0.1:${redirect.payload.port}`, 'MASQNode-UIv2');
    await new Promise((r, j) => { node.once('open', r); node.once('error', j); });
    node.send('{"opcode":"frobnicate","contextId":6,"payload":{}}');
    const answer = await new Promise<string>((r) => node.once('message', (d) => r(d.toString())));
    assert.match(answer, /"error":\{"code":9223372036854775812,"message":"This Node does not understand the opcode 'frobnicate'"/);
    node.close();
    const refused = await new Promise<number>((r) => {
      const bad = new WebSocket(`ws://127.0.0.1:${lab.uiPort}`, 'some-other-protocol');
      bad.once('unexpected-response', (_q, res) => r(res.statusCode ?? 0));
      bad.once('error', () => r(-1));
    });
    assert.equal(refused, 400);
  });

  test('shutdown stops the Node, and the Daemon accepts setup again', async () => {
    const r = await lab.masq('shutdown');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'MASQNode was instructed to shut down and has broken its connection');
    await waitFor('the Node to log its stop', () => /MASQ Node stopped/.test(lab.daemon.output()));
    const s = await lab.masq('setup', '--log-level', 'debug');
    assert.match(s.stdout, /log-level\s+debug\s+Set/);
    const gone = await curl('-x', `http://127.0.0.1:${lab.proxyPort}`, `http://127.0.0.1:${webPort}/`);
    assert.notEqual(gone.code, 0, 'the proxy is closed');
  });

  test('the store keeps what was set across a restart; the wrong password stops the start', async () => {
    await lab.masq('setup', '--db-password', 'wrong one');
    const bad = await lab.masq('start');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /died immediately.*password/i);
    await lab.masq('setup', '--db-password', 'second pass');
    assert.equal((await lab.masq('start')).code, 0);
    assert.equal((await lab.masq('check-password', 'second pass')).stdout.trim(), 'Password is correct');
    assert.ok(!lab.daemon.output().includes('second pass'), 'the password never reaches a log line');
    assert.equal((await lab.masq('shutdown')).code, 0);
  });
});

describe('configuration priority from real environment variables and a real config.toml', () => {
  test('setup beats environment beats config file beats defaults', async () => {
    const lab = await startDaemon({ MASQ_LOG_LEVEL: 'info', MASQ_MIN_HOPS: '2', MASQ_GAS_PRICE: '4' });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(lab.dataDir, { recursive: true });
    writeFileSync(join(lab.dataDir, 'config.toml'), 'log-level = "error"\nmin-hops = 5\nscan-intervals = "60|60|60"\nrate-pack = "1|2|3|4"\n');
    const r = await lab.masq('setup', '--log-level', 'debug', '--rate-pack', '5|6|7|8');
    assert.match(r.stdout, /log-level\s+debug\s+Set/, 'setup over env and file');
    assert.match(r.stdout, /rate-pack\s+5\|6\|7\|8\s+Set/, 'setup over file');
    assert.match(r.stdout, /gas-price\s+4\s+Configured/, 'env over default');
    assert.match(r.stdout, /min-hops\s+2\s+Configured/, 'env over file');
    assert.match(r.stdout, /scan-intervals\s+60\|60\|60\s+Configured/, 'file over default');
    assert.match(r.stdout, /scans\s+on\s+Default/, 'default when nothing else');
    writeFileSync(join(lab.dataDir, 'config.toml'), 'log-level = [1, 2]\n');
    const broken = await lab.masq('setup');
    assert.match(broken.stdout, /ERRORS:\nconfig-file\s+.*config\.toml: 'log-level' must be a plain value/);
    writeFileSync(join(lab.dataDir, 'config.toml'), 'no-such-thing = 1\n');
    assert.match((await lab.masq('setup')).stdout, /unknown parameter 'no-such-thing'/);
    const bad = await lab.masq('setup', '--min-hops', '12', '--nonsense', 'x');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Unknown parameter '--nonsense'[\s\S]*Usage: masq setup/);
    const badValue = await lab.masq('setup', '--min-hops', '12');
    assert.match(badValue.stdout, /ERRORS:\nmin-hops\s+min-hops must be between 1 and 6, not 12/);
    assert.match(badValue.stdout, /min-hops\s+2\s+Configured/);
  });
});

describe('masq on its own', () => {
  test('a Daemon that is not running gives one clear sentence', async () => {
    const port = await freePort();
    const r = await run(MASQ, ['--ui-port', String(port), 'setup']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Can't connect to Daemon or Node \(.*\) on port \d+\. Probably this means the Daemon isn't running\./);
    assert.ok(!hasStackTrace(r.stderr));
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  test('wrong arguments print the usage of that command and exit non-zero', async () => {
    for (const args of [['check-password', 'a', 'b'], ['start', 'now'], ['change-password', 'only-one'], ['set-password']]) {
      const r = await run(MASQ, args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, new RegExp(`Usage: masq ${args[0]}`));
    }
    const u = await run(MASQ, ['frobnicate']);
    assert.equal(u.code, 1);
    assert.match(u.stderr, /Unrecognized command: 'frobnicate'/);
  });

  test('version and help need no Daemon', async () => {
    assert.match((await run(MASQ, ['version'])).stdout, /^masq \d+\.\d+\.\d+/);
    const h = await run(MASQ, ['help']);
    for (const c of ['setup', 'start', 'shutdown', 'descriptor', 'connection-status', 'configuration', 'set-password', 'change-password', 'check-password', 'version', 'help', 'exit']) {
      assert.match(h.stdout, new RegExp(`^  ${c} `, 'm'));
    }
  });
});

describe('the Node started directly', () => {
  test('bad parameters give "Configuration error" lines and exit code 1', async () => {
    const dir = sandbox.tempDir();
    const r = await run(MASQ_NODE, ['--neighborhood-mode', 'zero-hop', '--data-directory', dir, '--log-level', 'banana', '--min-hops', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Configuration error$/m);
    assert.match(r.stderr, /^min-hops - min-hops must be between 1 and 6, not 0/m);
    assert.match(r.stderr, /log-level - must be one of off, error, warn, info, debug, trace; 'banana' is not/);
    const s = await run(MASQ_NODE, ['--data-directory', dir]);
    assert.equal(s.code, 1);
    assert.match(s.stderr, /blockchain-service-url - The following required argument was not provided: --blockchain-service-url/);
    assert.ok(!hasStackTrace(r.stderr + s.stderr));
    const [ui, taken] = [await freePort(), await freePort()];
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(taken, '127.0.0.1', r));
    try {
      const busy = await run(MASQ_NODE, ['--neighborhood-mode', 'zero-hop', '--data-directory', dir, '--ui-port', String(ui), '--proxy-port', String(taken)]);
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, new RegExp(`^proxy-port - .*${taken}.*already in use`, 'm'));
      const uiBusy = await run(MASQ_NODE, ['--neighborhood-mode', 'zero-hop', '--data-directory', dir, '--ui-port', String(taken)]);
      assert.match(uiBusy.stderr, /^ui-port - There appears to be a process already listening on port/m);
      const elsewhere = await run(MASQ_NODE, ['--neighborhood-mode', 'zero-hop', '--data-directory', dir, '--ui-port', String(ui), '--proxy-address', '203.0.113.7']);
      assert.equal(elsewhere.code, 1);
      assert.match(elsewhere.stderr, /^proxy-address - .*203\.0\.113\.7 is not an address of this machine/m);
      assert.ok(!hasStackTrace(busy.stderr + uiBusy.stderr + elsewhere.stderr));
    } finally {
      blocker.close();
    }
    const u = await run(MASQ_NODE, ['--frob', '1']);
    assert.match(u.stderr, /Unknown parameter '--frob'/);
    assert.equal(u.code, 1);
  });

  test('SIGTERM stops it cleanly with exit code 0 and the store stays usable', async () => {
    const dir = sandbox.tempDir();
    const [ui, proxy] = [await freePort(), await freePort()];
    const node = sandbox.spawn(MASQ_NODE, ['--neighborhood-mode', 'zero-hop', '--data-directory', dir, '--ui-port', String(ui), '--proxy-port', String(proxy), '--log-level', 'info', '--db-password', 'pw']);
    await waitFor('ready', () => node.output().includes('MASQ Node ready'));
    node.child.kill('SIGTERM');
    const exit = await node.exited;
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.match(node.output(), /Shutting down \(signal SIGTERM\)/);
    assert.ok(!node.output().includes(' pw'), 'no password in the log');
    assert.ok(existsSync(join(dir, 'base-mainnet', 'node-data.mdb')));
    const again = sandbox.spawn(MASQ_NODE, ['--neighborhood-mode', 'zero-hop', '--data-directory', dir, '--ui-port', String(ui), '--proxy-port', String(proxy), '--db-password', 'not pw']);
    const e2 = await again.exited;
    assert.equal(e2.code, 1);
    assert.match(again.output(), /Configuration error\ndb-password - /);
  });
});
