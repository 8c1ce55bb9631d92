// The login the keys open, and whether a name may be used for it: a new account, or one this box made for the
// purpose before. Never another existing account or group: adding a key there would hand someone else's login (or
// a system account) the owner's root. Pure: the callers read /etc/passwd, /etc/group and the list of made accounts.

import { SshAccessError } from './errors.js';

/** The login name until the owner chooses another: it names the person the docs call the owner, and no Debian account. */
export const DEFAULT_LOGIN = 'owner';
const LOGIN = /^[a-z][a-z0-9-]{0,30}$/;
/** The full name (GECOS) of the accounts made for the setup page's keys, for a reader of /etc/passwd. */
export const ACCOUNT_GECOS = 'MASQ box owner (ssh access from the setup page)';

/** Returns the name if it is a valid login name; throws SshAccessError otherwise. */
export function checkLoginName(name: string): string {
  if (!LOGIN.test(name)) {
    throw new SshAccessError('user-invalid', `'${name.slice(0, 40)}' cannot be a login name here: 1 to 31 lower-case letters, digits or dashes, starting with a letter.`);
  }
  return name;
}

/** Name → uid of a passwd file's lines, or name → gid of a group file's. */
export function idsByName(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id !== undefined && /^[0-9]{1,10}$/.test(id)) out.set(name, Number(id));
  }
  return out;
}

/** The accounts this box made for the keys: one "name uid" line each. */
export function parseMade(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z][a-z0-9-]{0,30}) ([0-9]{1,10})$/.exec(line.trim());
    if (m) out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

export const madeLine = (name: string, uid: number): string => `${name} ${uid}\n`;

export interface AccountFacts {
  /** Login names and their uids (/etc/passwd, or getent). */
  users: ReadonlyMap<string, number>;
  /** Group names and their gids (/etc/group). */
  groups: ReadonlyMap<string, number>;
  /** What this box made (parseMade). */
  made: ReadonlyMap<string, number>;
}

/** Whether the login exists already as one this box made (true), is free (false); throws when it is someone else's. */
export function loginIsOurs(name: string, facts: AccountFacts): boolean {
  const uid = facts.users.get(name);
  if (uid !== undefined) {
    if (facts.made.get(name) === uid) return true;
    throw new SshAccessError('user-taken', `${name} is an existing account of this system (uid ${uid}), not one made for the setup page's keys.`);
  }
  // useradd makes a group of the user's name; an existing one (sudo, masq-admin, …) must not become the login's.
  if (facts.groups.has(name)) throw new SshAccessError('user-taken', `${name} is an existing group of this system.`);
  return false;
}
