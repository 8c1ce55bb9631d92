// The Daemon's ssh opcodes: refused unless root turned ssh-access-from-page on (and no UI can turn it on), the wanted
// access written whole to ssh-access.json, each change checked by the same rules the applier uses, the applier's
// status shown, and nothing of a key but its type, size, fingerprint and comment in any answer or log line.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from '../../src/daemon/daemon.js';
import type { LaunchedNode, Launcher } from '../../src/daemon/launcher.js';
import { SetupState } from '../../src/daemon/setup-state.js';
import type { SystemFile } from '../../src/daemon/ssh-desk.js';
import { DirectoryState } from '../../src/daemon/state-dir.js';
import type { Environment } from '../../src/config/resolve.js';
import { MAX_KEYS } from '../../src/ssh-keys/index.js';
import type { UiMessage } from '../../src/ui/envelope.js';
import { UI_ERRORS } from '../../src/ui/error-codes.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';
import { Sandbox } from '../helpers/processes.js';
import { type KeygenKind, keyLine, type MadeKey, makeKeys, wire } from '../helpers/ssh-keys.js';

const env: Environment = { role: 'daemon', home: '/home/u', systemResolvers: ['9.9.9.9'], stored: {} };
const ROOT_CONFIG = '/etc/masq/config.toml';
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000::/home/pi:/bin/bash\nowner2:x:1001:1001::/home/owner2:/bin/bash\n';
const GROUP = 'root:x:0:\nsudo:x:27:pi\nmasq-admin:x:995:\n';

const sandbox = new Sandbox();
let keys: Record<KeygenKind, MadeKey>;
before(() => { keys = makeKeys(sandbox.tempDir('masq-ssh-keys-')); });
after(() => sandbox.cleanup());

const noLauncher: Launcher = { launch: (): LaunchedNode => { throw new Error('no Node in these tests'); } };

interface Options { env?: Record<string, string>; files?: Record<string, Record<string, string>>; system?: Partial<Record<SystemFile, string>>; dir?: string }

function harness(t: { after(fn: () => void): void }, o: Options = {}) {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'masq-daemon-ssh-'));
  if (!o.dir) t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  const log = createLogger(createLogCore('trace', { write: (l) => lines.push(l) }), 'test');
  const system: Partial<Record<SystemFile, string>> = { passwd: PASSWD, group: GROUP, ...o.system };
  const setup = new SetupState(env, { 'config-file': ROOT_CONFIG, ...o.env }, {
    readConfigFile: (path) => o.files?.[path] ?? {},
    readStoredRows: async () => ({}),
  });
  const daemon = new Daemon({
    setup, launcher: noLauncher, log, state: new DirectoryState(dir), broadcast: () => undefined,
    findFreePort: async () => 40000, waitForUi: async () => true, readSystemFile: (f) => system[f],
  });
  const ask = async (opcode: string, payload: Record<string, unknown> = {}): Promise<UiMessage> => {
    const sent: UiMessage[] = [];
    await daemon.handle({ id: 0, send: (m) => sent.push(m) }, { opcode, contextId: 1, payload });
    return sent[0] as UiMessage;
  };
  return { dir, ask, system, lines, file: () => JSON.parse(readFileSync(join(dir, 'ssh-access.json'), 'utf8')) as Record<string, unknown> };
}

const ON = { env: { 'ssh-access-from-page': 'on' } };

test('off by default: both opcodes are refused with the setup error, saying how root turns it on; nothing is written', async (t) => {
  const h = harness(t);
  for (const [op, payload] of [['sshAccess', {}], ['setSshKeys', { add: [keys.ed25519.line] }]] as const) {
    const r = await h.ask(op, payload);
    assert.equal(r.error?.code, UI_ERRORS.SETUP_ERROR, op);
    assert.match(r.error?.message ?? '', /ssh access from the setup page is off on this box.*ssh-access-from-page = "on" to \/etc\/masq\/config\.toml and run systemctl restart masq-daemon/);
  }
  assert.deepEqual(readdirSync(h.dir).filter((f) => f.startsWith('ssh')), []);
});

