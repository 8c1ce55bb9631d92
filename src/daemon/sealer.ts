// Sealing the secrets the Daemon keeps for an unattended restart (the database password, a consuming key): with
// systemd-creds and the host key (/var/lib/systemd/credential.secret, root's alone), so the sealed file is useless
// off this machine and to anyone but root on it. An interface, so the Daemon's rules are tested without it.

import { spawn } from 'node:child_process';
import { MasqError } from '../system/index.js';

export interface Sealer {
  /** The plaintext sealed under `name` (the name is sealed with it and checked when unsealing). */
  seal(name: string, plaintext: string): Promise<Buffer>;
  unseal(name: string, sealed: Buffer): Promise<string>;
}

/** For a Daemon without sealing: every seal fails, saying why. */
export const NO_SEALER: Sealer = {
  seal: () => Promise.reject(new MasqError('LAUNCH', 'this Daemon has no way to seal secrets')),
  unseal: () => Promise.reject(new MasqError('LAUNCH', 'this Daemon has no way to unseal secrets')),
};

export interface SystemdCredsOptions {
  command?: string;
  timeoutMs?: number;
  /** The environment systemd-creds runs with (SYSTEMD_CREDENTIAL_SECRET among it, in tests). */
  env?: NodeJS.ProcessEnv;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_OUTPUT = 1 << 20;

/** `systemd-creds encrypt --with-key=host --name=<name> - -` and `decrypt --name=<name> - -`: plaintext never on a command line. */
export class SystemdCredsSealer implements Sealer {
  private readonly command: string;
  private readonly timeoutMs: number;

  constructor(private readonly o: SystemdCredsOptions = {}) {
    this.command = o.command ?? 'systemd-creds';
    this.timeoutMs = o.timeoutMs ?? 10_000;
  }

  async seal(name: string, plaintext: string): Promise<Buffer> {
    return this.run(['encrypt', '--with-key=host', `--name=${checkName(name)}`, '-', '-'], Buffer.from(plaintext, 'utf8'), 'seal');
  }

  async unseal(name: string, sealed: Buffer): Promise<string> {
    return (await this.run(['decrypt', `--name=${checkName(name)}`, '-', '-'], sealed, 'unseal')).toString('utf8');
  }

  private run(args: string[], input: Buffer, what: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, args, { env: this.o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let outBytes = 0;
      let err = '';
      let settled = false;
      const finish = (e: MasqError | undefined, value?: Buffer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (e) reject(e);
        else resolve(value as Buffer);
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(new MasqError('LAUNCH', `${this.command} did not ${what} within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      child.once('error', (e: NodeJS.ErrnoException) => {
        finish(new MasqError('LAUNCH', e.code === 'ENOENT'
          ? `${this.command} was not found (it comes with systemd 250 or later)`
          : `${this.command} could not be run: ${e.message}`));
      });
      child.stdout.on('data', (d: Buffer) => {
        outBytes += d.length;
        if (outBytes <= MAX_OUTPUT) out.push(d);
      });
      child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-2000); });
      child.stdin.on('error', () => undefined); // it may exit before reading: its exit status says why
      child.once('close', (code, signal) => {
        if (code === 0) return finish(undefined, Buffer.concat(out));
        const why = err.split('\n').map((l) => l.trim()).filter((l) => l && !/not located on encrypted media/.test(l)).slice(-2).join(' ');
        finish(new MasqError('LAUNCH', `${this.command} could not ${what} (${code !== null ? `exit code ${code}` : `signal ${signal}`}${why ? `: ${why}` : ''})`));
      });
      child.stdin.end(input);
    });
  }
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new MasqError('USAGE', `'${name}' cannot be a credential name`);
  return name;
}
