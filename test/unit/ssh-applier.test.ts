// masq-ssh-access's applier on a system of plain values (the real one runs in a booted Debian: test/system/): the
// login made once and recorded, its groups, its sudoers drop-in checked by visudo before it is moved in, the page's
// block of keys beside the user's own, and every login made before withdrawn when it is no longer the wanted one.
// Then the real host's file handling on a temporary directory: links refused, modes and owners exact.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Applier } from '../../src/ssh-access/apply.js';
import { type FileSpec, type Host, type Owner, REAL_HOST } from '../../src/ssh-access/host.js';
import { type AccessRecord, BLOCK_BEGIN, BLOCK_END, parseAuthorizedKey, SshAccessError, sudoersText } from '../../src/ssh-keys/index.js';
import { MasqError } from '../../src/system/index.js';
import { Sandbox } from '../helpers/processes.js';
import { type KeygenKind, type MadeKey, makeKeys } from '../helpers/ssh-keys.js';

const sandbox = new Sandbox();
let keys: Record<KeygenKind, MadeKey>;
before(() => { keys = makeKeys(sandbox.tempDir('masq-ssh-keys-')); });
after(() => sandbox.cleanup());

const STATE = '/var/lib/masq-ssh-access';
const PLACES = { state: STATE, sudoersDir: '/etc/sudoers.d', visudo: '/usr/sbin/visudo' };

interface FakeFile { text: string; mode: number; owner?: Owner }

/** A Debian system as the applier sees it: accounts, groups, files, and the tools' effects. */
class FakeSystem implements Host {
  readonly users = new Map<string, { uid: number; gid: number; home: string; gecos: string; password: string }>();
  readonly groups = new Map<string, { gid: number; members: string[] }>();
  readonly files = new Map<string, FakeFile>();
  readonly dirs = new Map<string, { mode: number; owner: Owner }>();
  readonly ran: string[] = [];
  visudoRefuses = false;

  constructor(opts: { sudo?: boolean; masqAdmin?: boolean } = {}) {
    this.groups.set('root', { gid: 0, members: [] });
    if (opts.sudo ?? true) {
      this.groups.set('sudo', { gid: 27, members: [] });
      this.files.set(PLACES.visudo, { text: '', mode: 0o755 });
      this.dirs.set(PLACES.sudoersDir, { mode: 0o750, owner: { uid: 0, gid: 0 } });
    }
    if (opts.masqAdmin ?? true) this.groups.set('masq-admin', { gid: 995, members: [] });
    this.users.set('pi', { uid: 1000, gid: 1000, home: '/home/pi', gecos: '', password: '!' });
  }

  async getent(db: 'passwd' | 'group', name: string): Promise<string[] | undefined> {
    if (db === 'passwd') {
      const u = this.users.get(name);
      return u && [name, 'x', String(u.uid), String(u.gid), u.gecos, u.home, '/bin/bash'];
    }
    const g = this.groups.get(name);
    return g && [name, 'x', String(g.gid), g.members.join(',')];
  }

  async run(program: string, args: readonly string[]): Promise<void> {
    this.ran.push([program, ...args].join(' '));
    const name = args[args.length - 1] as string;
    if (program === 'useradd') {
      const uid = 1001 + [...this.users.values()].filter((u) => u.uid > 1000).length;
      this.users.set(name, { uid, gid: uid, home: `/home/${name}`, gecos: args[args.indexOf('--comment') + 1] as string, password: '!' });
      this.groups.set(name, { gid: uid, members: [] });
      this.dirs.set(`/home/${name}`, { mode: 0o700, owner: { uid, gid: uid } });
    } else if (program === 'usermod' && args[0] === '--password') {
      (this.users.get(name) as { password: string }).password = args[1] as string;
    } else if (program === 'usermod' && args[0] === '--append') {
      for (const g of (args[2] as string).split(',')) this.groups.get(g)?.members.push(name);
    } else if (program === 'gpasswd') {
      const g = this.groups.get(args[2] as string);
      if (g) g.members = g.members.filter((m) => m !== args[1]);
    } else if (program === PLACES.visudo && this.visudoRefuses) {
      throw new MasqError('SSH_ACCESS', 'visudo: syntax error');
    }
  }