test('only root turns it on: masq setup is refused, and a config file a UI points at does not count', async (t) => {
  const files = { '/home/u/mine.toml': { 'ssh-access-from-page': 'on' }, '/tmp/d/config.toml': { 'ssh-access-from-page': 'on' } };
  const h = harness(t, { files });
  const refused = await h.ask('setup', { values: [{ name: 'ssh-access-from-page', value: 'on' }] });
  const errors = refused.payload?.errors as Array<[string, string]>;
  assert.ok(errors.some(([p, why]) => p === 'ssh-access-from-page' && /only root sets it, in \/etc\/masq\/config\.toml/.test(why)), JSON.stringify(errors));
  const value = (r: UiMessage) => (r.payload?.values as Array<{ name: string; value: string; status: string }>).find((v) => v.name === 'ssh-access-from-page');
  assert.deepEqual(value(refused), { name: 'ssh-access-from-page', value: 'off', status: 'Default' });
  for (const change of [{ name: 'config-file', value: '/home/u/mine.toml' }, { name: 'data-directory', value: '/tmp/d' }]) {
    const r = await h.ask('setup', { values: [change] });
    assert.equal(value(r)?.value, 'off', `${change.name} set by a UI`);
    assert.equal((await h.ask('sshAccess')).error?.code, UI_ERRORS.SETUP_ERROR);
    await h.ask('setup', { values: [{ name: change.name, value: '' }] });
  }
  // Root's own file, named by the Daemon's environment (the unit's MASQ_CONFIG_FILE), does.
  const rooted = harness(t, { files: { [ROOT_CONFIG]: { 'ssh-access-from-page': 'on' } } });
  assert.equal((await rooted.ask('sshAccess')).payload?.user, 'owner');
  const stillOn = await rooted.ask('setup', { values: [{ name: 'config-file', value: '/home/u/other.toml' }] });
  assert.deepEqual(value(stillOn), { name: 'ssh-access-from-page', value: 'on', status: 'Configured' });
});

