import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { keepInHistory, tokenize } from '../../src/cli/line.js';
import { broadcast, configurationDump, crashed, setupTable, unrecognized } from '../../src/cli/format.js';
import { COMMANDS, runCommand } from '../../src/cli/commands.js';
import type { CommandIo } from '../../src/cli/command.js';

test('tokenize: blanks split, quotes group', () => {
  assert.deepEqual(tokenize('  setup --neighbors "a b"  --x \'c d\' e'), ['setup', '--neighbors', 'a b', '--x', 'c d', 'e']);
  assert.deepEqual(tokenize(''), []);
});

test('fuzz: tokenize never throws and never yields blanks outside quotes', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
    const words = tokenize(s);
    assert.ok(words.length <= s.length);
  }), { numRuns: 3000, seed: 19 });
});

test('history keeps ordinary lines and drops every line with a secret', () => {
  assert.equal(keepInHistory(['setup', '--log-level', 'info']), true);
  assert.equal(keepInHistory(['configuration']), true);
  assert.equal(keepInHistory(['configuration', 'pw']), false);
  assert.equal(keepInHistory(['set-password', 'pw']), false);
  assert.equal(keepInHistory(['setup', '--db-password', 'pw']), false);
  assert.equal(keepInHistory(['setup', '--consuming-private-key=ab']), false);
});

test('setup table: MASQ column widths, errors and notes', () => {
  const t = setupTable({ running: true, values: [{ name: 'chain', value: 'dev', status: 'Set' }], errors: [['ip', 'bad']] });
  const lines = t.split('\n');
  assert.equal(lines[0], `NAME${' '.repeat(26)}VALUE${' '.repeat(60)}STATUS`);
  assert.equal(lines[1], `chain${' '.repeat(25)}dev${' '.repeat(62)}Set`);
  assert.ok(t.includes('ERRORS:\nip'));
  assert.ok(t.includes('NOTE: no changes were made to the setup because the Node is currently running.'));
  assert.ok(t.includes('NOTE: your data directory was modified to match the chain parameter.'));
});

test('configuration dump shows placeholders for what is missing', () => {
  const d = configurationDump({ chainName: 'dev', gasPrice: 1, ratePack: { routingByteRate: 1 }, linkMask: 'tls' });
  assert.match(d, /Chain:\s+dev/);
  assert.match(d, /Link mask:\s+tls/);
  assert.match(d, /Max block count:\s+\[Unlimited\]/);
  assert.match(d, /Start block:\s+\[Latest\]/);
  assert.match(d, /Past neighbors:\s+\[\?\]/);
  assert.match(d, /routing byte rate:\s+1 wei/);
});

test('broadcast texts as masq prints them', () => {
  assert.equal(crashed({ processId: 7, crashReason: 'NoInformation' }), 'The Node running as process 7 terminated.\nThe Daemon is once more accepting setup changes.');
  assert.match(crashed({ processId: 7, crashReason: { Unrecognized: 'boom' } }), /terminated:\n------\nboom\n------/);
  assert.equal(broadcast({ opcode: 'newPassword', payload: {} }).text, "The Node's database password has changed.");
  assert.deepEqual(unrecognized('weird'), { text: "Discarding unrecognized broadcast with opcode 'weird'", stderr: true });
});

test('every command has usage and help; wrong arguments give its usage and exit 1', async () => {
  const errs: string[] = [];
  const io: CommandIo = {
    client: async () => { throw new Error('must not connect for a usage error'); },
    out: () => undefined,
    err: (t) => errs.push(t),
    nodeAnswers: async () => false,
  };
  for (const c of COMMANDS) assert.ok(c.usage.startsWith(c.name) && c.help.length > 10, c.name);
  assert.equal(await runCommand('check-password', ['a', 'b'], io), 1);
  assert.match(errs.join('\n'), /Usage: masq check-password \[<db-password>\]/);
  assert.equal(await runCommand('setup', ['--bogus', '1'], io), 1);
  assert.match(errs.join('\n'), /Unknown parameter '--bogus'/);
});
