// Backup and restore as a user does it, with real processes on loopback: Node A (standard, with generated wallets)
// is backed up with masq backup; a fresh box, a Daemon with its Node B on an empty data directory and another
// database password, refuses the file under a wrong password without a change to its store, restores it, and
// after the printed masq shutdown / masq setup / masq start runs with A's descriptor and A's wallets. Then the
// password prompts in a real terminal (tmux), one-shot and interactive: nothing typed is shown or kept in history.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenize } from '../../src/cli/line.js';
import { openStore } from '../../src/store/index.js';
import { type Lab, startDaemon } from '../helpers/lab.js';
import { dumpStore } from '../helpers/store-dump.js';
import { MASQ, MASQ_NODE, Sandbox, freePort, hasStackTrace, run, waitFor } from '../helpers/processes.js';

const sandbox = new Sandbox();
const socket = `masq-backup-test-${process.pid}`;
const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
/** The fresh box's Daemon: its Node is a child the Daemon does not take down when it is killed, so stop it first. */
let box: Lab | undefined;
after(async () => {
  await box?.masq('shutdown');
  await tmux('kill-server');
  await sandbox.cleanup();
});

const COMMON = { MASQ_CHAIN: 'dev', MASQ_BLOCKCHAIN_SERVICE_URL: 'http://127.0.0.1:8545', MASQ_NEIGHBORHOOD_MODE: 'standard', MASQ_SCANS: 'off' };
const PASSWORD_A = 'database password of A';
const PASSWORD_B = 'database password of B';
const BACKUP_PASSWORD = 'the backup password';

const masq = (uiPort: number, args: string[], input?: string, env: NodeJS.ProcessEnv = {}) => run(MASQ, ['--ui-port', String(uiPort), ...args], env, 30_000, input);

/** The descriptor a Node's UI answers, once it has one. */
const descriptorOf = (uiPort: number, env: NodeJS.ProcessEnv = {}): Promise<string> =>
  waitFor('a descriptor', async () => (await masq(uiPort, ['descriptor'], undefined, env)).stdout.match(/masq:\/\/\S+/)?.[0], 20_000, 250);

