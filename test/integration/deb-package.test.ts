// The Debian packages and the apt repository (scripts/build-deb.sh, scripts/apt-repo.sh): built here for both
// architectures, then checked from the outside with dpkg-deb, lintian, gpgv and apt-get. Skipped when those tools
// are missing (the test target installs them: lintian, apt-utils, gnupg, binutils-multiarch).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/processes.js';
import { parseConfigText } from '../../src/config/sources.js';
import { findParam } from '../../src/config/params.js';

const TOOLS = ['dpkg-deb', 'lintian', 'gpgv', 'apt-ftparchive', 'apt-get', 'gpg'];
const missing = TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const unavailable = missing.length > 0 ? `needs ${missing.join(', ')}` : false;

const VERSION = `${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}-1`;
const ARCHS = { amd64: { cpu: 'x64', elfMachine: 0x3e }, arm64: { cpu: 'arm64', elfMachine: 0xb7 } } as const;
type Arch = keyof typeof ARCHS;
const deb = (arch: Arch): string => join(ROOT, 'dist', 'deb', `masq_${VERSION}_${arch}.deb`);
const APP = './usr/lib/masq';

const sh = (cmd: string, args: readonly string[]): string =>
  execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
const member = (arch: Arch, path: string): Buffer =>
  execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xOf - "$2"', 'sh', deb(arch), path], { maxBuffer: 64 << 20 });

interface Entry { mode: string; owner: string; path: string }
/** `dpkg-deb --contents` lines: mode, owner/group, size, date, time, path (and `-> target` for links). */
function contents(arch: Arch): Entry[] {
  return sh('dpkg-deb', ['--contents', deb(arch)]).trim().split('\n').map((line) => {
    const f = line.split(/\s+/);
    return { mode: f[0] ?? '', owner: f[1] ?? '', path: f[5] ?? '' };
  });
}

let scratch = '';
before(() => {
  if (unavailable) return;
  scratch = mkdtempSync(join(tmpdir(), 'masq-deb-'));
  for (const arch of Object.keys(ARCHS)) sh(join(ROOT, 'scripts', 'build-deb.sh'), [arch]);
  sh(join(ROOT, 'scripts', 'apt-repo.sh'), []);
});
after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

