// What the applier does to the system, and nothing else: look accounts up, run the shadow tools and visudo (argument
// lists, never a shell), and read and write small files without following symbolic links. Files are written whole:
// a temporary file beside the target, then a rename, so sshd and sudo see the old file or the new one.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants, fchmodSync, fchownSync, fsyncSync, lstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, chownSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { MasqError } from '../system/index.js';

const COMMAND_TIMEOUT_MS = 30_000;

export interface Owner { uid: number; gid: number }
export interface FileSpec { mode: number; owner?: Owner }

/** The applier's view of the system; tests give their own. */
export interface Host {
  /** The fields of getent passwd|group <name>, or undefined when there is none. */
  getent(db: 'passwd' | 'group', name: string): Promise<string[] | undefined>;
  /** Runs a program; throws a MasqError naming it and its last words when it fails. */
  run(program: string, args: readonly string[]): Promise<void>;
  /** The text of a regular file, undefined when absent; throws when it is a link or anything but a file, or larger than max. */
  readFile(path: string, maxBytes: number): string | undefined;
  /** Writes a file whole (temporary file, then rename) with this mode and owner. */
  writeFile(path: string, text: string, spec: FileSpec): void;
  /** As writeFile, but the file replaces the old one only once `check` passed on the temporary file (visudo -c). */
  writeChecked(path: string, text: string, spec: FileSpec, check: (tmp: string) => Promise<void>): Promise<void>;
  removeFile(path: string): void;
  /** Makes the directory if missing; an existing one must be a real directory of that owner (not a link). */
  ensureDirectory(path: string, spec: FileSpec & { owner: Owner }): void;
  exists(path: string): boolean;
}

const refuse = (message: string, fix: string): never => {
  throw new MasqError('SSH_ACCESS', message, fix);
};

function lstatOrNull(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function temporaryName(path: string): string {
  // A dot first and in the name: sudo skips such files in sudoers.d, and nobody takes them for the real one.
  return join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
}

function writeTemporary(path: string, text: string, spec: FileSpec): string {
  const tmp = temporaryName(path);
  // O_EXCL|O_NOFOLLOW: a link planted under the temporary name is never written through.
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, spec.mode);
  try {
    const bytes = Buffer.from(text);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    // The mode exactly as asked, whatever the umask took off at the open.
    fchmodSync(fd, spec.mode);
    if (spec.owner) fchownSync(fd, spec.owner.uid, spec.owner.gid);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  return tmp;
}

export const REAL_HOST: Host = {
  getent: (db, name) => new Promise((resolve, reject) => {
    execFile('getent', [db, name], { timeout: COMMAND_TIMEOUT_MS }, (err, stdout) => {
      // getent exits 2 when the name is not found.
      if (err && err.code === 2) return resolve(undefined);
      if (err) return reject(new MasqError('SSH_ACCESS', `getent ${db} ${name} failed: ${err.message}`));
      resolve(stdout.trim().split(':'));
    });
  }),

  run: (program, args) => new Promise((resolve, reject) => {
    execFile(program, [...args], { timeout: COMMAND_TIMEOUT_MS }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const words = stderr.trim().split('\n').slice(-3).join(' ').slice(0, 500) || err.message;
      reject(new MasqError('SSH_ACCESS', `${program} ${args.join(' ')} failed: ${words}`, 'See journalctl -u masq-ssh-access for the details.'));
    });
  }),

  readFile(path, maxBytes) {
    const st = lstatOrNull(path);
    if (!st) return undefined;
    if (!st.isFile()) refuse(`${path} is not a plain file (a link or something else): it is not touched.`, `Look at it as root; remove it if it is not yours.`);
    if (st.size > maxBytes) refuse(`${path} is larger than ${maxBytes} bytes: it is not read.`, 'Shorten it as root.');
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const buf = Buffer.alloc(maxBytes);
      return buf.subarray(0, readSync(fd, buf, 0, maxBytes, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  },

  writeFile(path, text, spec) {
    const st = lstatOrNull(path);
    if (st && !st.isFile()) refuse(`${path} is not a plain file (a link or something else): it is not replaced.`, 'Look at it as root; remove it if it is not yours.');
    renameSync(writeTemporary(path, text, spec), path);
  },

  async writeChecked(path, text, spec, check) {
    const tmp = writeTemporary(path, text, spec);
    try {
      await check(tmp);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    renameSync(tmp, path);
  },

  removeFile(path) {
    rmSync(path, { force: true });
  },

  ensureDirectory(path, spec) {
    const st = lstatOrNull(path);
    if (!st) {
      mkdirSync(path, { mode: spec.mode });
      chmodSync(path, spec.mode);
      chownSync(path, spec.owner.uid, spec.owner.gid);
      return;
    }
    if (!st.isDirectory() || st.uid !== spec.owner.uid) {
      refuse(`${path} is not a directory of the login (uid ${spec.owner.uid}): nothing is written into it.`, 'Look at it as root; remove it if it is not the login\'s.');
    }
  },

  exists: (path) => lstatOrNull(path) !== undefined,
};
