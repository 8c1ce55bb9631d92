// Who may drive the Daemon and the Node under systemd: whoever can read /run/masq/ui-token (root and the group
// masq-admin). The Daemon makes a fresh token at each start; both UI servers refuse an upgrade without it.

import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { chownSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { MasqError } from '../system/index.js';

/** The request header of the WebSocket upgrade that carries the token. */
export const UI_TOKEN_HEADER = 'x-masq-ui-token';
export const UI_TOKEN_FILE = 'ui-token';
export const DEFAULT_UI_TOKEN_PATH = '/run/masq/ui-token';
export const ADMIN_GROUP = 'masq-admin';
/** Owner writes, the administrators' group reads, nobody else. */
export const UI_TOKEN_MODE = 0o640;

export function newUiToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison (hashed first, so the lengths match too). */
export function tokenMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const h = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(given), h(expected));
}

/** Where masq looks for the token: MASQ_UI_TOKEN_FILE, else the systemd runtime directory's file. */
export function tokenFilePath(env: NodeJS.ProcessEnv): string {
  return env.MASQ_UI_TOKEN_FILE || DEFAULT_UI_TOKEN_PATH;
}

/** The token, or undefined when there is none to read (no systemd Daemon) or this user may not read it. */
export function readUiToken(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return readFileSync(tokenFilePath(env), 'utf8').trim() || undefined;
  } catch {
    // Missing or unreadable: the servers decide, and say so in one sentence if they require a token.
    return undefined;
  }
}

/** The sentence a user outside masq-admin reads. */
export function permissionDenied(user = userInfo().username): MasqError {
  return new MasqError('UI_PERMISSION', `Permission denied: only members of ${ADMIN_GROUP} (or root) can use masq here;`, `ask an administrator to add you: adduser ${user} ${ADMIN_GROUP}`);
}

/** The gid of a group from /etc/group text. */
export function groupId(name: string, groupFile: string): number | undefined {
  for (const line of groupFile.split('\n')) {
    const [n, , gid] = line.split(':');
    if (n === name && gid !== undefined && /^[0-9]+$/.test(gid)) return Number(gid);
  }
  return undefined;
}

/**
 * What to do about the token file's group: nothing when it is the administrators' already (the unit's Group= sees
 * to that), chown to their gid when it is not, or warn when there is no such group (a hand-made setup).
 */
export function groupAction(fileGid: number, adminGid: number | undefined): { chown: number } | { warn: string } | undefined {
  if (adminGid === undefined) return { warn: `There is no group ${ADMIN_GROUP}: only root can use masq with this Daemon.` };
  return fileGid === adminGid ? undefined : { chown: adminGid };
}

/** Writes the token (atomically, 0640) into the runtime directory. Returns a warning to log, if any. */
export function writeUiTokenFile(dir: string, token: string, groupFile = (): string => readFileSync('/etc/group', 'utf8')): string | undefined {
  const path = join(dir, UI_TOKEN_FILE);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${token}\n`, { mode: UI_TOKEN_MODE, flag: 'wx' });
    const action = groupAction(statSync(tmp).gid, groupId(ADMIN_GROUP, groupFile()));
    if (action && 'chown' in action) chownSync(tmp, statSync(tmp).uid, action.chown);
    renameSync(tmp, path);
    return action && 'warn' in action ? action.warn : undefined;
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new MasqError('CONFIG_FILE', `Cannot write the UI token to ${path}: ${(e as Error).message}.`, `Run the Daemon as masq-daemon.service (its unit creates ${dir} and gives it to ${ADMIN_GROUP}).`);
  }
}
