// BIP-32 derivation paths as MASQ accepts them: "m/44'/60'/0'/0/0", with more than two hardened components so a
// path cannot reach keys that are public-derivable from a widely shared parent.

import { WalletError } from './errors.js';

export const DEFAULT_CONSUMING_PATH = "m/44'/60'/0'/0/0";
export const DEFAULT_EARNING_PATH = "m/44'/60'/0'/0/1";
const MAX_PATH_CHARS = 128;
const MAX_COMPONENTS = 10;
const HARDENED = 0x8000_0000;
const COMPONENT = /^(0|[1-9][0-9]{0,9})('?)$/;

function badPath(path: string, why: string): WalletError {
  return new WalletError('path', `Bad derivation path '${path.slice(0, MAX_PATH_CHARS)}': ${why}.`,
    `Use a path like ${DEFAULT_CONSUMING_PATH}.`);
}

/** The path in canonical form (apostrophes for hardening), checked for MASQ's strength rule. */
export function parsePath(path: string): string {
  if (path.length > MAX_PATH_CHARS) throw badPath(path, 'it is too long');
  const [root, ...parts] = path.split('/');
  if (root !== 'm') throw badPath(path, "it must start with 'm/'");
  if (parts.length === 0 || parts.length > MAX_COMPONENTS) throw badPath(path, `it must have 1 to ${String(MAX_COMPONENTS)} components`);
  let hardened = 0;
  for (const part of parts) {
    const m = COMPONENT.exec(part);
    if (!m || Number(m[1]) >= HARDENED) throw badPath(path, `'${part.slice(0, 12)}' is not an index below 2^31`);
    if (m[2]) hardened += 1;
  }
  if (hardened <= 2) throw badPath(path, 'it has 2 or fewer hardened components and may be too weak');
  return path;
}
