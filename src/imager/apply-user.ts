// The user Imager asked for, made with Debian's own tools against the root (useradd, usermod, chpasswd with
// --root), in the groups that exist on the box plus sudo and masq-admin (so `masq` works for them), and its ssh keys.

import type { ImagerUser } from './settings.js';
import { account, groupNames, ownedDir, put, readOptional } from './root-files.js';

export interface RunProgram {
  /** Runs a program with input on its stdin; rejects when it fails. */
  (command: string, args: readonly string[], input?: string): Promise<void>;
}

/** Groups every Imager user gets: an admin of the box (sudo) who may drive the Daemon (masq-admin). */
export const ADMIN_GROUPS = ['sudo', 'masq-admin'];
/** Debian gives accounts below this uid to the system; Imager's user must not become one of them. */
const FIRST_NORMAL_UID = 1000;
const NOBODY_UID = 65534;

/** Makes or updates the account; returns a note of the groups that do not exist here, if any. */
export async function applyUser(root: string, u: ImagerUser, run: RunProgram): Promise<string | undefined> {
  const existing = await account(root, u.name);
  if (existing && (existing.uid < FIRST_NORMAL_UID || existing.uid === NOBODY_UID)) {
    throw new Error(`${u.name} is a system account of this image; choose another user name`);
  }
  const onBox = await groupNames(root);
  const wanted = [...new Set([...u.groups, ...ADMIN_GROUPS])];
  const groups = wanted.filter((g) => onBox.has(g));
  const missing = wanted.filter((g) => !onBox.has(g));
  const shell = (await readOptional(root, 'etc/shells'))?.split('\n').includes(u.shell) === false ? '/bin/sh' : u.shell;
  const r = ['--root', root];
  if (existing) await run('usermod', [...r, '--shell', shell, '--append', '--groups', groups.join(','), u.name]);
  else await run('useradd', [...r, '--create-home', '--user-group', '--shell', shell, '--groups', groups.join(','), u.name]);
  if (u.passwordHash) await run('chpasswd', [...r, '--encrypted'], `${u.name}:${u.passwordHash}\n`);
  if (u.lockPassword) await run('usermod', [...r, '--lock', u.name]);
  const notes = [];
  if (missing.length > 0) notes.push(`groups not on this box: ${missing.join(', ')}`);
  if (shell !== u.shell) notes.push(`${u.shell} is not a login shell here: /bin/sh instead`);
  return notes.length > 0 ? notes.join('; ') : undefined;
}

/** ~/.ssh/authorized_keys (0600, the user's), keeping keys already there. */
export async function applyAuthorizedKeys(root: string, name: string, keys: readonly string[]): Promise<void> {
  const acc = await account(root, name);
  if (!acc || !acc.home.startsWith('/') || acc.home.includes('..')) throw new Error(`${name} has no usable home directory`);
  const owner = { uid: acc.uid, gid: acc.gid };
  const dir = `${acc.home.slice(1)}/.ssh`;
  await ownedDir(root, dir, 0o700, owner);
  const file = `${dir}/authorized_keys`;
  const had = ((await readOptional(root, file)) ?? '').split('\n').filter((l) => l.trim() !== '');
  const all = [...new Set([...had, ...keys])];
  await put(root, file, `${all.join('\n')}\n`, 0o600, owner);
}
