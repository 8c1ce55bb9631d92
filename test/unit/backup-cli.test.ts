// masq backup and masq restore with a fake Node (the UI client is the boundary), real files, and the password
// prompts over real streams: a pipe, a terminal in raw mode, and interactive masq's readline.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { runCommand } from '../../src/cli/commands.js';
import type { CommandIo } from '../../src/cli/command.js';
import { MutableOutput, readlineSecrets, streamSecrets } from '../../src/cli/secret-input.js';
import type { UiClient } from '../../src/ui/client.js';
import { Sandbox } from '../helpers/processes.js';

const sandbox = new Sandbox();
after(() => sandbox.cleanup());

const FILE_TEXT = 'masq-backup v1\nAAAA\n';

/** A fake Node answering every request with `answer`; passwords come from `typed`, in order. */
function fakeIo(answer: Record<string, unknown>, typed: string[]): { io: CommandIo; sent: Array<[string, Record<string, unknown>]>; out: string[]; err: string[]; prompts: string[] } {
  const sent: Array<[string, Record<string, unknown>]> = [];
  const out: string[] = [];
  const err: string[] = [];
  const prompts: string[] = [];
  const client = { request: async (opcode: string, payload: Record<string, unknown> = {}) => { sent.push([opcode, payload]); return answer; } } as unknown as UiClient;
  const io: CommandIo = {
    client: async () => client, out: (t) => out.push(t), err: (t) => err.push(t), nodeAnswers: async () => false,
    readSecret: async (prompt) => {
      prompts.push(prompt);
      return typed.shift() ?? '';
    },
  };
  return { io, sent, out, err, prompts };
}

test('backup asks for the database password and the new backup password twice, and writes a new file only it can read', async () => {
  const file = join(sandbox.tempDir(), 'node.masq-backup');
  const f = fakeIo({ file: FILE_TEXT }, ['db pw', 'backup password', 'backup password']);
  assert.equal(await runCommand('backup', [file], f.io), 0, f.err.join('\n'));
  assert.deepEqual(f.sent, [['exportBackup', { dbPassword: 'db pw', backupPassword: 'backup password' }]]);
  assert.deepEqual(f.prompts, ['Database password: ', 'New backup password: ', 'The same backup password again: ']);
  assert.equal(readFileSync(file, 'utf8'), FILE_TEXT);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(f.out.join('\n'), /Backup saved in .*node\.masq-backup/);

  const twice = fakeIo({ file: 'other' }, ['db pw', 'backup password', 'backup password']);
  assert.equal(await runCommand('backup', [file], twice.io), 1);
  assert.match(twice.err.join('\n'), /exists already; a backup never overwrites a file/);
  assert.equal(readFileSync(file, 'utf8'), FILE_TEXT);
});

test('backup refuses differing or short backup passwords before asking the Node', async () => {
  const file = join(sandbox.tempDir(), 'b');
  for (const [typed, why] of [[['pw', 'backup password', 'backup passw0rd'], /differ; nothing was saved/], [['pw', 'short'], /8 to 1024 characters/]] as const) {
    const f = fakeIo({ file: FILE_TEXT }, [...typed]);
    assert.equal(await runCommand('backup', [file], f.io), 1);
    assert.match(f.err.join('\n'), why);
    assert.deepEqual(f.sent, []);
    assert.equal(existsSync(file), false);
  }
  const f = fakeIo({}, []);
  assert.equal(await runCommand('backup', [], f.io), 1);
  assert.match(f.err.join('\n'), /Usage: masq backup <file>/);
});

