// masq ssh-access: what it asks the Daemon and what it prints; a private key given by mistake stops before it is sent.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sshAccessText } from '../../src/cli/box-commands.js';
import { runCommand } from '../../src/cli/commands.js';
import { parseAuthorizedKey } from '../../src/ssh-keys/index.js';
import { Sandbox } from '../helpers/processes.js';
import { type KeygenKind, type MadeKey, makeKeys } from '../helpers/ssh-keys.js';
import { scriptedIo as io } from '../helpers/cli-io.js';

const sandbox = new Sandbox();
let keys: Record<KeygenKind, MadeKey>;
let dir = '';
before(() => {
  dir = sandbox.tempDir('masq-ssh-cli-');
  keys = makeKeys(dir);
});
after(() => sandbox.cleanup());


const NONE = { user: 'owner', keys: [], applied: 'none' };

test('masq ssh-access shows the login; --add-key sends the lines of a .pub file, --remove a fingerprint, --user a name', async () => {
  const h = io(NONE);
  assert.equal(await runCommand('ssh-access', [], h.cio), 0);
  assert.deepEqual(h.asked, [['sshAccess', {}]]);
  assert.match(h.out[0] ?? '', /^Login: owner\nNo key opens it yet/);
  const pub = join(dir, 'two.pub');
  writeFileSync(pub, `# two keys\n${keys.ed25519.line}\n\n${keys['rsa-2048'].line}\n`);
  const a = io(NONE);
  assert.equal(await runCommand('ssh-access', ['--add-key', pub, '--user', 'me'], a.cio), 0);
  assert.deepEqual(a.asked, [['setSshKeys', { add: [keys.ed25519.line, keys['rsa-2048'].line], user: 'me' }]]);
  const r = io(NONE);
  assert.equal(await runCommand('ssh-access', ['--remove', 'SHA256:abc'], r.cio), 0);
  assert.deepEqual(r.asked, [['setSshKeys', { remove: ['SHA256:abc'] }]]);
});

test('a private key, a missing file or a wrong flag stops masq ssh-access before it asks anything', async () => {
  for (const [args, words] of [
    [['--add-key', keys.ed25519.privateFile], /This is a private key: paste the line from id_ed25519\.pub/],
    [['--add-key', join(dir, 'nothing.pub')], /Cannot read .*nothing\.pub \(ENOENT\)/],
    [['--key', 'x'], /Unexpected argument '--key'[\s\S]*Usage: masq ssh-access/],
  ] as const) {
    const h = io(NONE);
    assert.equal(await runCommand('ssh-access', [...args], h.cio), 1, args.join(' '));
    assert.match(h.err.join('\n'), words);
    assert.equal(h.asked.length, 0);
  }
});

test('the text: the login, the ssh command, the keys and the state, and plainly what a key gives', () => {
  const k = parseAuthorizedKey(keys.ed25519.line);
  const text = sshAccessText({ user: 'owner', keys: [{ ...k }], applied: 'applied', message: 'The login owner opens with one key.' }, 'masq-7f3a.local');
  assert.match(text, /^Login: owner\n {2}ssh owner@masq-7f3a\.local\nKeys \(1\):\n {2}ED25519 256 +SHA256:\S+ {2}you@ed25519\n/);
  assert.match(text, /root on this box/);
  assert.match(text, /State: applied\. The login owner opens with one key\./);
  assert.ok(!text.includes(keys.ed25519.line.split(' ')[1] as string), 'never the key\'s data');
  assert.match(sshAccessText({ user: 'owner', keys: [], applied: 'pending', message: 'soon' }), /State: being applied\. soon/);
});
