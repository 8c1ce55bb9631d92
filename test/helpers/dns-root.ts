// Throwaway roots for masq-dns-utility: a private mount namespace with tmpfs over /etc (a copy of the host's),
// /run and /var/lib, so the utility works on the real paths and the host's /etc/resolv.conf is never touched.
// Fake resolvectl and systemctl on PATH record their calls to a log file.

import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type Result, type Sandbox, run, waitFor } from './processes.js';

const STEP_MS = 30_000;

export interface DnsRoot {
  /** Runs a command inside the namespace, with the fakes first on PATH. */
  exec(cmd: string, args: readonly string[], input?: string): Promise<Result>;
  /** Runs masq-dns-utility from the source. */
  utility(...args: string[]): Promise<Result>;
  /** A shell line inside the namespace; throws when it fails. */
  sh(script: string, input?: string): Promise<string>;
  /** The fakes' calls so far, one `name args` a line. */
  calls(): string[];
}

const SETUP = `set -eu
mkdir -p "$1/etc"
cp -a /etc/. "$1/etc/"
mount -t tmpfs -o mode=0755 tmpfs /etc
cp -a "$1/etc/." /etc/
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=0755 tmpfs /var/lib
echo ready
exec sleep 600
`;

// The fake resolvectl answers as systemd-resolved would once it has read the drop-in (or not).
const FAKE_RESOLVECTL = `#!/bin/sh
set -eu
echo "resolvectl $*" >> "$DNS_FAKE_LOG"
if [ -f /etc/systemd/resolved.conf.d/masq.conf ]; then echo 'Global: 127.0.0.1'; else echo 'Global:'; fi
echo 'Link 2 (eth0): 192.168.1.1'
`;

const FAKE_SYSTEMCTL = `#!/bin/sh
set -eu
echo "systemctl $*" >> "$DNS_FAKE_LOG"
if [ -f "$DNS_FAKE_LOG.fail-systemctl" ]; then echo 'Job for systemd-resolved.service failed.' >&2; exit 1; fi
`;

export async function makeDnsRoot(sandbox: Sandbox): Promise<DnsRoot> {
  const dir = sandbox.tempDir('masq-dns-root-');
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  await run('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'resolvectl'), FAKE_RESOLVECTL);
  writeFileSync(join(bin, 'systemctl'), FAKE_SYSTEMCTL);
  chmodSync(join(bin, 'resolvectl'), 0o755);
  chmodSync(join(bin, 'systemctl'), 0o755);
  writeFileSync(log, '');
  const holder = sandbox.spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', SETUP, 'setup', join(dir, 'stage')], {}, true);
  await waitFor('the mount namespace', () => holder.output().includes('ready') || holder.child.exitCode !== null, 15_000);
  if (!holder.output().includes('ready')) throw new Error(`the mount namespace did not start: ${holder.output()}`);
  const pid = String(holder.child.pid);
  const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, DNS_FAKE_LOG: log };
  const exec = (cmd: string, args: readonly string[], input?: string): Promise<Result> =>
    run('nsenter', ['--target', pid, '--mount', `--wd=${ROOT}`, '--', cmd, ...args], env, STEP_MS, input);
  return {
    exec,
    utility: (...args) => exec(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main-dns-utility.ts'), ...args]),
    async sh(script, input) {
      const r = await exec('sh', ['-c', `set -eu\n${script}`], input);
      if (r.code !== 0) throw new Error(`in the namespace: ${script}\n${r.stderr}`);
      return r.stdout;
    },
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

/** Makes the fake systemctl fail (or succeed again). */
export async function failSystemctl(root: DnsRoot, fail: boolean): Promise<void> {
  await root.sh(fail ? 'touch "$DNS_FAKE_LOG.fail-systemctl"' : 'rm -f "$DNS_FAKE_LOG.fail-systemctl"');
}
