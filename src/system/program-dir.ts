// Where the programs are (dist/ in a checkout, /usr/lib/masq/ from the package), with the files they read beside
// them (the IP-to-country table, the setup page), found from a module's own URL. Bundled, a module is in its
// program's file or in a chunk the programs share, one directory down; from the source tree (tsx), at
// src/<folder>/<file>.ts, the programs are the ones the build wrote into dist/.

import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory the build puts shared and on-demand code in, below the programs (scripts/build.mjs). */
export const CHUNK_DIR = 'chunks';

export function programDir(moduleUrl: string): string {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.ts')) return join(dirname(here), '..', '..', 'dist');
  const dir = dirname(here);
  return basename(dir) === CHUNK_DIR ? dirname(dir) : dir;
}
