// One emulated box for the image's boot tests: qemu-system-aarch64 (software emulation: KVM does not work here)
// booting the card's own kernel and initrd with the card's own cmdline.txt, read afresh at every boot as a Pi's
// firmware would. The console goes to a file; ssh and the setup page are forwarded to loopback ports, and the
// guest reaches nothing else (user networking with restrict=on).

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, run, waitFor, type Result } from '../helpers/processes.js';

const SECTOR = 512;

/** The card: a raw disk file, where its two partitions start and their MBR types. */
export interface Card {
  disk: string;
  bootOffset: number;
  rootOffset: number;
  bootType: string;
  rootType: string;
}

export async function cardOf(disk: string): Promise<Card> {
  const r = await run('sfdisk', ['--json', disk]);
  if (r.code !== 0) throw new Error(`sfdisk ${disk}: ${r.stderr}`);
  const parts = (JSON.parse(r.stdout) as { partitiontable: { partitions: { start: number; type: string }[] } }).partitiontable.partitions;
  const [boot, root] = parts;
  if (!boot || !root) throw new Error(`${disk} does not have two partitions`);
  return { disk, bootOffset: boot.start * SECTOR, rootOffset: root.start * SECTOR, bootType: boot.type, rootType: root.type };
}

/** debugfs's name for the card's ext4 root filesystem. */
export function rootFs(card: Card): string {
  return `${card.disk}?offset=${card.rootOffset}`;
}

/** mtools' name for the card's FAT boot partition. */
export function bootFs(card: Card): string {
  return `${card.disk}@@${card.bootOffset}`;
}

export async function readBootFile(card: Card, name: string, to: string): Promise<void> {
  const r = await run('mcopy', ['-o', '-n', '-i', bootFs(card), `::${name}`, to]);
  if (r.code !== 0) throw new Error(`mcopy ::${name}: ${r.stderr}`);
}

export async function writeBootFile(card: Card, from: string, name: string): Promise<void> {
  const r = await run('mcopy', ['-o', '-i', bootFs(card), from, `::${name}`]);
  if (r.code !== 0) throw new Error(`mcopy to ::${name}: ${r.stderr}`);
}

/**
 * The kernel command line of the card, with the console moved to the emulated board's serial port. On the Pi 3
 * model the hardware watchdog is emulated too, and its 14 s run in host time while the emulated board runs many
 * times slower than a Pi: systemd's pings come late and the board resets in the middle of its boot. So there,
 * and only there, systemd leaves the watchdog alone (on a real Pi it is on; `virt` has none).
 */
export function qemuAppend(cmdline: string, machine: MachineKind): string {
  const kept = cmdline.trim().split(/\s+/).filter((w) => w !== '' && !w.startsWith('console='));
  return [...kept, 'console=ttyAMA0,115200', ...(machine === 'raspi3b' ? ['systemd.watchdog_sec=off'] : [])].join(' ');
}

/** The kernel and initramfs a Pi's firmware loads, as config.txt names them (`kernel=`, `initramfs NAME`). */
export function firmwareFiles(configTxt: string): { kernel: string; initramfs: string } {
  const kernel = /^kernel=(\S+)$/m.exec(configTxt)?.[1];
  const initramfs = /^initramfs\s+(\S+)/m.exec(configTxt)?.[1];
  if (!kernel || !initramfs) throw new Error(`config.txt names no kernel or initramfs:\n${configTxt}`);
  return { kernel, initramfs };
}

export type MachineKind = 'virt' | 'raspi3b';

export interface BootOptions {
  dir: string;
  card: Card;
  machine: MachineKind;
  /** Written to the board as its network card's address (the box names itself after it without a serial). */
  mac: string;
  /** Files taken from the boot partition before this boot. */
  kernel: string;
  initrd: string;
  dtb?: string;
  append: string;
  /** The real-time clock's start ('utc', or a date for a board without a battery-backed clock, as a Pi). */
  rtcBase?: string;
  label: string;
}

