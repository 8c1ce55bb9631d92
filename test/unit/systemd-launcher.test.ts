// The Daemon under systemd: the Node's environment file and the systemctl/journalctl conversation, with a
// scripted stand-in for both commands.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { argsToEnvironment, envFileLine, formatEnvironmentFile } from '../../src/daemon/env-file.js';
import { type RunCommand, SystemdLauncher, exitFromShow, parseShow, unitEnded } from '../../src/daemon/systemd-launcher.js';
import { MasqError } from '../../src/system/errors.js';
import { Sandbox } from '../helpers/processes.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());

test('environment-file lines quote spaces, quotes, backslashes, backticks and dollars, and refuse line breaks', () => {
  assert.equal(envFileLine('MASQ_DB_PASSWORD', 'plain'), 'MASQ_DB_PASSWORD="plain"');
  assert.equal(envFileLine('MASQ_DB_PASSWORD', 'two words'), 'MASQ_DB_PASSWORD="two words"');
  assert.equal(envFileLine('MASQ_DB_PASSWORD', `a"b'c\\d\`e$f`), 'MASQ_DB_PASSWORD="a\\"b\'c\\\\d\\`e\\$f"');
  assert.equal(envFileLine('MASQ_DB_PASSWORD', ''), 'MASQ_DB_PASSWORD=""');
  for (const bad of ['a\nb', 'a\rb', 'a\0b']) assert.throws(() => envFileLine('MASQ_DB_PASSWORD', bad), (e) => e instanceof MasqError && e.code === 'LAUNCH');
  assert.throws(() => envFileLine('not a name', 'x'), MasqError);
  assert.equal(formatEnvironmentFile({ A: '1', B: 'x y' }), 'A="1"\nB="x y"\n');
  assert.equal(formatEnvironmentFile({}), '');
});

test('the Node\'s command line becomes MASQ_* variables', () => {
  assert.deepEqual(argsToEnvironment(['--data-directory', '/var/lib/masq/dev', '--ui-port', '40000']), { MASQ_DATA_DIRECTORY: '/var/lib/masq/dev', MASQ_UI_PORT: '40000' });
  assert.throws(() => argsToEnvironment(['--frob', '1']), MasqError);
  assert.throws(() => argsToEnvironment(['--ui-port']), MasqError);
});

test('systemctl show is read as an end, an exit code or a signal', () => {
  const p = parseShow('ActiveState=failed\nExecMainCode=1\nExecMainStatus=3\nStatusText=a=b\n');
  assert.equal(p.StatusText, 'a=b');
  assert.equal(unitEnded(p), true);
  assert.equal(unitEnded({ ActiveState: 'activating' }), false, 'auto-restart is not an end');
  assert.equal(unitEnded({ ActiveState: 'active' }), false);
  assert.deepEqual(exitFromShow(p, 'boom'), { code: 3, signal: null, stderrTail: 'boom' });
  assert.deepEqual(exitFromShow({ ExecMainCode: '2', ExecMainStatus: '9' }, ''), { code: null, signal: 'SIGKILL', stderrTail: '' });
});

/** systemctl and journalctl as a script: answers by subcommand, records every call. */
function scripted(answers: Record<string, Array<{ code: number; output: string }>>): { run: RunCommand; calls: string[] } {
  const calls: string[] = [];
  const run: RunCommand = async (cmd, args) => {
    const key = cmd === 'journalctl' ? cmd : `${cmd} ${args[0] ?? ''}`;
    calls.push(`${cmd} ${args.join(' ')}`);
    const list = answers[key] ?? [];
    return (list.length > 1 ? list.shift() : list[0]) ?? { code: 0, output: '' };
  };
  return { run, calls };
}