test('on: a key is recorded whole in ssh-access.json (0600, no temporary file left), shown without its data, pending until applied', async (t) => {
  const h = harness(t, ON);
  assert.deepEqual((await h.ask('sshAccess')).payload, { user: 'owner', keys: [], applied: 'none' });
  const r = await h.ask('setSshKeys', { add: [keys.ed25519.line] });
  assert.equal(r.error, undefined, r.error?.message);
  assert.deepEqual(h.file(), { version: 1, serial: 1, user: 'owner', keys: [keys.ed25519.line] });
  assert.equal(statSync(join(h.dir, 'ssh-access.json')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(h.dir).filter((f) => f.includes('ssh')).sort(), ['ssh-access.json', 'ssh-access.pending']);
  assert.equal(readFileSync(join(h.dir, 'ssh-access.pending'), 'utf8'), '1\n', 'the request for masq-ssh-access.path, after the file');
  const [, listed] = /^256 (SHA256:\S+) you@ed25519 \(ED25519\)$/.exec(keys.ed25519.listed) ?? [];
  assert.deepEqual(r.payload, {
    user: 'owner', keys: [{ type: 'ssh-ed25519', label: 'ED25519', bits: 256, fingerprint: listed, comment: 'you@ed25519' }],
    applied: 'pending', message: 'The box is applying the last change; this takes a few seconds.',
  });
  const data = keys.ed25519.line.split(' ')[1] as string;
  assert.ok(!JSON.stringify(r.payload).includes(data), 'the key\'s data is never answered');
  assert.ok(h.lines.some((l) => l.includes(`ssh access: key ${listed} (ED25519 256, you@ed25519) added for the login owner`)), h.lines.join('\n'));
  assert.ok(!h.lines.join('\n').includes(data), 'nor logged');

  h.system.status = JSON.stringify({ version: 1, serial: 1, ok: true, message: 'The login owner opens with one key.', at: 1 });
  assert.deepEqual((await h.ask('sshAccess')).payload?.applied, 'applied');
  h.system.status = JSON.stringify({ version: 1, serial: 1, ok: false, message: 'useradd failed', at: 1 });
  const failed = (await h.ask('sshAccess')).payload;
  assert.deepEqual([failed?.applied, failed?.message], ['failed', 'useradd failed']);
});

test('each change is all or nothing: a bad key, a duplicate, an unknown fingerprint or one key too many changes nothing', async (t) => {
  const h = harness(t, ON);
  await h.ask('setSshKeys', { add: [keys.ed25519.line] });
  const tries: Array<[Record<string, unknown>, RegExp]> = [
    [{ add: [keys['rsa-2048'].line, keys['rsa-1024'].line] }, /1024 bits; at least 2048/],
    [{ add: [`command="sh" ${keys['rsa-2048'].line}`] }, /Key options such as command= or from= are not accepted/],
    [{ add: [keys.ed25519.line] }, /is on this box already/],
    [{ remove: ['SHA256:nope'] }, /No key of this box has the fingerprint SHA256:nope/],
    [{ add: [''] }, /Nothing to add/],
    [{ user: 'Bad Name', add: [keys['rsa-2048'].line] }, /cannot be a login name here/],
  ];
  for (const [payload, words] of tries) {
    const r = await h.ask('setSshKeys', payload);
    assert.equal(r.error?.code, UI_ERRORS.NON_PARSABLE_VALUE, JSON.stringify(payload).slice(0, 80));
    assert.match(r.error?.message ?? '', words);
    assert.equal(h.file().serial, 1, 'nothing written');
  }
  const others = Array.from({ length: MAX_KEYS }, (_, i) => keyLine('ssh-ed25519', wire('ssh-ed25519', randomBytes(32)), `k${i}`));
  const full = await h.ask('setSshKeys', { add: others });
  assert.match(full.error?.message ?? '', /This box takes at most 16 keys\. Remove a key you no longer use first\./);
  assert.equal(h.file().serial, 1);
  assert.equal(((await h.ask('setSshKeys', { add: others.slice(1) })).payload?.keys as unknown[]).length, MAX_KEYS);
});

test('the login name: a new name or one this box made is taken; an existing account or group is refused', async (t) => {
  const h = harness(t, { ...ON, system: { made: 'owner2 1001\n' } });
  for (const [user, words] of [['pi', /pi is an existing account of this system \(uid 1000\)/], ['root', /existing account/], ['sudo', /sudo is an existing group/], ['masq-admin', /existing group/]] as const) {
    const r = await h.ask('setSshKeys', { user, add: [keys.ed25519.line] });
    assert.match(r.error?.message ?? '', words, user);
  }
  assert.equal((await h.ask('setSshKeys', { user: 'owner2', add: [keys.ed25519.line] })).payload?.user, 'owner2', 'made by this box before');
  const renamed = await h.ask('setSshKeys', { user: 'admin-me' });
  assert.equal(renamed.payload?.user, 'admin-me');
  assert.deepEqual(h.file(), { version: 1, serial: 2, user: 'admin-me', keys: [keys.ed25519.line] });
  // With no key left, the name is not checked (nothing will be made for it) and the keys go.
  const fp = ((renamed.payload?.keys as Array<{ fingerprint: string }>)[0] as { fingerprint: string }).fingerprint;
  assert.deepEqual((await h.ask('setSshKeys', { remove: [fp] })).payload?.keys, []);
  assert.deepEqual(h.file().keys, []);
});

test('the serial grows past the applier\'s (a Daemon whose state was lost); a restarted Daemon reads the record back and asks again for what was not applied; a damaged one is set aside', async (t) => {
  const h = harness(t, { ...ON, system: { status: JSON.stringify({ version: 1, serial: 7, ok: true, message: 'old', at: 1 }) } });
  assert.equal((await h.ask('sshAccess')).payload?.applied, 'none');
  await h.ask('setSshKeys', { add: [keys.ed25519.line] });
  assert.equal(h.file().serial, 8);
  assert.equal((await h.ask('sshAccess')).payload?.applied, 'pending');
  // A reboot before the applier ran: the request is gone (say), the new Daemon makes it again.
  rmSync(join(h.dir, 'ssh-access.pending'));
  const again = harness(t, { ...ON, dir: h.dir, system: h.system });
  assert.equal(((await again.ask('sshAccess')).payload?.keys as unknown[]).length, 1);
  assert.equal(readFileSync(join(h.dir, 'ssh-access.pending'), 'utf8'), '8\n');
  assert.ok(again.lines.some((l) => l.includes('ssh access: change 8 was not applied yet; asking for it again')));
  // Applied since: a restart asks for nothing.
  rmSync(join(h.dir, 'ssh-access.pending'));
  h.system.status = JSON.stringify({ version: 1, serial: 8, ok: true, message: 'done', at: 2 });
  await harness(t, { ...ON, dir: h.dir, system: h.system }).ask('sshAccess');
  assert.ok(!readdirSync(h.dir).includes('ssh-access.pending'));
  writeFileSync(join(h.dir, 'ssh-access.json'), JSON.stringify({ version: 1, serial: 9, user: 'owner', keys: ['ssh-rsa AAAA'] }));
  const third = harness(t, { ...ON, dir: h.dir, system: h.system });
  assert.deepEqual((await third.ask('sshAccess')).payload?.keys, []);
  assert.ok(readdirSync(h.dir).includes('ssh-access.json.bad'));
  assert.ok(third.lines.some((l) => /The ssh access .*ssh-access\.json cannot be used .*add them again/.test(l)), third.lines.join('\n'));
});
