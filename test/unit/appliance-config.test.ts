// The appliance's settings both images share (image/configure-appliance.sh) and the pi-gen stage that installs masq
// (image/stage-masq/00-masq/00-run.sh), run against throwaway roots: a copy of image/ beside a stand-in dist/apt.
// What only a real build has is stood in for: chroot runs this machine's `systemctl --root` on the root, so the
// units' [Install] sections are really followed, and pi-gen's on_chroot records what it would run in the root.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, Sandbox } from '../helpers/processes.js';

const FILES = join(ROOT, 'image', 'files');
const PUBLIC_URL = 'https://apt.example.test/masq';
const PACKAGE_CONFIG = '# the package\'s config.toml\n#log-level = "warn"\n';
const SOURCES = 'Types: deb\nURIs: file:///build/dist/apt\nSuites: stable\nComponents: main\nSigned-By: /etc/apt/keyrings/masq-archive-keyring.gpg\n';
/** Where each first-boot unit is wanted from (its [Install] section). */
const FIRSTBOOT = { 'grow-root': 'local-fs.target', hostname: 'sysinit.target', keys: 'multi-user.target', 'setup-code': 'multi-user.target' } as const;
type FirstBoot = keyof typeof FIRSTBOOT;

const unavailable = existsSync('/usr/bin/systemctl') ? false : 'systemctl is not installed (apt-get install systemd)';
const sandbox = new Sandbox();
after(() => sandbox.cleanup());

/** A checkout of image/ with a stand-in dist/apt, and a bin/ holding the stand-in chroot. */
function checkout(): string {
  const top = sandbox.tempDir('masq-appliance-');
  cpSync(join(ROOT, 'image'), join(top, 'image'), { recursive: true });
  const repo = join(top, 'dist', 'apt');
  mkdirSync(join(repo, 'pool', 'main', 'm', 'masq'), { recursive: true });
  mkdirSync(join(repo, 'dists', 'stable'), { recursive: true });
  writeFileSync(join(repo, 'pool', 'main', 'm', 'masq', 'masq_1.0.0-1_arm64.deb'), 'a package');
  writeFileSync(join(repo, 'dists', 'stable', 'InRelease'), 'signed');
  writeFileSync(join(repo, 'masq-archive-keyring.gpg'), 'a key');
  writeFileSync(join(repo, 'masq.sources'), SOURCES);
  mkdirSync(join(top, 'bin'));
  writeFileSync(join(top, 'bin', 'chroot'), [
    '#!/bin/sh',
    '# Stands in for: chroot ROOT /usr/bin/env -i PATH=... systemctl ARGS (this machine\'s systemctl, offline).',
    'root=$1',
    'while [ "$#" -gt 0 ] && [ "$1" != systemctl ]; do shift; done',
    '[ "$#" -gt 0 ] || { echo "stand-in chroot: only systemctl is expected" >&2; exit 1; }',
    'shift',
    'exec systemctl --root="$root" "$@"',
    '',
  ].join('\n'));
  chmodSync(join(top, 'bin', 'chroot'), 0o755);
  return top;
}