test('launch writes node.env (0600) atomically, starts the unit, reports its pid, end and last words', async () => {
  const dir = sandbox.tempDir();
  const s = scripted({
    'systemctl show': [
      { code: 0, output: 'MainPID=4711' },
      { code: 0, output: 'ActiveState=active' },
      { code: 0, output: 'ActiveState=failed\nExecMainCode=1\nExecMainStatus=1' },
    ],
    journalctl: [{ code: 0, output: 'Configuration error\nclandestine-port - taken' }],
  });
  const launcher = new SystemdLauncher({ runtimeDirectory: dir, run: s.run, pollMs: 5 });
  const node = await launcher.launch(['--data-directory', '/var/lib/masq/dev', '--ui-port', '40000'], { MASQ_DB_PASSWORD: 'pw "x"' });
  const file = join(dir, 'node.env');
  assert.equal(readFileSync(file, 'utf8'), 'MASQ_DATA_DIRECTORY="/var/lib/masq/dev"\nMASQ_UI_PORT="40000"\nMASQ_DB_PASSWORD="pw \\"x\\""\n');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(node.pid, 4711);
  assert.deepEqual(await node.exited, { code: 1, signal: null, stderrTail: 'Configuration error\nclandestine-port - taken' });
  assert.deepEqual(s.calls.slice(0, 3), ['systemctl reset-failed masq-node.service', 'systemctl start masq-node.service', 'systemctl show -p MainPID masq-node.service']);
  assert.ok(s.calls.includes('journalctl -u masq-node.service -n 20 -o cat --no-pager'));
});

test('the start is given as long as the unit\'s TimeoutStartSec, so a slow start is not taken for a failed one', async () => {
  const timeouts: number[] = [];
  const s = scripted({ 'systemctl show': [{ code: 0, output: 'MainPID=4711' }, { code: 0, output: 'ActiveState=inactive' }] });
  const run: RunCommand = async (cmd, args, timeoutMs) => {
    if (args[0] === 'start') timeouts.push(timeoutMs);
    return s.run(cmd, args, timeoutMs);
  };
  const launcher = new SystemdLauncher({ runtimeDirectory: sandbox.tempDir(), run, pollMs: 5 });
  await (await launcher.launch(['--data-directory', '/var/lib/masq/dev'], {})).exited;
  const unit = /^TimeoutStartSec=(\d+)s$/m.exec(readFileSync(join(import.meta.dirname, '..', '..', 'systemd', 'masq-node.service'), 'utf8'))?.[1];
  assert.ok(unit, 'masq-node.service states its TimeoutStartSec');
  assert.ok((timeouts[0] ?? 0) > Number(unit) * 1000, `systemctl start may run ${timeouts[0]} ms, the unit ${unit} s`);
});

test('a start systemd refuses is a Node that died at once, with the journal as its reason', async () => {
  const s = scripted({
    'systemctl start': [{ code: 1, output: 'Job for masq-node.service failed.' }],
    'systemctl show': [{ code: 0, output: 'MainPID=0\nExecMainCode=1\nExecMainStatus=1' }],
    journalctl: [{ code: 0, output: 'data-directory - cannot open' }],
  });
  const node = await new SystemdLauncher({ runtimeDirectory: sandbox.tempDir(), run: s.run }).launch([], {});
  assert.deepEqual(await node.exited, { code: 1, signal: null, stderrTail: 'data-directory - cannot open' });
});

test('stop is systemctl stop and waits for the unit to end; a data directory outside /var/lib/masq is refused first', async () => {
  const calls: string[] = [];
  let stopped = false;
  const run: RunCommand = async (cmd, args) => {
    calls.push(`${cmd} ${args.join(' ')}`);
    if (args[0] === 'stop') stopped = true;
    if (args[0] !== 'show') return { code: 0, output: '' };
    return { code: 0, output: args[2] === 'MainPID' ? 'MainPID=5' : stopped ? 'ActiveState=inactive\nExecMainCode=1\nExecMainStatus=0' : 'ActiveState=active' };
  };
  const launcher = new SystemdLauncher({ runtimeDirectory: sandbox.tempDir(), run, pollMs: 5 });
  await assert.rejects(launcher.launch(['--data-directory', '/home/u/.local/share/MASQ/dev'], {}), /Under systemd the Node keeps its data in \/var\/lib\/masq/);
  assert.equal(calls.length, 0, 'nothing is written or started');
  const node = await launcher.launch(['--data-directory', '/var/lib/masq/dev'], {});
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(calls.filter((c) => c.startsWith('systemctl show -p ActiveState')).length > 1, true, 'the running unit is polled');
  await node.stop(1000);
  assert.deepEqual((await node.exited).code, 0);
  assert.ok(calls.includes('systemctl stop masq-node.service'));
});
