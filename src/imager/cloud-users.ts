// cloud-init's users (a users: list, or Imager 2.0.10's single user:) read into ImagerUsers. Plain-text passwords
// are refused; keys and hashes are checked; keys this box does not use are named in a note.

import { invalid } from './errors.js';
import type { ImagerUser } from './settings.js';
import * as check from './validate.js';
import { isMap, type YamlMap } from './yaml-input.js';

const FILE = 'user-data';
const MAX_USERS = 8;
const MAX_KEYS = 32;
const PASSWORDLESS = 'ALL=(ALL) NOPASSWD:ALL';
/** Keys of a user entry that this box has no use for: named in a note, not an error. */
const IGNORED = new Set(['gecos', 'primary_group', 'homedir', 'no_create_home', 'uid', 'system', 'expiredate', 'inactive',
  'selinux_user', 'snapuser', 'ssh_import_id', 'ssh_redirect_user', 'no_user_group', 'no_log_init', 'create_groups', 'doas']);

function sudoRule(u: YamlMap, notes: string[], name: string): boolean {
  const v = u.sudo;
  if (v === undefined || v === null || v === false) return false;
  const rules = Array.isArray(v) ? v : [v];
  if (rules.length === 1 && rules[0] === PASSWORDLESS) return true;
  notes.push(`user ${name}: sudo rules other than "${PASSWORDLESS}" are not applied (the user is in the sudo group)`);
  return false;
}

function keys(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length > MAX_KEYS) throw invalid(FILE, `ssh_authorized_keys is not a list of at most ${MAX_KEYS} keys.`, 'Write one key per list entry.');
  return list.map((k) => check.sshKey(FILE, k));
}

function readUser(entry: unknown, notes: string[]): ImagerUser {
  if (typeof entry === 'string') return { name: check.userName(FILE, entry), groups: [], shell: '/bin/bash', lockPassword: true, sshKeys: [], passwordlessSudo: false };
  if (!isMap(entry)) throw invalid(FILE, 'a user is neither a name nor a mapping.', 'Write each user as "- name: …" with its settings below.');
  const name = check.userName(FILE, entry.name);
  if (entry.plain_text_passwd !== undefined) throw check.plainPassword(FILE);
  const hash = entry.hashed_passwd ?? entry.passwd;
  const lock = entry.lock_passwd;
  if (lock !== undefined && typeof lock !== 'boolean') throw invalid(FILE, `lock_passwd of user ${name} is not true or false.`, 'Write lock_passwd: true or lock_passwd: false.');
  const user: ImagerUser = {
    name,
    groups: entry.groups === undefined || entry.groups === null ? [] : check.groupList(FILE, entry.groups),
    shell: entry.shell === undefined ? '/bin/bash' : check.shell(FILE, entry.shell),
    // cloud-init locks the password unless told otherwise.
    lockPassword: lock ?? true,
    sshKeys: keys(entry.ssh_authorized_keys),
    passwordlessSudo: sudoRule(entry, notes, name),
  };
  if (hash !== undefined && hash !== null) user.passwordHash = check.passwordHash(FILE, hash);
  for (const k of Object.keys(entry)) if (IGNORED.has(k)) notes.push(`user ${name}: ${k} is not applied`);
  return user;
}

/** The users of user-data: `user:` (one, Imager 2.0.10 on) and `users:` (a list; cloud-init's "default" is skipped). */
export function readUsers(doc: YamlMap, notes: string[]): ImagerUser[] {
  const entries: unknown[] = [];
  if (doc.user !== undefined && doc.user !== null) entries.push(doc.user);
  if (doc.users !== undefined && doc.users !== null) {
    if (!Array.isArray(doc.users)) throw invalid(FILE, 'users is not a list.', 'Write users as a list: "users:" then "- name: …".');
    entries.push(...doc.users);
  }
  const named = entries.filter((e) => {
    if (e !== 'default') return true;
    notes.push('user-data: cloud-init\'s default user is not made: this image has none');
    return false;
  });
  if (named.length > MAX_USERS) throw invalid(FILE, `more than ${MAX_USERS} users are listed.`, 'Keep the users you log in with.');
  return named.map((e) => readUser(e, notes));
}