test('a backup of Node A restored on a fresh box gives the same descriptor key, wallets and settings', { timeout: 180_000 }, async () => {
  const dir = sandbox.tempDir();
  const [uiA, proxyA, clandestineA] = [await freePort(), await freePort(), await freePort('0.0.0.0')];
  const dataA = join(dir, 'a');
  const a = sandbox.spawn(MASQ_NODE, [
    '--ip', '127.0.0.1', '--clandestine-port', String(clandestineA), '--ui-port', String(uiA), '--proxy-port', String(proxyA),
    '--data-directory', dataA, '--db-password', PASSWORD_A,
  ], COMMON);
  await waitFor('Node A ready', () => a.output().includes('MASQ Node ready'), 30_000);
  const made = await masq(uiA, ['generate-wallets', '--db-password', PASSWORD_A]);
  assert.equal(made.code, 0, made.stderr);
  const phrase = (/'(.+)'/.exec(made.stdout)?.[1] ?? '').split(' ');
  const consumingKey = /Private key of consuming wallet: (\S+)/.exec(made.stdout)?.[1] ?? '';
  assert.equal(phrase.length, 12);
  const addressesA = (await masq(uiA, ['wallet-addresses', PASSWORD_A])).stdout;
  const descriptorA = await descriptorOf(uiA);

  const file = join(dir, 'node.masq-backup');
  const mismatch = await masq(uiA, ['backup', file], `${PASSWORD_A}\n${BACKUP_PASSWORD}\nsomething else\n`);
  assert.equal(mismatch.code, 1);
  assert.match(mismatch.stderr, /differ; nothing was saved/);
  const saved = await masq(uiA, ['backup', file], `${PASSWORD_A}\n${BACKUP_PASSWORD}\n${BACKUP_PASSWORD}\n`);
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(saved.stdout, /Backup saved in/);
  assert.equal((await masq(uiA, ['shutdown'])).code, 0);
  await a.exited;

  // No secret of A in the file: not its node key, consuming key, phrase or database password.
  const text = readFileSync(file, 'utf8');
  const bytes = Buffer.from(text.split('\n').slice(1).join(''), 'base64');
  const storeA = await openStore({ dataDir: join(dataA, 'dev'), chain: 'dev' });
  await storeA.unlock(PASSWORD_A);
  const nodeKey = storeA.getSecret('last_cryptde') as string;
  await storeA.close();
  for (const s of [nodeKey, ...nodeKey.split(','), consumingKey, consumingKey.toLowerCase(), PASSWORD_A, phrase.join(' '), ...phrase.filter((w) => w.length >= 5)]) {
    assert.equal(text.includes(s) || bytes.includes(Buffer.from(s)), false, `the file holds no ${s.slice(0, 6)}…`);
  }
  for (const k of [...nodeKey.split(',').map((p) => Buffer.from(p, 'base64url')), Buffer.from(consumingKey, 'hex')]) assert.equal(bytes.includes(k), false);

  // The fresh box: a Daemon whose Node B starts on an empty data directory with its own password.
  const lab = await startDaemon(sandbox, { ...COMMON, MASQ_DATA_DIRECTORY: join(dir, 'b') });
  box = lab;
  const env = { HOME: lab.home };
  const [clandestineB, proxyB] = [await freePort('0.0.0.0'), await freePort()];
  const setup = await lab.masq('setup', '--db-password', PASSWORD_B, '--ip', '127.0.0.1', '--clandestine-port', String(clandestineB), '--proxy-port', String(proxyB));
  assert.equal(setup.code, 0, setup.stderr);
  assert.equal((await lab.masq('start')).code, 0);
  const descriptorB = await descriptorOf(lab.uiPort, env);
  assert.notEqual(descriptorB, descriptorA);
  const dataB = join(dir, 'b', 'dev');

  const before = await dumpStore(dataB);
  const wrong = await masq(lab.uiPort, ['restore', file], `${PASSWORD_B}\nnot the backup password\n`, env);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /The backup password is wrong, or the file was changed after it was saved/);
  assert.equal(hasStackTrace(wrong.stderr), false);
  assert.deepEqual(await dumpStore(dataB), before, 'a refused restore changes nothing in the store');

  const restored = await masq(lab.uiPort, ['restore', file], `${PASSWORD_B}\n${BACKUP_PASSWORD}\n`, env);
  assert.equal(restored.code, 0, restored.stderr);
  assert.match(restored.stdout, /takes effect when the Node next starts/);
  const setupLine = /^ {2}masq setup (.+)$/m.exec(restored.stdout)?.[1] ?? '';
  const settings = tokenize(setupLine);
  for (const [name, value] of [['--chain', 'dev'], ['--clandestine-port', String(clandestineA)], ['--ip', '127.0.0.1'], ['--neighborhood-mode', 'standard'], ['--proxy-port', String(proxyA)], ['--scans', 'off']]) {
    assert.equal(settings[settings.indexOf(name as string) + 1], value, `${name} in: ${setupLine}`);
  }
  for (const never of ['--db-password', '--data-directory', '--ui-port', '--new-public-key', '--consuming-private-key']) assert.equal(settings.includes(never), false, never);

  // As the restore said: stop the Node, give the settings to the Daemon, start it.
  assert.equal((await lab.masq('shutdown')).code, 0);
  await waitFor('the Daemon to see the Node stop', async () => !(await lab.masq('setup')).stdout.includes('currently running'), 15_000, 250);
  const applied = await lab.masq('setup', ...settings);
  assert.equal(applied.code, 0, applied.stderr);
  assert.equal((await lab.masq('start')).code, 0);
  assert.equal(await descriptorOf(lab.uiPort, env), descriptorA, "B runs with A's node key, address and port");
  assert.equal((await masq(lab.uiPort, ['wallet-addresses', PASSWORD_B], undefined, env)).stdout, addressesA, "and A's wallets, sealed with B's password");
  for (const log of [a.output(), lab.daemon.output()]) assert.equal(log.includes(BACKUP_PASSWORD), false, 'the backup password reaches no log');
});

