// Interactive masq in a real terminal (tmux): prompt, commands, redirect, broadcasts as they arrive, history.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MASQ, Sandbox, run, waitFor } from '../helpers/processes.js';
import { startDaemon } from '../helpers/lab.js';

const sandbox = new Sandbox();
const socket = `masq-test-${process.pid}`;
const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
after(async () => {
  await tmux('kill-server');
  await sandbox.cleanup();
});

async function screen(): Promise<string> {
  return (await tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'masq')).stdout;
}

async function type(line: string): Promise<void> {
  await tmux('send-keys', '-t', 'masq', '-l', line);
  await tmux('send-keys', '-t', 'masq', 'Enter');
}

test('an interactive session: setup broadcast, start, redirect, crashed broadcast, history without secrets, exit', async () => {
  const lab = await startDaemon(sandbox);
  const started = await tmux('new-session', '-d', '-s', 'masq', '-x', '220', '-y', '60', `env HOME=${lab.home} ${MASQ} --ui-port ${lab.uiPort}; sleep 30`);
  assert.equal(started.code, 0, started.stderr);
  await waitFor('the prompt', async () => (await screen()).includes('masq> '));

  await type('setup --log-level info');
  await waitFor('the setup table', async () => /log-level\s+info\s+Set/.test(await screen()));

  // Another UI changes the setup: this session hears about it at once.
  assert.equal((await lab.masq('setup', '--log-level', 'debug')).code, 0);
  await waitFor('the setup broadcast', async () => (await screen()).includes('Daemon setup has changed:'));

  await type('start');
  const pid = Number((await waitFor('the start message', async () => /started in process (\d+)/.exec(await screen()) ?? undefined))[1]);
  assert.ok(pid > 0);

  await type('descriptor');
  await waitFor('the redirected answer', async () => (await screen()).includes('Node descriptor is not yet available; try again later'));

  await type('check-password topsecret');
  await waitFor('the password answer', async () => (await screen()).includes('Password is incorrect'));

  await type('frobnicate');
  await waitFor('the unknown-command message', async () => (await screen()).includes("Unrecognized command: 'frobnicate'"));

  process.kill(pid, 'SIGKILL');
  await waitFor('the crashed broadcast', async () => (await screen()).includes(`The Node running as process ${pid} terminated`))
    .catch(async (e: Error) => { throw new Error(`${e.message}; screen:\n${await screen()}\nDaemon:\n${lab.daemon.output()}`); });
  assert.ok((await screen()).includes('The Daemon is once more accepting setup changes.'));

  await type('setup --log-level warn');
  await waitFor('setup works again (fallback to the Daemon)', async () => /log-level\s+warn\s+Set/.test(await screen()));

  const history = readFileSync(join(lab.home, '.masq_history'), 'utf8');
  assert.match(history, /^descriptor$/m);
  assert.ok(!history.includes('topsecret'), 'lines with passwords stay out of the history file');

  await type('exit');
  await waitFor('masq to exit', async () => !(await screen()).trimEnd().endsWith('masq>'));
});
