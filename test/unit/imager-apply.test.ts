// masq-imager run for real against a temporary root and boot partition: Debian's useradd, usermod and chpasswd
// (--root) make the user, then the files are checked (accounts, keys and their modes and owner, hostname, Wi-Fi,
// ssh, time zone), the boot partition scrubbed and cmdline.txt freed. Needs root, like the box's first boot.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, linkSync, lstatSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runImager, type Outcome } from '../../src/imager/index.js';
import { applyActions } from '../../src/imager/apply.js';
import { scrub } from '../../src/imager/boot-partition.js';
import { runProgram } from '../../src/imager/run-program.js';
import { CMDLINE, makeImagerRoot, type ImagerRoot } from '../helpers/imager-root.js';
import { fixture, K1, K2, YESCRYPT } from '../helpers/imager-fixtures.js';
const FIRSTRUN_BOOT = ' systemd.run=/boot/firstrun.sh systemd.run_success_action=reboot systemd.unit=kernel-command-line.target';

/** The minimal user-data the image's QEMU boot test puts on the card. */
const QEMU_USER_DATA = `#cloud-config
users:
  - name: tester
    groups: users, adm, sudo
    sudo: ALL=(ALL) NOPASSWD:ALL
    lock_passwd: true
    ssh_authorized_keys:
      - ${K1}
ssh_pwauth: false
`;

async function withRoot(files: Record<string, string>, cmdline: string, body: (r: ImagerRoot) => Promise<void>): Promise<void> {
  const r = makeImagerRoot(files, cmdline);
  try {
    await body(r);
  } finally {
    r.remove();
  }
}

const read = (r: ImagerRoot, rel: string): string => readFileSync(join(r.root, rel), 'utf8');
const line = (r: ImagerRoot, rel: string, name: string): string[] => read(r, rel).split('\n').find((l) => l.startsWith(`${name}:`))?.split(':') ?? [];
const members = (r: ImagerRoot, group: string): string[] => (line(r, 'etc/group', group)[3] ?? '').split(',').filter(Boolean);
const mode = (path: string): number => statSync(path).mode & 0o777;

