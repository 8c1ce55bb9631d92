// A stand-in for systemd-creds in unit tests of the Daemon (reversible and name-checked like the real one, with
// no secret in the clear either, and a switch that makes it fail), and whether the real one is here.

import { execFileSync } from 'node:child_process';
import type { Sealer } from '../../src/daemon/sealer.js';
import { MasqError } from '../../src/system/errors.js';

export class FakeSealer implements Sealer {
  broken: string | undefined;
  async seal(name: string, plaintext: string): Promise<Buffer> {
    if (this.broken) throw new MasqError('LAUNCH', this.broken);
    return Buffer.from(JSON.stringify({ name, p: Buffer.from(plaintext).reverse().toString('base64') }));
  }
  async unseal(name: string, sealed: Buffer): Promise<string> {
    if (this.broken) throw new MasqError('LAUNCH', this.broken);
    const o = JSON.parse(sealed.toString()) as { name: string; p: string };
    if (o.name !== name) throw new MasqError('LAUNCH', `Embedded credential name '${o.name}' does not match`);
    return Buffer.from(o.p, 'base64').reverse().toString();
  }
}

/** Whether the real systemd-creds is here (make test-deps installs it, with the package systemd). */
export const hasCreds = ((): boolean => {
  try {
    execFileSync('systemd-creds', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // not installed: the tests that need it fail with the way to install it
  }
})();