  readFile(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  writeFile(path: string, text: string, spec: FileSpec): void {
    this.files.set(path, { text, mode: spec.mode, ...(spec.owner ? { owner: spec.owner } : {}) });
  }

  async writeChecked(path: string, text: string, spec: FileSpec, check: (tmp: string) => Promise<void>): Promise<void> {
    const tmp = join(dirname(path), '.tmp');
    this.writeFile(tmp, text, spec);
    try {
      await check(tmp);
      this.writeFile(path, text, spec);
    } finally {
      this.files.delete(tmp);
    }
  }

  removeFile(path: string): void {
    this.files.delete(path);
  }

  ensureDirectory(path: string, spec: FileSpec & { owner: Owner }): void {
    if (!this.dirs.has(path)) this.dirs.set(path, { mode: spec.mode, owner: spec.owner });
  }

  exists(path: string): boolean {
    return this.files.has(path) || this.dirs.has(path);
  }
}

const want = (user: string, ...kinds: KeygenKind[]): AccessRecord => ({ serial: 1, user, keys: kinds.map((k) => parseAuthorizedKey(keys[k].line)) });
const block = (...kinds: KeygenKind[]): string => [BLOCK_BEGIN, ...kinds.map((k) => keys[k].line), BLOCK_END].join('\n');

test('a new login: made once (no password, in masq-admin and sudo), sudo checked by visudo first, the keys in their block', async () => {
  const sys = new FakeSystem();
  const message = await new Applier(sys, PLACES).apply(want('owner', 'ed25519'));
  assert.equal(message, 'The login owner opens with one key; it may use masq and may run any command as root with sudo, without a password.');
  assert.deepEqual(sys.ran, [
    'useradd --create-home --shell /bin/bash --comment MASQ box owner (ssh access from the setup page) --user-group owner',
    'usermod --password * owner',
    'usermod --append --groups masq-admin,sudo owner',
    '/usr/sbin/visudo -c -q -f /etc/sudoers.d/.tmp',
  ]);
  assert.equal(sys.users.get('owner')?.password, '*', 'no password matches *, and sshd takes keys for it with or without PAM');
  assert.deepEqual(sys.files.get(`${STATE}/made`), { text: 'owner 1001\n', mode: 0o644 });
  assert.deepEqual(sys.files.get('/etc/sudoers.d/masq-owner'), { text: sudoersText('owner'), mode: 0o440 });
  assert.deepEqual(sys.dirs.get('/home/owner/.ssh'), { mode: 0o700, owner: { uid: 1001, gid: 1001 } });
  assert.deepEqual(sys.files.get('/home/owner/.ssh/authorized_keys'), { text: `${block('ed25519')}\n`, mode: 0o600, owner: { uid: 1001, gid: 1001 } });

  // The next change: no new account; the block replaced, the line the user added by hand kept.
  const own = sys.files.get('/home/owner/.ssh/authorized_keys') as FakeFile;
  own.text = `ssh-ed25519 AAAAown me@phone\n${own.text}`;
  sys.ran.length = 0;
  assert.match(await new Applier(sys, PLACES).apply(want('owner', 'ed25519', 'rsa-2048')), /opens with 2 keys/);
  assert.ok(!sys.ran.some((r) => r.startsWith('useradd')));
  assert.equal(sys.files.get('/home/owner/.ssh/authorized_keys')?.text, `ssh-ed25519 AAAAown me@phone\n${block('ed25519', 'rsa-2048')}\n`);
});

test('a rename or the last key removed withdraws the page\'s keys, sudo and the groups from the logins made before; their accounts stay', async () => {
  const sys = new FakeSystem();
  const applier = new Applier(sys, PLACES);
  await applier.apply(want('owner', 'ed25519'));
  await applier.apply(want('second', 'rsa-2048'));
  assert.equal(sys.files.get('/home/owner/.ssh/authorized_keys')?.text, '', 'owner lost the page\'s keys');
  assert.equal(sys.files.has('/etc/sudoers.d/masq-owner'), false);
  assert.deepEqual(sys.groups.get('sudo')?.members, ['second']);
  assert.ok(sys.users.has('owner'), 'the account and its files stay');
  assert.equal(sys.files.get(`${STATE}/made`)?.text, 'owner 1001\nsecond 1002\n');
  assert.equal(await applier.apply({ serial: 3, user: 'second', keys: [] }), 'No key from the setup page opens a login on this box.');
  assert.equal(sys.files.get('/home/second/.ssh/authorized_keys')?.text, '');
  assert.equal(sys.files.has('/etc/sudoers.d/masq-second'), false);
  assert.deepEqual([sys.groups.get('sudo')?.members, sys.groups.get('masq-admin')?.members], [[], []]);
  // A sudoers file of the same name that this applier did not write is left alone.
  sys.files.set('/etc/sudoers.d/masq-owner', { text: 'owner ALL=(ALL) ALL\n', mode: 0o440 });
  await applier.apply({ serial: 4, user: 'second', keys: [] });
  assert.ok(sys.files.has('/etc/sudoers.d/masq-owner'));
});

test('someone else\'s account or a group name is refused before anything is run; a name reused for another uid is not withdrawn', async () => {
  const sys = new FakeSystem();
  for (const user of ['pi', 'sudo', 'masq-admin']) {
    await assert.rejects(new Applier(sys, PLACES).apply(want(user, 'ed25519')), (e: unknown) => e instanceof SshAccessError && e.problem === 'user-taken');
  }
  assert.deepEqual(sys.ran, []);
  sys.files.set(`${STATE}/made`, { text: 'pi 1500\n', mode: 0o644 });
  sys.files.set('/home/pi/.ssh/authorized_keys', { text: `${block('ed25519')}\n`, mode: 0o600 });
  await new Applier(sys, PLACES).apply(want('owner', 'rsa-2048'));
  assert.equal(sys.files.get('/home/pi/.ssh/authorized_keys')?.text, `${block('ed25519')}\n`, 'pi (uid 1000) is not the pi this box made (1500)');
});

test('without sudo installed the login gets no sudoers file and says so; a sudoers file visudo refuses is never moved in', async () => {
  const bare = new FakeSystem({ sudo: false, masqAdmin: false });
  assert.equal(await new Applier(bare, PLACES).apply(want('owner', 'ed25519')),
    'The login owner opens with one key; it may not use masq (the group masq-admin is missing) and has no sudo (sudo is not installed).');
  assert.ok(!bare.ran.some((r) => r.includes('--groups') || r.includes('visudo')));
  const strict = new FakeSystem();
  strict.visudoRefuses = true;
  await assert.rejects(new Applier(strict, PLACES).apply(want('owner', 'ed25519')), /visudo: syntax error/);
  assert.deepEqual([...strict.files.keys()].filter((f) => f.startsWith('/etc/sudoers.d/')), []);
});

test('the real host: exact modes and owners whatever the umask, no link followed, a failed check leaves nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'masq-ssh-host-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const uid = process.getuid?.() === 0 ? 4242 : (process.getuid?.() ?? 0);
  const owner = { uid, gid: uid };
  const old = process.umask(0o077);
  try {
    REAL_HOST.writeFile(join(dir, 'sudoers'), 'x\n', { mode: 0o440 });
    assert.equal(lstatSync(join(dir, 'sudoers')).mode & 0o777, 0o440, 'the umask takes nothing off');
    REAL_HOST.ensureDirectory(join(dir, '.ssh'), { mode: 0o700, owner });
    REAL_HOST.writeFile(join(dir, '.ssh', 'authorized_keys'), 'k\n', { mode: 0o600, owner });
    const st = lstatSync(join(dir, '.ssh', 'authorized_keys'));
    assert.deepEqual([st.mode & 0o777, st.uid, st.gid], [0o600, uid, uid]);
    assert.equal(REAL_HOST.readFile(join(dir, '.ssh', 'authorized_keys'), 100), 'k\n');
    assert.equal(REAL_HOST.readFile(join(dir, 'none'), 100), undefined);
    assert.throws(() => REAL_HOST.readFile(join(dir, 'sudoers'), 1), /larger than 1 bytes/);
  } finally {
    process.umask(old);
  }
  // Links planted where the applier writes or reads are refused, and what they point at is untouched.
  writeFileSync(join(dir, 'target'), 'precious\n');
  symlinkSync(join(dir, 'target'), join(dir, 'link'));
  assert.throws(() => REAL_HOST.writeFile(join(dir, 'link'), 'evil\n', { mode: 0o600 }), /not a plain file/);
  assert.throws(() => REAL_HOST.readFile(join(dir, 'link'), 100), /not a plain file/);
  symlinkSync(dir, join(dir, 'dirlink'));
  assert.throws(() => REAL_HOST.ensureDirectory(join(dir, 'dirlink'), { mode: 0o700, owner }), /not a directory of the login/);
  mkdirSync(join(dir, 'others'));
  if (uid !== (process.getuid?.() ?? 0)) assert.throws(() => REAL_HOST.ensureDirectory(join(dir, 'others'), { mode: 0o700, owner }), /not a directory of the login/);
  assert.equal(readFileSync(join(dir, 'target'), 'utf8'), 'precious\n');
  await assert.rejects(REAL_HOST.writeChecked(join(dir, 'checked'), 'bad\n', { mode: 0o440 }, async () => { throw new Error('visudo says no'); }), /visudo says no/);
  assert.ok(!readdirSync(dir).some((f) => f.includes('checked')), 'neither the file nor its temporary');
  await REAL_HOST.writeChecked(join(dir, 'checked'), 'good\n', { mode: 0o440 }, async (tmp) => assert.equal(readFileSync(tmp, 'utf8'), 'good\n'));
  assert.equal(readFileSync(join(dir, 'checked'), 'utf8'), 'good\n');
});
