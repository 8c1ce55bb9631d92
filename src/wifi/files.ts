// masq-wifi's one way to write a file: beside the old one, then renamed over it, with the mode set after writing.

import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function writeAtomically(path: string, text: string, mode: number, dirMode: number): void {
  if (!existsSync(dirname(path))) {
    mkdirSync(dirname(path), { recursive: true });
    chmodSync(dirname(path), dirMode);
  }
  writeFileSync(`${path}.new`, text);
  // The unit's UMask (0077) would narrow a mode given at creation: set it as meant.
  chmodSync(`${path}.new`, mode);
  renameSync(`${path}.new`, path);
}

/** Secrets and the programs' files: root's alone. */
export const writePrivate = (path: string, text: string): void => writeAtomically(path, text, 0o600, 0o700);
/** systemd-networkd's files, which it reads as its own user systemd-network (they hold no secret). */
export const writeNetworkFile = (path: string, text: string): void => writeAtomically(path, text, 0o644, 0o755);
