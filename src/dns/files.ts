// The file side of the utility: what is at a path, and replacing it atomically (a new file or link beside the old
// one, then rename), so a reader of /etc/resolv.conf sees the old or the new one and never none or half of one.

import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeSync, chmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MasqError } from '../system/index.js';
import type { Original } from './state-record.js';

/** Larger files are not resolver settings or our own state; reading them whole is not done. */
export const MAX_FILE_BYTES = 256 * 1024;

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

export function fileError(path: string, doing: string, e: unknown): MasqError {
  return new MasqError('DNS', `${path} could not be ${doing} (${code(e) ?? (e instanceof Error ? e.message : String(e))}).`,
    'Run it as root, on a machine whose /etc is writable.');
}

/** Reads a file (through links) that must not be larger than MAX_FILE_BYTES; undefined when there is none. */
export function readBounded(path: string): Buffer | undefined {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) throw new MasqError('DNS', `${path} is larger than ${MAX_FILE_BYTES} bytes, so it is not what this tool expects there.`);
    return readFileSync(path);
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined;
    if (e instanceof MasqError) throw e;
    throw fileError(path, 'read', e);
  }
}

/** What is at `path` itself (a link is not followed). */
export function readOriginal(path: string): Original {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if (code(e) === 'ENOENT') return { kind: 'absent' };
    throw fileError(path, 'read', e);
  }
  if (st.isSymbolicLink()) return { kind: 'symlink', target: readlinkSync(path) };
  if (!st.isFile()) throw new MasqError('DNS', `${path} is neither a file nor a link.`, 'Look at it by hand.');
  const content = readBounded(path);
  if (!content) throw fileError(path, 'read', new Error('it vanished while being read'));
  return { kind: 'file', content, mode: st.mode & 0o7777 };
}

/** A name beside `path` for the new version; one per target, so a leftover from a crash is simply replaced. */
function besideName(path: string): string {
  return join(dirname(path), `.${basename(path)}.masq-dns-utility.new`);
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the new version beside `path` with `make`, then renames it over `path`; a failure leaves `path` as it was. */
function replaceBeside(path: string, doing: string, make: (next: string) => void): void {
  const next = besideName(path);
  try {
    rmSync(next, { force: true });
    make(next);
    renameSync(next, path);
    syncDir(dirname(path));
  } catch (e) {
    rmSync(next, { force: true });
    throw fileError(path, doing, e);
  }
}

/** Writes `content` as `path`, whole or not at all, and on disk before it returns. */
export function writeAtomically(path: string, content: Buffer | string, mode: number): void {
  replaceBeside(path, 'written', (next) => {
    const fd = openSync(next, 'wx', mode);
    try {
      writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // openSync's mode passes through the umask; the original's bits are wanted exactly.
    chmodSync(next, mode);
  });
}

/** Makes `path` a symbolic link to `target`, replacing whatever is there in one rename. */
export function linkAtomically(path: string, target: string): void {
  replaceBeside(path, 'linked', (next) => symlinkSync(target, next));
}

/** Puts back what `readOriginal` found. */
export function restoreOriginal(path: string, o: Original): void {
  if (o.kind === 'file') writeAtomically(path, o.content, o.mode);
  else if (o.kind === 'symlink') linkAtomically(path, o.target);
  else removeFile(path);
}

export function removeFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (e) {
    throw fileError(path, 'removed', e);
  }
}

/** Makes a directory with exactly `mode` (the umask aside); true when it was not there before. */
export function makeDir(path: string, mode: number): boolean {
  try {
    const made = mkdirSync(path, { recursive: true, mode }) !== undefined;
    chmodSync(path, mode);
    return made;
  } catch (e) {
    throw fileError(path, 'made', e);
  }
}