for (const arch of Object.keys(ARCHS) as Arch[]) {
  test(`${arch}: control fields, conffile and maintainer scripts`, () => {
  assert.equal(unavailable, false, String(unavailable));
    const field = (name: string): string => sh('dpkg-deb', ['--field', deb(arch), name]).trim();
    assert.equal(field('Package'), 'masq');
    assert.equal(field('Version'), VERSION);
    assert.equal(field('Architecture'), arch);
    assert.match(field('Depends'), /nodejs \(>= 18\)/);
    assert.match(field('Depends'), /systemd/);
    assert.equal(sh('dpkg-deb', ['--info', deb(arch), 'conffiles']).trim(), '/etc/masq/config.toml\n/etc/update-motd.d/60-masq-setup-code');
    const postinst = sh('dpkg-deb', ['--info', deb(arch), 'postinst']);
    assert.match(postinst, /systemd-sysusers .*masq\.conf/);
    assert.match(postinst, /for unit in masq-daemon\.service masq-setup\.socket masq-ssh-access\.path; do/);
    assert.match(postinst, /deb-systemd-helper enable "\$unit"/);
    assert.match(postinst, /systemd-creds setup/, 'the host key unattended restarts seal with');
    assert.doesNotMatch(postinst, /enable masq-node|enable masq-upgrade|#DEBHELPER#/);
    assert.match(postinst, /for unit in masq-upgrade\.timer masq-wifi\.service masq-lan-entry\.socket; do\n\s+deb-systemd-helper update-state "\$unit"/, 'the upgrade timer, the Wi-Fi manager and the DNS mode\'s ports are off, but their links are known to purge');
    const postrm = sh('dpkg-deb', ['--info', deb(arch), 'postrm']);
    assert.match(postrm, /rm -rf \/var\/lib\/masq \/var\/lib\/masq-daemon \/var\/lib\/masq-ssh-access /);
    assert.match(postrm, /for f in \/etc\/sudoers\.d\/masq-\*; do/, 'purge takes the sudo rights of the page\'s ssh logins');
  });

  test(`${arch}: layout, wrappers, man pages, and only this architecture's addons`, () => {
  assert.equal(unavailable, false, String(unavailable));
    const entries = contents(arch);
    const paths = new Set(entries.map((e) => e.path));
    for (const p of [
      `${APP}/masq.js`, `${APP}/masq-node.js`, `${APP}/package.json`, `${APP}/node_modules/lmdb/package.json`,
      './etc/masq/config.toml', './usr/lib/sysusers.d/masq.conf', './usr/lib/tmpfiles.d/masq.conf',
      './usr/lib/systemd/system/masq-daemon.service', './usr/lib/systemd/system/masq-node.service',
      './usr/share/man/man1/masq.1.gz', './usr/share/man/man1/masq-node.1.gz', './usr/share/man/man1/masq-setup.1.gz',
      `${APP}/masq-setup.js`, `${APP}/web-setup/index.html`, `${APP}/web-setup/app.js`, `${APP}/web-setup/app.css`,
      './usr/lib/systemd/system/masq-setup.service', './usr/lib/systemd/system/masq-setup.socket',
      './usr/lib/systemd/system/masq-upgrade.service', './usr/lib/systemd/system/masq-upgrade.timer',
      './etc/issue.d/masq-setup.issue', './etc/update-motd.d/60-masq-setup-code', './usr/share/doc/masq/SETUP.md',
      './usr/share/doc/masq/copyright', './usr/share/doc/masq/changelog.Debian.gz',
      './usr/share/lintian/overrides/masq',
      `${APP}/masq-ssh-access.js`, './usr/lib/systemd/system/masq-ssh-access.service', './usr/lib/systemd/system/masq-ssh-access.path',
      `${APP}/masq-wifi.js`, './usr/lib/systemd/system/masq-wifi.service', './usr/lib/systemd/system/masq-lan-entry.socket', './usr/share/doc/masq/LAN.md', `${APP}/masq-dns-utility.js`, './usr/share/man/man1/masq-dns-utility.1.gz', `${APP}/geo-country.bin`,
    ]) assert.ok(paths.has(p), `${p} is in the package`);
    assert.ok(entries.every((e) => e.owner === 'root/root'), 'every file belongs to root');
    for (const w of ['masq', 'masq-node', 'masq-dns-utility']) {
      const entry = entries.find((e) => e.path === `./usr/bin/${w}`);
      assert.equal(entry?.mode, '-rwxr-xr-x', `/usr/bin/${w} is executable`);
      assert.match(member(arch, `./usr/bin/${w}`).toString(), new RegExp(`^#!/bin/sh\n[^]*node [^\n]*/usr/lib/masq/${w}\\.js "\\$@"`));
    }
    assert.match(member(arch, './usr/bin/masq-setup').toString(), /^#!\/bin\/sh\n[^]*node [^\n]*\/usr\/lib\/masq\/masq-setup\.js --web-root \/usr\/lib\/masq\/web-setup "\$@"/);
    assert.equal(entries.find((e) => e.path === './etc/issue.d/masq-setup.issue')?.mode.startsWith('l'), true, 'the console banner is a link to the Daemon\'s file');
    assert.ok(!entries.some((e) => e.path.endsWith('.map')), 'no source maps (they would carry the source)');

    const { cpu, elfMachine } = ARCHS[arch];
    const addons = entries.filter((e) => e.path.endsWith('.node')).map((e) => e.path);
    assert.ok(addons.includes(`${APP}/node_modules/@lmdb/lmdb-linux-${cpu}/node.napi.glibc.node`));
    // Ours beside the programs (compiled for the package's CPU), npm's prebuilt ones for this CPU and glibc only.
    assert.ok(addons.includes(`${APP}/masq-cipher.node`), 'the cipher addon');
    const fromNpm = addons.filter((a) => a !== `${APP}/masq-cipher.node`);
    assert.ok(fromNpm.every((a) => a.includes(`-linux-${cpu}/`) && a.includes('.glibc.')), `only linux-${cpu} glibc addons: ${addons.join(' ')}`);
    for (const a of addons) assert.equal(member(arch, a).readUInt16LE(18), elfMachine, `${a} is built for ${arch}`);
  });

  test(`${arch}: copyright names every package in node_modules`, () => {
  assert.equal(unavailable, false, String(unavailable));
    const copyright = member(arch, './usr/share/doc/masq/copyright').toString();
    const packages = new Set(contents(arch).map((e) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(e.path)?.[1]).filter((p) => p !== undefined));
    assert.ok(packages.size >= 8);
    for (const p of packages) {
      const covered = copyright.includes(`node_modules/${p}/`) || copyright.includes(`node_modules/${p.split('/')[0]}/*`);
      assert.ok(covered, `debian/copyright covers ${p}`);
    }
  });
}

test('amd64: the installed tree runs on this machine (lmdb and its addon load)', () => {
  assert.equal(unavailable, false, String(unavailable));
  const root = join(scratch, 'root');
  sh('dpkg-deb', ['--extract', deb('amd64'), root]);
  assert.equal(sh(process.execPath, [join(root, 'usr/lib/masq/masq-node.js'), '--version']).trim(), `masq-node ${VERSION.replace(/-1$/, '')}`);
});

test('config.toml: every example, once uncommented, is a valid parameter and value', () => {
  assert.equal(unavailable, false, String(unavailable));
  const text = member('amd64', './etc/masq/config.toml').toString();
  assert.ok(text.split('\n').every((l) => l === '' || l.startsWith('#')), 'everything is commented out');
  const examples = text.split('\n').filter((l) => /^#[a-z-]+ = /.test(l)).map((l) => l.slice(1));
  const values = parseConfigText(examples.join('\n'), 'config.toml');
  for (const name of ['neighborhood-mode', 'ip', 'neighbors', 'blockchain-service-url', 'chain', 'clandestine-port', 'min-hops', 'dns-servers', 'log-level']) {
    assert.ok(name in values, `config.toml shows ${name}`);
  }
  for (const [name, value] of Object.entries(values)) {
    if (name === 'neighbors') continue; // its example holds a <key> placeholder
    findParam(name)?.check(value, 'base-mainnet');
  }
});

test('lintian: no errors and no warnings on either package', () => {
  assert.equal(unavailable, false, String(unavailable));
  const r = spawnSync('lintian', ['--fail-on', 'error,warning', deb('amd64'), deb('arm64')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('apt repository: InRelease verifies with the exported key and apt sees both packages', () => {
  assert.equal(unavailable, false, String(unavailable));
  const repo = join(ROOT, 'dist', 'apt');
  const keyring = join(repo, 'masq-archive-keyring.gpg');
  const gpgv = spawnSync('gpgv', ['--keyring', keyring, join(repo, 'dists/stable/InRelease')], { encoding: 'utf8' });
  assert.equal(gpgv.status, 0, gpgv.stderr);
  assert.equal(spawnSync('gpgv', ['--keyring', keyring, join(repo, 'dists/stable/Release.gpg'), join(repo, 'dists/stable/Release')]).status, 0);
  for (const arch of Object.keys(ARCHS)) {
    const packages = readFileSync(join(repo, `dists/stable/main/binary-${arch}/Packages`), 'utf8');
    assert.match(packages, /^Package: masq$/m);
    assert.match(packages, new RegExp(`^Version: ${VERSION}$`, 'm'));
    assert.match(packages, new RegExp(`^Architecture: ${arch}$`, 'm'));
  }
  const sources = readFileSync(join(repo, 'masq.sources'), 'utf8');
  assert.match(sources, /^Signed-By: \/etc\/apt\/keyrings\/masq-archive-keyring\.gpg$/m);

  // apt itself, in a configuration of its own that knows only this repository and trusts only its key.
  const apt = join(scratch, 'apt');
  for (const d of ['parts', 'lists/partial', 'cache/archives/partial']) mkdirSync(join(apt, d), { recursive: true });
  writeFileSync(join(apt, 'parts', 'masq.sources'), sources.replace('/etc/apt/keyrings/masq-archive-keyring.gpg', keyring));
  const opts = ['-o', 'Dir::Etc::sourcelist=-', '-o', `Dir::Etc::sourceparts=${join(apt, 'parts')}`,
    '-o', `Dir::State::Lists=${join(apt, 'lists')}`, '-o', `Dir::Cache=${join(apt, 'cache')}`,
    '-o', 'APT::Architectures::=amd64', '-o', 'APT::Architectures::=arm64', '-o', 'Debug::NoLocking=1',
    '-o', 'APT::Sandbox::User=root'];
  const update = spawnSync('apt-get', [...opts, '-q', 'update'], { encoding: 'utf8' });
  assert.equal(update.status, 0, update.stdout + update.stderr);
  assert.doesNotMatch(update.stdout + update.stderr, /NO_PUBKEY|not signed|BADSIG|^[WE]:/m);
  const policy = sh('apt-cache', [...opts, 'policy', 'masq:amd64', 'masq:arm64']);
  assert.equal(policy.match(new RegExp(`Candidate: ${VERSION.replace(/\./g, '\\.')}`, 'g'))?.length, 2, policy);
});
