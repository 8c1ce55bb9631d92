// The built Raspberry Pi image, inspected without booting it (make image first; not part of make test): its
// partitions read at their offsets with debugfs (ext4 root) and mtools (FAT boot partition). Nothing secret or
// box-specific is in it, no login has a usable password, our repository is configured, and the units are the
// repository's own.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run } from '../helpers/processes.js';
import { bootFs as bootFsOf, cardOf, rootFs as rootFsOf } from './qemu-box.js';

const IMAGE_DIR = join(ROOT, 'dist', 'image');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NAME = `masq-pi-${version}-arm64.img`;

let tmp = '';
let img = '';
/** debugfs's way of reading a filesystem that starts inside a file. */
let rootFs = '';
let bootFs = '';

async function ok(cmd: string, args: readonly string[], timeoutMs?: number): Promise<string> {
  const r = await run(cmd, args, {}, timeoutMs);
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** A file of the root filesystem, or undefined when it is not there. */
async function rootFile(path: string): Promise<Buffer | undefined> {
  const out = join(tmp, 'dumped');
  rmSync(out, { force: true });
  const r = await run('debugfs', ['-R', `dump ${path} ${out}`, rootFs]);
  if (/File not found|not found by ext2_lookup/.test(r.stderr)) return undefined;
  assert.equal(r.code, 0, r.stderr);
  return readFileSync(out);
}

/** The names in a directory of the root filesystem (debugfs ls -p: /inode/mode/uid/gid/name/size/). */
async function rootList(dir: string): Promise<string[]> {
  const out = await ok('debugfs', ['-R', `ls -p ${dir}`, rootFs]);
  return out.split('\n').map((l) => l.split('/')[5] ?? '').filter((n) => n !== '' && n !== '.' && n !== '..');
}

async function bootFile(name: string): Promise<string> {
  return ok('mtype', ['-i', bootFs, `::${name}`]);
}

before(async () => {
  tmp = mkdtempSync('/var/tmp/masq-image-test-');
  img = join(tmp, NAME);
  const xz = join(IMAGE_DIR, `${NAME}.xz`);
  assert.ok(readdirSync(IMAGE_DIR).includes(`${NAME}.xz`), `${xz} is missing: run make image first`);
  await ok('sh', ['-c', `xz -dc '${xz}' > '${img}'`], 300_000);
  const card = await cardOf(img);
  assert.equal(card.bootType, 'c', 'the boot partition is FAT32 (LBA)');
  assert.equal(card.rootType, '83', 'the root partition is Linux');
  rootFs = rootFsOf(card);
  bootFs = bootFsOf(card);
});
after(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

describe('the image file', () => {
  test('the checksum file matches the compressed image', async () => {
    // The .sha256 names the file without a directory, as it is published.
    await ok('sh', ['-c', `cd '${IMAGE_DIR}' && sha256sum --quiet -c '${NAME}.xz.sha256'`], 120_000);
  });

  test('no ssh host key, no credential key, no machine id, no hostname', async () => {
    const ssh = await rootList('/etc/ssh');
    assert.deepEqual(ssh.filter((n) => n.startsWith('ssh_host_')), []);
    assert.equal(await rootFile('/var/lib/systemd/credential.secret'), undefined);
    assert.equal(await rootFile('/var/lib/systemd/random-seed'), undefined);
    assert.equal((await rootFile('/etc/machine-id'))?.length ?? 0, 0);
    assert.equal(await rootFile('/etc/hostname'), undefined);
  });

  test('no login has a usable password', async () => {
    const shadow = (await rootFile('/etc/shadow'))?.toString() ?? '';
    const lines = shadow.split('\n').filter(Boolean);
    assert.ok(lines.some((l) => l.startsWith('root:')));
    for (const l of lines) assert.match(l.split(':')[1] ?? '', /^[!*]/, `${l.split(':')[0]} has a usable password field`);
  });

  test('our signed repository is configured, with the key that signed dist/apt', async () => {
    const source = (await rootFile('/etc/apt/sources.list.d/masq.sources'))?.toString() ?? '';
    assert.match(source, /^Signed-By: \/etc\/apt\/keyrings\/masq-archive-keyring\.gpg$/m);
    assert.match(source, /^Suites: stable$/m);
    assert.doesNotMatch(source, /file:\/\//, 'the source points at a published address, not the build machine');
    const keyring = await rootFile('/etc/apt/keyrings/masq-archive-keyring.gpg');
    assert.ok(keyring?.equals(readFileSync(join(ROOT, 'dist', 'apt', 'masq-archive-keyring.gpg'))), 'the keyring is the repository\'s');
  });

  test('the units are the repository\'s systemd/ files', async () => {
    for (const unit of readdirSync(join(ROOT, 'systemd'))) {
      const inImage = await rootFile(`/usr/lib/systemd/system/${unit}`);
      assert.ok(inImage?.equals(readFileSync(join(ROOT, 'systemd', unit))), `${unit} differs from systemd/${unit}`);
    }
  });

  test('the appliance settings and the first-boot units', async () => {
    const config = (await rootFile('/etc/masq/config.toml'))?.toString() ?? '';
    assert.match(config, /^setup-page-lan = "on"$/m);
    assert.match(config, /^unattended-restart = "on"$/m);
    // The owner of a card written with dd gets a login from the dashboard; the path unit applies it.
    assert.match(config, /^ssh-access-from-page = "on"$/m);
    // The home network uses the box's proxy; the setup hotspot's programs are there (masq-wifi runs them).
    assert.match(config, /^lan-consuming = "on"$/m);
    for (const program of ['/usr/sbin/hostapd', '/usr/sbin/dnsmasq', '/usr/sbin/iw', '/usr/sbin/nft', '/usr/sbin/wpa_supplicant']) {
      assert.ok(await rootFile(program), `${program} is on the image`);
    }
    assert.ok((await rootList('/etc/systemd/system/paths.target.wants')).includes('masq-ssh-access.path'));
    const fstab = (await rootFile('/etc/fstab'))?.toString() ?? '';
    assert.match(fstab, /^LABEL=masq-root\s+\/\s+ext4\s+\S*noatime/m);
    assert.match(fstab, /^LABEL=MASQ-BOOT\s+\/boot\/firmware\s+vfat\s+\S*noatime/m);
    assert.doesNotMatch(fstab, /\sswap\s/);
    const wants = [...await rootList('/etc/systemd/system/multi-user.target.wants'), ...await rootList('/etc/systemd/system/sysinit.target.wants'),
      ...await rootList('/etc/systemd/system/local-fs.target.wants')];
    for (const u of ['masq-firstboot-hostname.service', 'masq-firstboot-grow-root.service', 'masq-firstboot-keys.service', 'masq-firstboot-setup-code.service', 'masq-daemon.service', 'masq-wifi.service']) {
      assert.ok(wants.includes(u), `${u} is enabled`);
    }
    const timers = await rootList('/etc/systemd/system/timers.target.wants');
    assert.ok(timers.includes('fstrim.timer'), 'fstrim.timer is enabled');
    assert.ok(!timers.includes('masq-upgrade.timer'), 'automatic upgrades are off until the owner turns them on');
    const wizard = await ok('debugfs', ['-R', 'stat /etc/systemd/system/systemd-firstboot.service', rootFs]);
    assert.match(wizard, /Fast link dest: "\/dev\/null"/, 'systemd-firstboot is masked (it would wait on the console)');
  });

  test('the boot partition: the kernel finds the root by label, the seed file holds comments only', async () => {
    const cmdline = await bootFile('cmdline.txt');
    assert.match(cmdline, /root=LABEL=masq-root/);
    assert.match(cmdline, /console=ttyS1,115200 console=tty0/);
    assert.doesNotMatch(cmdline, /cma=/, 'no cma= (a Pi 4 does not boot with cma=64M)');
    const seed = await bootFile('masq-setup-code.txt');
    assert.ok(seed.split('\n').every((l) => l.trim() === '' || l.startsWith('#')), 'no code in the shipped seed file');
    const files = await ok('mdir', ['-b', '-i', bootFs, '::']);
    assert.match(files, /config\.txt/);
    assert.match(files, /initrd\.img/);
  });

  test('Raspberry Pi Imager\'s settings: masq-imager, its first-boot unit and the systemd.run= drop-in', async () => {
    const bundle = (await rootFile('/usr/lib/masq-image/masq-imager.js'))?.toString() ?? '';
    assert.ok(bundle.length > 1000, 'masq-imager.js is on the image');
    assert.doesNotMatch(bundle, /sourceMappingURL/, 'without a pointer to a source map the image does not hold');
    assert.ok((await rootList('/etc/systemd/system/sysinit.target.wants')).includes('masq-firstboot-imager.service'));
    const dropIn = (await rootFile('/etc/systemd/system/kernel-command-line.service.d/masq-imager.conf'))?.toString() ?? '';
    assert.match(dropIn, /^ExecStart=\/usr\/lib\/masq-image\/imager-firstrun\.sh$/m);
  });

  test('the OS list entry for Raspberry Pi Imager 2 describes this image exactly', async () => {
    const entry = (JSON.parse(readFileSync(join(IMAGE_DIR, `masq-pi-${version}.rpi-imager.json`), 'utf8')) as {
      os_list: Array<{ url: string; init_format: string; extract_size: number; extract_sha256: string; image_download_size: number; image_download_sha256: string }>;
    }).os_list[0];
    assert.ok(entry);
    assert.equal(entry.init_format, 'cloudinit', 'Imager 2 writes user-data and network-config for it');
    assert.ok(entry.url.endsWith(`/${NAME}.xz`));
    assert.equal(entry.extract_size, statSync(img).size);
    assert.equal(entry.extract_sha256, (await ok('sha256sum', [img], 120_000)).split(' ')[0], 'Imager refuses to finish a card whose image differs');
    assert.equal(entry.image_download_size, statSync(join(IMAGE_DIR, `${NAME}.xz`)).size);
    assert.equal(entry.image_download_sha256, readFileSync(join(IMAGE_DIR, `${NAME}.xz.sha256`), 'utf8').split(' ')[0]);
  });
});