test('restore sends the file, and prints the settings as the masq setup line to give while the Node is stopped', async () => {
  const file = join(sandbox.tempDir(), 'b');
  writeFileSync(file, FILE_TEXT);
  const settings = [{ name: 'chain', value: 'dev' }, { name: 'blockchain-service-url', value: 'https://rpc.example/v1?key=a&b=c' }, { name: 'min-hops', value: '3' }, { name: 'rate-pack', value: '1|2|3|4' }];
  const f = fakeIo({ settings, nodeKeyChanged: true }, ['db pw', 'backup pw']);
  assert.equal(await runCommand('restore', [file], f.io), 0, f.err.join('\n'));
  assert.deepEqual(f.sent, [['importBackup', { dbPassword: 'db pw', backupPassword: 'backup pw', file: FILE_TEXT }]]);
  const text = f.out.join('\n');
  assert.match(text, /takes effect when the Node next starts/);
  assert.match(text, /\n {2}masq shutdown\n {2}masq setup --chain dev --blockchain-service-url 'https:\/\/rpc\.example\/v1\?key=a&b=c' --min-hops 3 --rate-pack '1\|2\|3\|4'\n {2}masq start$/);

  const missing = fakeIo({}, []);
  assert.equal(await runCommand('restore', [join(file, 'nope')], missing.io), 1);
  assert.match(missing.err.join('\n'), /Cannot read .*nope \(ENOTDIR\)/);
  assert.deepEqual(missing.prompts, [], 'no password is asked for a file that cannot be read');
  const big = join(sandbox.tempDir(), 'big');
  writeFileSync(big, 'x'.repeat(200_000));
  const tooBig = fakeIo({}, []);
  assert.equal(await runCommand('restore', [big], tooBig.io), 1);
  assert.match(tooBig.err.join('\n'), /too large to be a masq-pi backup file/);
});

test('piped passwords: one per line, CRLF split across chunks, a last line without newline, then no more', async () => {
  const input = new PassThrough();
  const prompts = new PassThrough();
  const read = streamSecrets(input, prompts);
  input.write('first\r');
  const first = read('1: ');
  assert.equal(await first, 'first');
  input.write('\nsecond\nthird\nla');
  assert.equal(await read('2: '), 'second');
  assert.equal(await read('3: '), 'third');
  const last = read('4: ');
  input.end('st');
  assert.equal(await last, 'last');
  await assert.rejects(read('5: '), /Cancelled: no password was given/);
  assert.equal(prompts.read().toString(), '1: \n2: \n3: \n4: \n5: \n');
});

test('a terminal: raw mode while typing, nothing echoed, backspace edits, Ctrl-C cancels', async () => {
  const input = Object.assign(new PassThrough(), { isTTY: true, raw: [] as boolean[], setRawMode(on: boolean) { this.raw.push(on); } });
  const shown = new PassThrough();
  const read = streamSecrets(input, shown);
  const typed = read('Password: ');
  input.write('pa');
  input.write('sx\x7fs\r');
  assert.equal(await typed, 'pass');
  assert.deepEqual(input.raw, [true, false]);
  const cancelled = read('Password: ');
  input.write('abc\x03');
  await assert.rejects(cancelled, /Cancelled/);
  assert.equal(shown.read().toString(), 'Password: \nPassword: \n', 'only the prompts');
});

test('interactive masq: the question is answered by its readline, muted, and kept out of its history', async () => {
  const input = new PassThrough();
  const screen = new PassThrough();
  const output = new MutableOutput(screen as unknown as NodeJS.WriteStream);
  const rl = createInterface({ input, output, prompt: 'masq> ', terminal: true, historySize: 10 });
  const history: string[][] = [];
  rl.on('history', (h: string[]) => history.push([...h]));
  try {
    const answer = readlineSecrets(rl, output)('Backup password: ');
    input.write('hunter22\r');
    assert.equal(await answer, 'hunter22');
    input.write('descriptor\r');
    await new Promise((r) => setImmediate(r));
    const shownText = screen.read()?.toString() ?? '';
    assert.match(shownText, /Backup password: /);
    assert.equal(shownText.includes('hunter22'), false, 'not echoed');
    assert.match(shownText, /descriptor/, 'echo is back for the next line');
    assert.deepEqual(history.at(-1), ['descriptor'], 'the password is not in the history');
  } finally {
    rl.close();
  }
});
