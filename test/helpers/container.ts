// Debian roots for system tests: `debianRoot(release, arch)` gives a fresh directory unpacked from a cached
// mmdebstrap tarball, and `boot(root)` starts it under systemd-nspawn with systemd as PID 1 and no network but its
// own loopback. Commands run inside with nsenter. nspawn prints nothing and never ends without a terminal, so it
// runs under `script` (known-to-work-here.md).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Result, run, waitFor } from './processes.js';

const CACHE = process.env.MASQ_ROOT_CACHE ?? '/var/tmp/masq-roots';
const MIRROR = process.env.MASQ_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
/** What a test root holds besides the minimal system: what the package depends on and what the tests use. */
const INCLUDE = ['systemd', 'systemd-sysv', 'dbus', 'nodejs', 'adduser', 'curl', 'procps', 'iproute2', 'ca-certificates'];

/** What the appliance image has besides, for the tests of ssh logins (test/system/ssh-access.test.ts). */
export const SSH_PACKAGES = ['openssh-server', 'sudo'] as const;

export type Release = 'bookworm' | 'trixie';
/** SIGRTMIN (34 on Linux) + 4; Node.js has no name for real-time signals. */
const SIGRTMIN_PLUS_4 = 38;

/** Foreign-architecture binaries run through qemu-user, which needs binfmt_misc mounted and the handler on. */
async function ensureBinfmt(arch: string): Promise<void> {
  if (arch === 'amd64') return;
  const qemu = arch === 'arm64' ? 'qemu-aarch64' : `qemu-${arch}`;
  if (!existsSync('/proc/sys/fs/binfmt_misc/register')) await run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', '/proc/sys/fs/binfmt_misc']);
  if (!existsSync(`/proc/sys/fs/binfmt_misc/${qemu}`)) await run('update-binfmts', ['--enable', qemu]);
  if (!existsSync(`/proc/sys/fs/binfmt_misc/${qemu}`)) throw new Error(`${arch} binaries cannot run here: install qemu-user-static and binfmt-support`);
}

/**
 * A cached tarball of a minimal Debian root (built once with mmdebstrap, about 20 s for amd64). `extra` packages
 * go in too (the roots have no network, so a test cannot apt-get them later); they name a tarball of their own.
 */
export async function rootTarball(release: Release, arch = 'amd64', extra: readonly string[] = []): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  await ensureBinfmt(arch);
  const tar = join(CACHE, `${release}-${arch}-v1${extra.map((p) => `+${p}`).join('')}.tar`);
  if (existsSync(tar)) return tar;
  const r = await run('mmdebstrap', [
    '--variant=apt', '--format=tar', `--architectures=${arch}`, `--include=${[...INCLUDE, ...extra].join(',')}`,
    release, `${tar}.part`, `deb ${MIRROR} ${release} main`,
  ], {}, 20 * 60_000);
  if (r.code !== 0) throw new Error(`mmdebstrap ${release} ${arch} failed: ${r.stderr.slice(-2000)}`);
  spawnSync('mv', [`${tar}.part`, tar]);
  return tar;
}

/** A fresh root from the tarball, in a temp dir the caller removes (see removeRoot). */
export async function debianRoot(release: Release, arch = 'amd64', extra: readonly string[] = []): Promise<string> {
  const tar = await rootTarball(release, arch, extra);
  const dir = mkdtempSync(join(CACHE, `root-${release}-${arch}-`));
  const r = await run('tar', ['-C', dir, '-xf', tar], {}, 120_000);
  if (r.code !== 0) throw new Error(`unpacking ${tar}: ${r.stderr}`);
  return dir;
}

export function removeRoot(dir: string): void {
  // Anything still mounted below the root (a chroot's /proc) goes first, or rm would walk into it.
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(`${dir}/`));
  for (const m of mounts.sort().reverse()) spawnSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
}

export interface Container {
  root: string;
  /** Runs a shell command inside the booted system (as root). */
  sh(command: string, timeoutMs?: number): Promise<Result>;
  /** Powers the system off and waits (kills it if it will not go). */
  stop(): Promise<void>;
}

function commandName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    // Gone already: not the init.
    return undefined;
  }
}

function childOf(pid: number): number | undefined {
  const r = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  const first = r.stdout.split('\n').find(Boolean);
  return first ? Number(first) : undefined;
}

export async function boot(root: string): Promise<Container> {
  const nspawn = spawn('script', ['-qfc', `systemd-nspawn -D ${root} --register=no --keep-unit --console=read-only --private-network -b`, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  nspawn.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  const exited = new Promise<void>((r) => nspawn.once('exit', () => r()));
  // script → systemd-nspawn → the container's PID 1. nspawn's first child may still be its own helper, not yet
  // systemd: only a child that runs systemd is the init (a helper's pid made every nsenter fail, so the boot
  // seemed never to end).
  const init = await waitFor('the container\'s init', () => {
    const ns = childOf(nspawn.pid ?? 0);
    const pid = ns !== undefined ? childOf(ns) : undefined;
    return pid !== undefined && commandName(pid) === 'systemd' ? pid : undefined;
  }, 15_000);
  const sh = (command: string, timeoutMs = 120_000): Promise<Result> =>
    run('nsenter', ['-t', String(init), '-m', '-u', '-i', '-n', '-p', '--', '/bin/sh', '-c', command], { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' }, timeoutMs);
  try {
    await waitFor('systemd to finish booting', async () => {
      const s = (await sh('systemctl is-system-running', 10_000)).stdout.trim();
      return s === 'running' || s === 'degraded';
    }, 60_000, 250);
  } catch (e) {
    nspawn.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${out.slice(-3000)}`, { cause: e });
  }
  return {
    root, sh,
    async stop() {
      try {
        process.kill(init, SIGRTMIN_PLUS_4); // systemd powers off on it
      } catch {
        // already gone
      }
      const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
      if (!done) {
        nspawn.kill('SIGKILL');
        spawnSync('kill', ['-9', String(init)]);
        await exited;
      }
    },
  };
}