/** A root as the builds leave it before the appliance's settings: masq installed, its credential key made. */
function minimalRoot(top: string): string {
  const root = join(top, 'root');
  for (const d of ['etc/masq', 'etc/apt/sources.list.d', 'etc/systemd/system', 'usr/lib/systemd/system', 'boot/firmware', 'var/lib/systemd']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  writeFileSync(join(root, 'etc/masq/config.toml'), PACKAGE_CONFIG);
  writeFileSync(join(root, 'usr/lib/systemd/system/fstrim.timer'), '[Timer]\nOnCalendar=weekly\n\n[Install]\nWantedBy=timers.target\n');
  for (const unit of ['masq-wifi.service', 'masq-lan-entry.socket', 'masq-setup.service']) cpSync(join(ROOT, 'systemd', unit), join(root, 'usr/lib/systemd/system', unit));
  writeFileSync(join(root, 'var/lib/systemd/credential.secret'), 'made by the postinst');
  return root;
}

function env(top: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${join(top, 'bin')}:${process.env.PATH ?? ''}`, MASQ_APT_PUBLIC_URL: PUBLIC_URL, ...extra };
}

function configure(top: string, root: string, ...options: string[]): void {
  const r = spawnSync(join(top, 'image', 'configure-appliance.sh'), [...options, root], { env: env(top), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
}

const mode = (path: string): number => statSync(path).mode & 0o777;
const text = (path: string): string => readFileSync(path, 'utf8');

function assertSettings(root: string, units: readonly FirstBoot[], wifi: boolean): void {
  const sources = join(root, 'etc/apt/sources.list.d/masq.sources');
  assert.equal(text(sources), SOURCES.replace('file:///build/dist/apt', PUBLIC_URL), 'our source at its public address');
  assert.equal(mode(sources), 0o644);
  const config = text(join(root, 'etc/masq/config.toml'));
  assert.ok(config.startsWith(PACKAGE_CONFIG), 'the package\'s lines come first');
  assert.equal(config.match(/^setup-page-lan = "on"$/gm)?.length, 1, config);
  assert.equal(config.match(/^unattended-restart = "on"$/gm)?.length, 1, config);
  for (const [installed, source] of [
    ['boot/firmware/masq-setup-code.txt', 'masq-setup-code.txt'],
    ['etc/systemd/journald.conf.d/masq-image.conf', 'journald.conf'],
    ['etc/systemd/system.conf.d/masq-image.conf', 'system.conf'],
  ] as const) {
    assert.equal(text(join(root, installed)), text(join(FILES, source)), installed);
    assert.equal(mode(join(root, installed)), 0o644, installed);
  }
  assert.equal(lstatSync(join(root, 'etc/systemd/system/timers.target.wants/fstrim.timer')).isSymbolicLink(), true, 'fstrim.timer is enabled');
  assert.equal(lstatSync(join(root, 'etc/systemd/system/sockets.target.wants/masq-lan-entry.socket')).isSymbolicLink(), true, 'the whole-home DNS mode\'s ports, on both images');
  // The hotspot's manager on our image; on Raspberry Pi OS NetworkManager owns the radio.
  assert.equal(lstatSync(join(root, 'etc/systemd/system/multi-user.target.wants/masq-wifi.service'), { throwIfNoEntry: false })?.isSymbolicLink() ?? false, wifi, 'masq-wifi enabled on our image only');

  const installedUnits = readdirSync(join(root, 'etc/systemd/system')).filter((f) => f.startsWith('masq-firstboot-'));
  assert.deepEqual(installedUnits.sort(), units.map((u) => `masq-firstboot-${u}.service`).sort());
  const scripts: string[] = [];
  for (const u of units) {
    const unit = `masq-firstboot-${u}.service`;
    assert.equal(mode(join(root, 'etc/systemd/system', unit)), 0o644, unit);
    const script = /^ExecStart=\/usr\/lib\/masq-image\/(\S+)$/m.exec(text(join(FILES, unit)))?.[1] ?? '';
    assert.equal(text(join(root, 'usr/lib/masq-image', script)), text(join(FILES, script)), script);
    assert.equal(mode(join(root, 'usr/lib/masq-image', script)), 0o755, script);
    scripts.push(script);
    const link = join(root, 'etc/systemd/system', `${FIRSTBOOT[u]}.wants`, unit);
    assert.equal(lstatSync(link).isSymbolicLink(), true, `${unit} is enabled`);
  }
  assert.deepEqual(readdirSync(join(root, 'usr/lib/masq-image')).sort(), scripts.sort(), 'only the scripts of the installed units');
  assert.equal(existsSync(join(root, 'var/lib/systemd/credential.secret')), false, 'no credential key in the image');
}

describe('image/configure-appliance.sh', () => {
  test('the Debian image: every first-boot unit, and a second run changes nothing', () => {
    assert.equal(unavailable, false, String(unavailable));
    const top = checkout();
    const root = minimalRoot(top);
    configure(top, root);
    assertSettings(root, ['grow-root', 'hostname', 'keys', 'setup-code'], true);
    configure(top, root);
    assertSettings(root, ['grow-root', 'hostname', 'keys', 'setup-code'], true);
  });

  test('Raspberry Pi OS (--raspios): only the keys and the setup code at first boot', () => {
    assert.equal(unavailable, false, String(unavailable));
    const top = checkout();
    const root = minimalRoot(top);
    configure(top, root, '--raspios');
    assertSettings(root, ['keys', 'setup-code'], false);
  });

  test('without a root it fails and says how to call it', () => {
    const top = checkout();
    const r = spawnSync(join(top, 'image', 'configure-appliance.sh'), [], { env: env(top), encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /usage: image\/configure-appliance\.sh \[--raspios\] ROOT/);
  });
});

describe('image/stage-masq/00-masq/00-run.sh (pi-gen)', () => {
  /** Runs the sub-stage script as pi-gen does, with on_chroot given as a bash function (pi-gen exports its own). */
  function runStage(top: string, root: string, onChroot: string): { status: number | null; output: string } {
    const script = join(top, 'image', 'stage-masq', '00-masq', '00-run.sh');
    const r = spawnSync('bash', ['-c', `on_chroot() { ${onChroot}; }; export -f on_chroot; exec "$0"`, script],
      { cwd: dirname(script), env: env(top, { ROOTFS_DIR: root, CHROOT_LOG: join(top, 'on_chroot.log') }), encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  }
  const leftovers = (root: string): string[] =>
    ['var/tmp/masq-apt', 'etc/apt/sources.list.d/masq-build.sources'].filter((p) => existsSync(join(root, p)));

  test('installs masq from a copy of dist/apt, then the Raspberry Pi OS settings; the copy goes', () => {
    assert.equal(unavailable, false, String(unavailable));
    const top = checkout();
    const root = minimalRoot(top);
    // What apt sees in the root while it runs: the commands, the copy of the repository and its source.
    const r = runStage(top, root, 'cat >> "$CHROOT_LOG"; ls -R "$ROOTFS_DIR/var/tmp/masq-apt" >> "$CHROOT_LOG"; cat "$ROOTFS_DIR/etc/apt/sources.list.d/masq-build.sources" >> "$CHROOT_LOG"');
    assert.equal(r.status, 0, r.output);
    const log = text(join(top, 'on_chroot.log'));
    assert.match(log, /^apt-get update$/m);
    assert.match(log, /^DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends masq$/m);
    assert.match(log, /masq_1\.0\.0-1_arm64\.deb/);
    assert.match(log, /^URIs: file:\/\/\/var\/tmp\/masq-apt$/m);
    assert.match(log, /^Signed-By: \/etc\/apt\/keyrings\/masq-archive-keyring\.gpg$/m);
    assert.equal(text(join(root, 'etc/apt/keyrings/masq-archive-keyring.gpg')), 'a key');
    assert.deepEqual(leftovers(root), []);
    assertSettings(root, ['keys', 'setup-code'], false);
  });

  test('a failed install leaves neither the copy nor its source, and stops before the settings', () => {
    const top = checkout();
    const root = minimalRoot(top);
    const r = runStage(top, root, 'cat > /dev/null; return 100');
    assert.notEqual(r.status, 0);
    assert.deepEqual(leftovers(root), []);
    assert.equal(existsSync(join(root, 'etc/apt/sources.list.d/masq.sources')), false);
  });

  test('without the arm64 package in dist/apt it stops at once and says so', () => {
    const top = checkout();
    const root = minimalRoot(top);
    rmSync(join(top, 'dist', 'apt', 'pool'), { recursive: true });
    const r = runStage(top, root, 'echo ran >> "$CHROOT_LOG"');
    assert.equal(r.status, 1);
    assert.match(r.output, /no arm64 masq package in .*dist\/apt; run make apt-repo first/);
    assert.equal(existsSync(join(top, 'on_chroot.log')), false);
    assert.deepEqual(leftovers(root), []);
  });
});
