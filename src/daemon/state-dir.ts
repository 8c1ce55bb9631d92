// The Daemon's own state directory (StateDirectory=masq-daemon under systemd): the box's claim, the kept setup,
// the sealed secrets. Files are small and written whole: temp file, fsync, rename, so a power cut leaves the old
// file or the new one, never half of one. A file that cannot be read is moved aside as <name>.bad, never lost.

import { closeSync, fsyncSync, mkdirSync, chmodSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MasqError } from '../system/index.js';

export const STATE_DIRECTORY_NAME = 'masq-daemon';

/** --state-directory, else $STATE_DIRECTORY (systemd; the first of its list), else the XDG state home. */
export function stateDirectoryPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return flag;
  const fromSystemd = env.STATE_DIRECTORY?.split(':')[0];
  if (fromSystemd) return fromSystemd;
  const home = env.XDG_STATE_HOME || `${env.HOME ?? '/root'}/.local/state`;
  return join(home, STATE_DIRECTORY_NAME);
}

export type StateRead =
  | { kind: 'absent' }
  | { kind: 'ok'; data: Buffer }
  | { kind: 'unreadable'; why: string };

/** Where the Daemon keeps files: a directory, or memory in tests. */
export interface StateStore {
  /** Shown in log lines and errors. */
  readonly where: string;
  read(name: string): StateRead;
  /** Atomic; throws MasqError when the file cannot be written. */
  write(name: string, data: string | Buffer): void;
  remove(name: string): void;
  /** Moves an unusable file aside as <name>.bad (replacing an older one); returns the new name. */
  setAside(name: string): string;
}

export class DirectoryState implements StateStore {
  constructor(readonly where: string) {
    try {
      mkdirSync(where, { recursive: true, mode: 0o700 });
      chmodSync(where, 0o700);
    } catch (e) {
      throw new MasqError('STORE_OPEN', `The Daemon cannot use its state directory ${where}: ${(e as Error).message}.`, 'Give another one with --state-directory, or check its owner and permissions.');
    }
  }

  read(name: string): StateRead {
    try {
      return { kind: 'ok', data: readFileSync(join(this.where, name)) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { kind: 'absent' };
      return { kind: 'unreadable', why: (e as Error).message };
    }
  }

  write(name: string, data: string | Buffer): void {
    const file = join(this.where, name);
    const tmp = join(this.where, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    let fd: number | undefined;
    try {
      // 0600 from the first byte; the directory's 0700 keeps everyone but its owner out anyway.
      fd = openSync(tmp, 'wx', 0o600);
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, file);
      syncDirectory(this.where);
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      rmSync(tmp, { force: true });
      throw new MasqError('STORE_OPEN', `The Daemon cannot save ${file}: ${(e as Error).message}.`, 'Check that the disk is not full or read-only.');
    }
  }

  remove(name: string): void {
    try {
      rmSync(join(this.where, name), { force: true });
      syncDirectory(this.where);
    } catch (e) {
      throw new MasqError('STORE_OPEN', `The Daemon cannot remove ${join(this.where, name)}: ${(e as Error).message}.`, 'Remove it by hand (as root).');
    }
  }

  setAside(name: string): string {
    const bad = `${name}.bad`;
    try {
      renameSync(join(this.where, name), join(this.where, bad));
    } catch {
      // Nothing to move (or it cannot be moved): the caller goes on with its fallback either way.
    }
    return join(this.where, bad);
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The state of one Daemon object kept in memory: for tests, and what a Daemon without a directory has. */
export class MemoryState implements StateStore {
  readonly files = new Map<string, Buffer>();
  constructor(readonly where = '(memory)') {}

  read(name: string): StateRead {
    const data = this.files.get(name);
    return data === undefined ? { kind: 'absent' } : { kind: 'ok', data: Buffer.from(data) };
  }

  write(name: string, data: string | Buffer): void {
    this.files.set(name, Buffer.from(data));
  }

  remove(name: string): void {
    this.files.delete(name);
  }

  setAside(name: string): string {
    const data = this.files.get(name);
    if (data) this.files.set(`${name}.bad`, data);
    this.files.delete(name);
    return `${this.where}/${name}.bad`;
  }
}

/**
 * A JSON file of the state store, checked by `parse` (which throws or returns undefined for what it cannot use).
 * Absent: undefined. Unusable: logged through `bad`, moved aside, undefined.
 */
export function readJson<T>(store: StateStore, name: string, parse: (v: unknown) => T | undefined, bad: (why: string, setAsideAs: string) => void): T | undefined {
  const r = store.read(name);
  if (r.kind === 'absent') return undefined;
  let why: string;
  if (r.kind === 'unreadable') {
    why = r.why;
  } else {
    try {
      const value = parse(JSON.parse(r.data.toString('utf8')));
      if (value !== undefined) return value;
      why = 'its contents are not what the Daemon writes';
    } catch (e) {
      why = e instanceof SyntaxError ? `it is not valid JSON (${e.message})` : (e as Error).message;
    }
  }
  bad(why, store.setAside(name));
  return undefined;
}