describe('masq-imager against a root', () => {
  test('cloud-init user-data and network-config (Imager 2.0.11): everything applied, the card scrubbed', async () => {
    await withRoot({ 'user-data': fixture('user-data-2.0.11'), 'network-config': fixture('network-config-2.0.11'), 'meta-data': 'instance-id: rpi-imager-1\n' },
      `${CMDLINE} cfg80211.ieee80211_regdom=DE${FIRSTRUN_BOOT}`, async (r) => {
        assert.equal(await runImager(['--root', r.root, '--boot', r.boot]), 0);
        const [, , uid, gid, , home, shell] = line(r, 'etc/passwd', 'ada');
        assert.deepEqual([home, shell], ['/home/ada', '/bin/bash']);
        assert.equal(line(r, 'etc/shadow', 'ada')[1], YESCRYPT, 'the hash as given, not locked');
        assert.ok(members(r, 'sudo').includes('ada') && members(r, 'masq-admin').includes('ada'), 'sudo and masq-admin');
        const keys = join(r.root, 'home/ada/.ssh/authorized_keys');
        assert.equal(readFileSync(keys, 'utf8'), `${K1}\n${K2}\n`);
        assert.equal(mode(keys), 0o600);
        assert.equal(mode(join(r.root, 'home/ada/.ssh')), 0o700);
        assert.deepEqual([statSync(keys).uid, statSync(keys).gid], [Number(uid), Number(gid)]);
        assert.equal(read(r, 'etc/hostname'), 'kitchen-box\n');
        assert.match(read(r, 'etc/hosts'), /^127\.0\.1\.1\tkitchen-box$/m);
        assert.match(read(r, 'etc/ssh/sshd_config.d/10-masq-imager.conf'), /^PasswordAuthentication no$/m);
        assert.equal(readlinkSync(join(r.root, 'etc/localtime')), '/usr/share/zoneinfo/Europe/Berlin');
        assert.equal(read(r, 'etc/timezone'), 'Europe/Berlin\n');
        const wpa = join(r.root, 'etc/wpa_supplicant/wpa_supplicant-wlan0.conf');
        assert.equal(mode(wpa), 0o600);
        assert.match(readFileSync(wpa, 'utf8'), /^country=DE\n\nnetwork=\{\n\tssid="Café Wi-Fi"\n\tkey_mgmt=WPA-PSK WPA-PSK-SHA256\n\tpsk=b8313eeb/m);
        assert.match(read(r, 'etc/systemd/network/20-masq-wireless.network'), /Name=wlan\*\n[\s\S]*DHCP=yes/);
        assert.ok(!lstatSync(join(r.root, 'etc/systemd/system/multi-user.target.wants/wpa_supplicant@wlan0.service'), { throwIfNoEntry: false }), 'masq-wifi joins the network, not wpa_supplicant@wlan0');
        assert.ok(!lstatSync(join(r.root, 'etc/default'), { throwIfNoEntry: false }), 'no keyboard file: the image has no keyboard-configuration');
        assert.deepEqual(readdirSync(r.boot).sort(), ['cmdline.txt', 'meta-data'], 'user-data and network-config gone');
        assert.equal(read({ ...r, root: r.boot }, 'cmdline.txt'), `${CMDLINE} cfg80211.ieee80211_regdom=DE\n`);
        assert.equal(await runImager(['--root', r.root, '--boot', r.boot]), 0, 'a second run finds nothing to do');
        // The same file back on the card (as when its removal failed) is removed, not applied again.
        rmSync(keys);
        writeFileSync(join(r.boot, 'user-data'), fixture('user-data-2.0.11'));
        assert.equal(await runImager(['--root', r.root, '--boot', r.boot]), 0);
        assert.ok(!existsSync(keys) && !existsSync(join(r.boot, 'user-data')));
      });
  });

  test('the QEMU boot test\'s minimal user-data: a key-only admin who can log in with the key', async () => {
    await withRoot({ 'user-data': QEMU_USER_DATA }, CMDLINE, async (r) => {
      assert.equal(await runImager(['--root', r.root, '--boot', r.boot]), 0);
      assert.match(line(r, 'etc/shadow', 'tester')[1] ?? '', /^!/, 'password login locked');
      for (const g of ['users', 'adm', 'sudo', 'masq-admin']) assert.ok(members(r, g).includes('tester'), g);
      assert.equal(read(r, 'home/tester/.ssh/authorized_keys'), `${K1}\n`);
      assert.equal(read(r, 'etc/sudoers.d/90-masq-imager-tester'), '# Raspberry Pi Imager asked for sudo without a password (masq-firstboot-imager).\ntester ALL=(ALL) NOPASSWD:ALL\n');
      assert.equal(mode(join(r.root, 'etc/sudoers.d/90-masq-imager-tester')), 0o440);
      assert.match(read(r, 'etc/ssh/sshd_config.d/10-masq-imager.conf'), /PasswordAuthentication no/);
      assert.ok(!lstatSync(join(r.root, 'etc/hostname'), { throwIfNoEntry: false }), 'no hostname asked: masq-XXXX naming still runs');
    });
  });

  test('firstrun.sh (Imager 2.0) from the systemd.run boot: applied, deleted, cmdline.txt back to normal', async () => {
    await withRoot({ 'firstrun.sh': fixture('firstrun-2.0.sh') }, `${CMDLINE}${FIRSTRUN_BOOT}`, async (r) => {
      assert.equal(await runImager(['--root', r.root, '--boot', r.boot]), 0);
      assert.equal(line(r, 'etc/shadow', 'hedy')[1], YESCRYPT);
      assert.ok(members(r, 'audio').includes('hedy') && members(r, 'video').includes('hedy') && !read(r, 'etc/group').includes('gpio'), 'Imager\'s groups that exist here');
      assert.equal(read(r, 'etc/hostname'), 'attic\n');
      assert.match(read(r, 'etc/wpa_supplicant/wpa_supplicant-wlan0.conf'), /country=AT/);
      assert.deepEqual(readdirSync(r.boot), ['cmdline.txt']);
      assert.equal(readFileSync(join(r.boot, 'cmdline.txt'), 'utf8'), `${CMDLINE}\n`);
    });
  });

  test('a bad file (or country on cmdline.txt) stays and fails the run; the good one is still applied', async () => {
    await withRoot({ 'user-data': '#cloud-config\nuser:\n  name: a\n  plain_text_passwd: hunter2\n', 'network-config': fixture('network-config-2.0.0') }, `${CMDLINE} cfg80211.ieee80211_regdom=XYZ`, async (r) => {
      assert.equal(await runImager(['--root', r.root, '--boot', r.boot]), 1);
      assert.deepEqual(readdirSync(r.boot).sort(), ['cmdline.txt', 'user-data']);
      assert.match(read(r, 'etc/wpa_supplicant/wpa_supplicant-wlan0.conf'), /country=US\n[\s\S]*scan_ssid=1/);
    });
  });

  test('one action failing (a system account\'s name) does not stop the others; applying twice updates', async () => {
    await withRoot({}, CMDLINE, async (r) => {
      const user = (name: string, keys: string[]) => ({ kind: 'user' as const, user: { name, groups: ['nonexistent', 'adm'], shell: '/bin/zsh', lockPassword: true, sshKeys: keys, passwordlessSudo: false } });
      const first: Outcome[] = await applyActions(r.root, [user('masq', []), { kind: 'hostname', name: 'box' }, user('ada', [K1]), { kind: 'authorized-keys', user: 'ada', keys: [K1] }], runProgram);
      assert.deepEqual(first.map((o) => o.status), ['failed', 'applied', 'applied', 'applied']);
      assert.match(first[0]?.detail ?? '', /system account/);
      assert.equal(first[2]?.detail, 'groups not on this box: nonexistent; /bin/zsh is not a login shell here: /bin/sh instead');
      const again = await applyActions(r.root, [user('ada', [K2]), { kind: 'authorized-keys', user: 'ada', keys: [K2] }, { kind: 'timezone', zone: 'Mars/Olympus' }], runProgram);
      assert.deepEqual(again.map((o) => o.status), ['applied', 'applied', 'skipped']);
      assert.equal(read(r, 'home/ada/.ssh/authorized_keys'), `${K1}\n${K2}\n`, 'keys already there are kept');
      assert.equal(read(r, 'etc/passwd').split('\n').filter((l) => l.startsWith('ada:')).length, 1);
    });
  });

  test('scrubbing overwrites the file\'s bytes before deleting it', async () => {
    await withRoot({ 'firstrun.sh': 'secret-psk-secret-psk\n' }, CMDLINE, async (r) => {
      // A second name for the same file shows what is left in its blocks after the delete.
      linkSync(join(r.boot, 'firstrun.sh'), join(r.boot, 'witness'));
      await scrub(r.boot, 'firstrun.sh');
      assert.deepEqual(readFileSync(join(r.boot, 'witness')), Buffer.alloc(22));
      assert.ok(!readdirSync(r.boot).includes('firstrun.sh'));
    });
  });
});
