// What the image's boot tests share: a copy of the released image as a card, Raspberry Pi Imager's files for an
// ssh key put on it, and a box booted from it the way a Pi's firmware would (the kernel and initrd config.txt names,
// the card's own cmdline.txt read afresh at every boot).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run } from '../helpers/processes.js';
import { cardCmdline, cardOf, firmwareFiles, QemuBox, qemuAppend, readBootFile, writeBootFile, type Card, type MachineKind } from './qemu-box.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const IMAGE = join(ROOT, 'dist', 'image', `masq-pi-${version}-arm64.img.xz`);
/** Sparse, and the size a Pi 3 board model accepts (a power of two). */
const CARD_BYTES = 4 * 1024 ** 3;
export const USER = 'owner';

/** A copy of the released image as a 4 GiB card in `dir`. */
export async function freshCard(dir: string, name: string): Promise<Card> {
  const disk = join(dir, name);
  const r = await run('sh', ['-c', `xz -dc '${IMAGE}' > '${disk}' && truncate -s ${CARD_BYTES} '${disk}'`], {}, 300_000);
  assert.equal(r.code, 0, r.stderr);
  return cardOf(disk);
}

/** What Raspberry Pi Imager writes to the boot partition for "allow public-key authentication only". */
export function imagerUserData(publicKey: string): string {
  return ['#cloud-config', 'manage_etc_hosts: true', 'users:', `- name: ${USER}`,
    '  groups: users,adm,dialout,audio,netdev,video,plugdev,cdrom,games,input,gpio,spi,i2c,render,sudo',
    '  shell: /bin/bash', '  lock_passwd: true', '  ssh_authorized_keys:', `    - ${publicKey}`,
    '  sudo: ALL=(ALL) NOPASSWD:ALL', 'ssh_pwauth: false', 'timezone: Europe/Prague', ''].join('\n');
}

/** A new ssh key in `dir`, given to the card as Imager gives it; the private key's path. */
export async function giveSshKey(card: Card, dir: string): Promise<string> {
  const key = join(dir, 'id_ed25519');
  const kg = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'image-test', '-f', key]);
  assert.equal(kg.code, 0, kg.stderr);
  writeFileSync(join(dir, 'user-data'), imagerUserData(readFileSync(`${key}.pub`, 'utf8').trim()));
  await writeBootFile(card, join(dir, 'user-data'), 'user-data');
  writeFileSync(join(dir, 'meta-data'), 'instance-id: rpi-imager-1\n');
  await writeBootFile(card, join(dir, 'meta-data'), 'meta-data');
  return key;
}

/** Boots the card as the board `machine`, its files read into `dir`/`label`. */
export async function bootCard(o: { dir: string; card: Card; machine: MachineKind; label: string; mac: string; rtcBase?: string }): Promise<QemuBox> {
  const files = join(o.dir, o.label);
  await run('mkdir', ['-p', files]);
  const config = join(files, 'config.txt');
  await readBootFile(o.card, 'config.txt', config);
  const named = firmwareFiles(readFileSync(config, 'utf8'));
  const kernel = join(files, 'kernel');
  const initrd = join(files, 'initrd');
  await readBootFile(o.card, named.kernel, kernel);
  await readBootFile(o.card, named.initramfs, initrd);
  let dtb: string | undefined;
  if (o.machine === 'raspi3b') {
    dtb = join(files, 'pi3.dtb');
    await readBootFile(o.card, 'bcm2837-rpi-3-b.dtb', dtb);
  }
  const append = qemuAppend(await cardCmdline(o.card, files), o.machine);
  return QemuBox.boot({ dir: o.dir, card: o.card, machine: o.machine, mac: o.mac, kernel, initrd, ...(dtb ? { dtb } : {}), append, label: o.label, ...(o.rtcBase ? { rtcBase: o.rtcBase } : {}) });
}
