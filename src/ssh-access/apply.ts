// Makes the system what the Daemon's ssh-access.json asks: the login (made if missing, its password locked out,
// in masq-admin and sudo where they exist), its sudoers drop-in and its keys; and takes the setup page's keys and
// sudo from every login this applier made before that is not the wanted one (or from all, when no key is wanted).
// Only logins this applier made are ever touched: it checks again what the Daemon checked.

import { join } from 'node:path';
import {
  ACCOUNT_GECOS, type AccessRecord, isOurSudoers, loginIsOurs, MADE_FILE, madeLine, MAX_AUTHORIZED_KEYS_BYTES, parseMade,
  sudoersName, sudoersText, withOurKeys,
} from '../ssh-keys/index.js';
import { MasqError } from '../system/index.js';
import type { Host, Owner } from './host.js';

/** The groups a login of the keys joins, where the system has them: masq's own, and Debian's for sudo. */
export const LOGIN_GROUPS = ['masq-admin', 'sudo'] as const;
const MAX_SMALL_FILE_BYTES = 64 * 1024;

export interface Places {
  /** The applier's state directory (the made list). */
  state: string;
  sudoersDir: string;
  visudo: string;
}

export const SYSTEM_PLACES: Omit<Places, 'state'> = { sudoersDir: '/etc/sudoers.d', visudo: '/usr/sbin/visudo' };

interface Account extends Owner { home: string; groups: string[] }

export class Applier {
  constructor(private readonly host: Host, private readonly places: Places) {}

  /** Applies the wanted access; returns what the system now is, in a sentence. */
  async apply(wanted: AccessRecord): Promise<string> {
    const made = this.made();
    for (const [name, uid] of made) {
      if (name !== wanted.user || wanted.keys.length === 0) await this.withdraw(name, uid);
    }
    if (wanted.keys.length === 0) return 'No key from the setup page opens a login on this box.';
    const account = await this.login(wanted.user, made);
    const groups: string[] = [];
    for (const g of LOGIN_GROUPS) if (await this.host.getent('group', g)) groups.push(g);
    if (groups.length > 0) await this.host.run('usermod', ['--append', '--groups', groups.join(','), wanted.user]);
    const sudo = await this.grantSudo(wanted.user);
    this.writeKeys(account, wanted.keys.map((k) => k.line));
    const count = wanted.keys.length === 1 ? 'one key' : `${wanted.keys.length} keys`;
    const rights = [groups.includes('masq-admin') ? 'may use masq' : 'may not use masq (the group masq-admin is missing)',
      sudo ? 'may run any command as root with sudo, without a password' : 'has no sudo (sudo is not installed)'];
    return `The login ${wanted.user} opens with ${count}; it ${rights.join(' and ')}.`;
  }

  private made(): Map<string, number> {
    return parseMade(this.host.readFile(join(this.places.state, MADE_FILE), MAX_SMALL_FILE_BYTES) ?? '');
  }

  /** The wanted login: one this applier made, else a new one; never someone else's. */
  private async login(name: string, made: ReadonlyMap<string, number>): Promise<Account> {
    const found = await this.account(name);
    const group = await this.host.getent('group', name);
    const facts = { users: new Map(found ? [[name, found.uid]] : []), groups: new Map(group ? [[name, Number(group[2])]] : []), made };
    if (loginIsOurs(name, facts) && found) return found;
    // useradd gives the account '!' (locked); '*' below is no password either, and sshd takes keys for it with or
    // without PAM, where a '!' account is refused unless UsePAM is on.
    await this.host.run('useradd', ['--create-home', '--shell', '/bin/bash', '--comment', ACCOUNT_GECOS, '--user-group', name]);
    await this.host.run('usermod', ['--password', '*', name]);
    const created = await this.account(name);
    if (!created) throw new MasqError('SSH_ACCESS', `useradd made no account ${name}.`, 'See journalctl -u masq-ssh-access.');
    const list = join(this.places.state, MADE_FILE);
    this.host.writeFile(list, (this.host.readFile(list, MAX_SMALL_FILE_BYTES) ?? '') + madeLine(name, created.uid), { mode: 0o644 });
    return created;
  }

  private async account(name: string): Promise<Account | undefined> {
    const pw = await this.host.getent('passwd', name);
    if (!pw) return undefined;
    const [uid, gid, home] = [Number(pw[2]), Number(pw[3]), pw[5] ?? ''];
    if (!Number.isInteger(uid) || !Number.isInteger(gid) || !home.startsWith('/') || home === '/') {
      throw new MasqError('SSH_ACCESS', `The account ${name} has no usable uid, gid or home directory.`, 'Look at it with getent passwd as root.');
    }
    const groups: string[] = [];
    for (const g of LOGIN_GROUPS) if ((await this.host.getent('group', g))?.[3]?.split(',').includes(name)) groups.push(g);
    return { uid, gid, home, groups };
  }

  /** A sudoers drop-in checked by visudo before it is moved in; false when sudo is not installed. */
  private async grantSudo(user: string): Promise<boolean> {
    if (!this.host.exists(this.places.visudo) || !this.host.exists(this.places.sudoersDir)) return false;
    await this.host.writeChecked(join(this.places.sudoersDir, sudoersName(user)), sudoersText(user), { mode: 0o440 },
      (tmp) => this.host.run(this.places.visudo, ['-c', '-q', '-f', tmp]));
    return true;
  }

  private writeKeys(a: Account, lines: readonly string[]): void {
    const owner = { uid: a.uid, gid: a.gid };
    const ssh = join(a.home, '.ssh');
    this.host.ensureDirectory(ssh, { mode: 0o700, owner });
    const file = join(ssh, 'authorized_keys');
    const before = this.host.readFile(file, MAX_AUTHORIZED_KEYS_BYTES) ?? '';
    const after = withOurKeys(before, lines);
    if (after !== before) this.host.writeFile(file, after, { mode: 0o600, owner });
  }

  /** A login made before loses the page's keys, its sudoers drop-in and the groups; its account and files stay. */
  private async withdraw(name: string, uid: number): Promise<void> {
    const a = await this.account(name);
    // Deleted since, or the name now someone else's: nothing of it is ours any more.
    if (!a || a.uid !== uid) return;
    if (this.host.exists(join(a.home, '.ssh'))) this.writeKeys(a, []);
    const sudoers = join(this.places.sudoersDir, sudoersName(name));
    const text = this.host.readFile(sudoers, MAX_SMALL_FILE_BYTES);
    if (text !== undefined && isOurSudoers(text)) this.host.removeFile(sudoers);
    for (const g of a.groups) await this.host.run('gpasswd', ['--delete', name, g]);
  }
}
