// Files under the root being set up (/ on the box, a temporary tree in tests): written whole through a temporary
// name, read with a bound, and the account databases looked up. Symbolic links are refused where a path is written
// on behalf of a user, so a link cannot turn a write into one elsewhere.

import type { Stats } from 'node:fs';
import { chmod, chown, lstat, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const MAX_READ = 256 * 1024;

export interface Owner {
  uid: number;
  gid: number;
}

export async function put(root: string, rel: string, text: string, mode: number, owner?: Owner): Promise<void> {
  const path = join(root, rel);
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const tmp = `${path}.masq-imager-tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  if (owner) await chown(tmp, owner.uid, owner.gid);
  await rename(tmp, path);
}

/** What is at path, or undefined when nothing is (any other failure is thrown). */
export async function lstatIfAny(path: string): Promise<Stats | undefined> {
  return lstat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
}

/** The file's text, or undefined when it does not exist; larger than the bound is an error. */
export async function readOptional(root: string, rel: string): Promise<string | undefined> {
  const path = join(root, rel);
  const st = await lstatIfAny(path);
  if (!st) return undefined;
  if (!st.isFile() || st.size > MAX_READ) throw new Error(`${rel} is not a regular file of at most ${MAX_READ} bytes`);
  return readFile(path, 'utf8');
}

export async function exists(root: string, rel: string): Promise<boolean> {
  return (await lstatIfAny(join(root, rel))) !== undefined;
}

/** Points rel at target, replacing what was there. */
export async function link(root: string, rel: string, target: string): Promise<void> {
  const path = join(root, rel);
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  await rm(path, { force: true });
  await symlink(target, path);
}

export async function remove(root: string, rel: string): Promise<void> {
  await rm(join(root, rel), { force: true });
}

/** A directory owned by a user; an existing link in its place is refused. */
export async function ownedDir(root: string, rel: string, mode: number, owner: Owner): Promise<void> {
  const path = join(root, rel);
  const st = await lstatIfAny(path);
  if (st?.isSymbolicLink()) throw new Error(`${rel} is a symbolic link; it is left alone`);
  await mkdir(path, { recursive: true, mode });
  await chmod(path, mode);
  await chown(path, owner.uid, owner.gid);
}

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export async function account(root: string, name: string): Promise<Account | undefined> {
  for (const line of ((await readOptional(root, 'etc/passwd')) ?? '').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 7) return { name, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '' };
  }
  return undefined;
}

export async function groupNames(root: string): Promise<Set<string>> {
  const text = (await readOptional(root, 'etc/group')) ?? '';
  return new Set(text.split('\n').map((l) => l.split(':')[0] ?? '').filter((n) => n !== ''));
}
