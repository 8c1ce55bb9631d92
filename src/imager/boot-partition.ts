// The card's boot partition (FAT, /boot/firmware): Imager's files read with a bound, then their secrets scrubbed —
// overwritten with zeros before deletion, because a deleted FAT file's clusters keep its text for anyone holding
// the card — and cmdline.txt freed of the entries that boot firstrun.sh.

import { open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withoutFirstrun, MAX_CMDLINE_BYTES } from './cmdline.js';
import { ImagerError, MAX_INPUT_BYTES } from './errors.js';
import { lstatIfAny } from './root-files.js';
import { IMAGER_FILES, type ImagerFile } from './settings.js';

export interface BootInputs {
  files: Map<ImagerFile, string>;
  /** Files that are there but cannot be read as settings (too large, not a regular file). */
  refused: ImagerError[];
}

async function sizeIfFile(path: string): Promise<number | 'absent' | 'not a file'> {
  const st = await lstatIfAny(path);
  if (!st) return 'absent';
  return st.isFile() ? st.size : 'not a file';
}

export async function readBootInputs(boot: string): Promise<BootInputs> {
  const out: BootInputs = { files: new Map(), refused: [] };
  for (const name of IMAGER_FILES) {
    const size = await sizeIfFile(join(boot, name));
    if (size === 'absent') continue;
    if (size === 'not a file') {
      out.refused.push(new ImagerError('MALFORMED', name, 'it is not a regular file.', `Remove ${name} from the card.`));
    } else if (size > MAX_INPUT_BYTES) {
      out.refused.push(new ImagerError('TOO_LARGE', name, `${size} bytes is more than the ${MAX_INPUT_BYTES} this box reads.`, 'Write it again with Raspberry Pi Imager.'));
    } else out.files.set(name, await readFile(join(boot, name), 'utf8'));
  }
  return out;
}

/** Zeros over the file's bytes, flushed to the card, then the file deleted. */
export async function scrub(boot: string, name: ImagerFile): Promise<void> {
  const path = join(boot, name);
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    await fh.write(Buffer.alloc(size), 0, size, 0);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await unlink(path);
}

export async function readCmdline(boot: string): Promise<string | undefined> {
  const size = await sizeIfFile(join(boot, 'cmdline.txt'));
  if (typeof size !== 'number' || size > MAX_CMDLINE_BYTES) return undefined;
  return readFile(join(boot, 'cmdline.txt'), 'utf8');
}

/** Takes Imager's systemd.run entries out of cmdline.txt; true when there were any. */
export async function stripCmdline(boot: string): Promise<boolean> {
  const current = await readCmdline(boot);
  const next = current === undefined ? undefined : withoutFirstrun(current);
  if (next === undefined) return false;
  // A new file renamed over the old: a power cut leaves one or the other, never half a command line.
  const tmp = join(boot, 'cmdline.new');
  await writeFile(tmp, next);
  const fh = await open(tmp, 'r');
  await fh.sync().finally(() => fh.close());
  await rename(tmp, join(boot, 'cmdline.txt'));
  return true;
}