test('in a terminal the passwords are asked for without echo, and interactive masq keeps them out of its history', { timeout: 60_000 }, async () => {
  const home = sandbox.tempDir();
  const ui = await freePort();
  const node = sandbox.spawn(MASQ_NODE, [
    '--neighborhood-mode', 'zero-hop', '--chain', 'dev', '--ui-port', String(ui), '--proxy-port', String(await freePort()),
    '--data-directory', join(home, 'data'), '--db-password', PASSWORD_A,
  ]);
  await waitFor('the Node ready', () => node.output().includes('MASQ Node ready'), 30_000);
  const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'masq')).stdout;
  const type = async (line: string): Promise<void> => {
    await tmux('send-keys', '-t', 'masq', '-l', line);
    await tmux('send-keys', '-t', 'masq', 'Enter');
  };
  const answer = async (prompt: string, line: string): Promise<void> => {
    await waitFor(`the prompt '${prompt}'`, async () => (await screen()).trimEnd().endsWith(prompt.trimEnd()));
    await type(line);
  };
  const oneShot = join(home, 'one-shot.masq-backup');
  const started = await tmux('new-session', '-d', '-s', 'masq', '-x', '200', '-y', '50', `env HOME=${home} ${MASQ} --ui-port ${ui} backup ${oneShot}; env HOME=${home} ${MASQ} --ui-port ${ui}; sleep 30`);
  assert.equal(started.code, 0, started.stderr);
  await answer('Database password:', PASSWORD_A);
  await answer('New backup password:', BACKUP_PASSWORD);
  await answer('The same backup password again:', BACKUP_PASSWORD);
  await waitFor('the one-shot backup', async () => (await screen()).includes('Backup saved in'));
  assert.ok(existsSync(oneShot));

  const interactive = join(home, 'interactive.masq-backup');
  await waitFor('the interactive prompt', async () => (await screen()).trimEnd().endsWith('masq>'));
  await type(`backup ${interactive}`);
  await answer('Database password:', PASSWORD_A);
  await answer('New backup password:', BACKUP_PASSWORD);
  await answer('The same backup password again:', BACKUP_PASSWORD);
  await waitFor('the interactive backup', async () => (await screen()).includes(`Backup saved in ${interactive}`));
  await type(`restore ${interactive}`);
  await answer('Database password of this Node:', PASSWORD_A);
  await answer('Backup password:', BACKUP_PASSWORD);
  await waitFor('the restore', async () => (await screen()).includes('The Node already runs with the restored node key.'));
  await type('descriptor');
  await waitFor('the next command', async () => (await screen()).includes('Node descriptor is not yet available'));

  const shown = await screen();
  for (const secret of [PASSWORD_A, BACKUP_PASSWORD]) assert.equal(shown.includes(secret), false, `the screen never shows '${secret}':\n${shown}`);
  const history = readFileSync(join(home, '.masq_history'), 'utf8');
  assert.match(history, /^restore /m);
  for (const secret of [PASSWORD_A, BACKUP_PASSWORD]) assert.equal(history.includes(secret), false);
  // Up arrow, twice: past 'descriptor' comes the restore command itself, not a password typed after it.
  await tmux('send-keys', '-t', 'masq', 'Up', 'Up');
  await waitFor('the history recalled', async () => (await screen()).trimEnd().endsWith(`masq> restore ${interactive}`));
  await tmux('send-keys', '-t', 'masq', 'C-u');
  await type('exit');
});