export class QemuBox {
  readonly consoleFile: string;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, consoleFile: string, readonly sshPort: number, readonly httpPort: number, private readonly stderr: () => string) {
    this.consoleFile = consoleFile;
    this.exited = new Promise((r) => child.once('exit', () => r()));
  }

  static async boot(o: BootOptions): Promise<QemuBox> {
    const sshPort = await freePort();
    const httpPort = await freePort();
    const consoleFile = join(o.dir, `console-${o.label}.log`);
    const net = `user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:${sshPort}-:22,hostfwd=tcp:127.0.0.1:${httpPort}-:80`;
    const board = o.machine === 'virt'
      ? ['-M', 'virt', '-cpu', 'cortex-a72', '-smp', '2', '-m', '2048',
          '-drive', `file=${o.card.disk},format=raw,if=virtio`, '-device', `virtio-net-pci,netdev=n0,mac=${o.mac}`]
      : ['-M', 'raspi3b', '-m', '1G', '-dtb', o.dtb ?? '', '-drive', `file=${o.card.disk},format=raw,if=sd`,
          '-device', `usb-net,netdev=n0,mac=${o.mac}`];
    const args = [...board, '-kernel', o.kernel, '-initrd', o.initrd, '-append', o.append, '-netdev', net,
      '-rtc', `base=${o.rtcBase ?? 'utc'}`, '-display', 'none', '-monitor', 'none',
      '-chardev', `file,id=c0,path=${consoleFile}`, '-serial', 'chardev:c0'];
    const child = spawn('qemu-system-aarch64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
    return new QemuBox(child, consoleFile, sshPort, httpPort, () => err);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the box has printed on its console so far (the last MiB at most). */
  console(): string {
    if (!existsSync(this.consoleFile)) return '';
    const size = statSync(this.consoleFile).size;
    const len = Math.min(size, 1 << 20);
    const buf = Buffer.alloc(len);
    const fd = openSync(this.consoleFile, 'r');
    try { readSync(fd, buf, 0, len, size - len); } finally { closeSync(fd); }
    // The serial console carries terminal escapes and CRs: plain lines are easier to match.
    return buf.toString('utf8').replace(/\r/g, '').replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), '');
  }

  async waitConsole(what: string, re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return waitFor(what, () => {
      if (!this.running) throw new Error(`QEMU ended while waiting for ${what}: ${this.stderr()}\n${this.console().slice(-3000)}`);
      return re.exec(this.console()) ?? undefined;
    }, timeoutMs, 1000);
  }

  /** A command run over ssh as `user` with the key given through Imager's files. */
  ssh(key: string, user: string, command: string, timeoutMs = 60_000): Promise<Result> {
    return run('ssh', ['-i', key, '-p', String(this.sshPort), '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
      '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=15',
      '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=3', `${user}@127.0.0.1`, command], {}, timeoutMs);
  }

  /** Waits until ssh logs in (the first boot under emulation takes minutes). */
  async waitSsh(key: string, user: string, timeoutMs: number): Promise<void> {
    await waitFor(`ssh into the box as ${user}`, async () => {
      if (!this.running) throw new Error(`QEMU ended before ssh answered: ${this.stderr()}\n${this.console().slice(-3000)}`);
      return (await this.ssh(key, user, 'true', 30_000)).code === 0;
    }, timeoutMs, 5000);
  }

  /** The host key the box's ssh server shows (made by the box itself at its first boot). */
  async hostKey(): Promise<string> {
    const r = await run('ssh-keyscan', ['-p', String(this.sshPort), '-t', 'ed25519', '127.0.0.1'], {}, 30_000);
    const line = r.stdout.split('\n').find((l) => l.includes('ssh-ed25519'));
    if (!line) throw new Error(`ssh-keyscan found no ed25519 key: ${r.stderr}`);
    return line.split(/\s+/).slice(1).join(' ');
  }

  /** Waits for QEMU to end by itself (after a poweroff), or kills it when it does not. */
  async waitExit(timeoutMs: number): Promise<boolean> {
    const done = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => { const t = setTimeout(() => r(false), timeoutMs); t.unref(); })]);
    if (!done) await this.kill();
    return done;
  }

  /** Pulls the plug: SIGKILL to QEMU, as a power cut would (nothing is flushed or unmounted). */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** The card's cmdline.txt as it is now (Imager, and the box itself, may change it between boots). */
export async function cardCmdline(card: Card, dir: string): Promise<string> {
  const to = join(dir, 'cmdline.txt');
  await readBootFile(card, 'cmdline.txt', to);
  return readFileSync(to, 'utf8');
}
