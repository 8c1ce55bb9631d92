// The Daemon's answers about ssh logins: the login name and the keys the owner wants, kept in ssh-access.json of the
// state directory. The Daemon only records them (it has no capability to make users) and asks for them to be
// applied (ssh-access.pending); masq-ssh-access.service, which a path unit starts while that file exists, applies
// them and leaves its status where the Daemon reads it.

import { type Logger } from '../system/index.js';
import {
  ACCESS_FILE, ACCESS_REQUEST_FILE, type AccessRecord, accessRecordText, type AccountFacts, checkLoginName, DEFAULT_LOGIN, idsByName, loginIsOurs,
  MAX_KEYS, parseAccessRecord, parseApplyStatus, parseAuthorizedKey, parseMade, SshAccessError, type SshKey,
} from '../ssh-keys/index.js';
import type { Answers, Requests } from '../ui/index.js';
import { readJson, type StateStore } from './state-dir.js';

const SSH_OPCODES = ['sshAccess', 'setSshKeys'] as const;
export type SshOpcode = (typeof SSH_OPCODES)[number];
export const isSshOpcode = (op: string): op is SshOpcode => (SSH_OPCODES as readonly string[]).includes(op);

/** The files the desk reads afresh at each request: the system's accounts and what the applier made and did. */
export type SystemFile = 'passwd' | 'group' | 'made' | 'status';

export interface SshDeskDeps {
  state: StateStore;
  log: Logger;
  /** Whether ssh-access-from-page is on. */
  offered(): Promise<boolean>;
  /** A file's text, or undefined when it is absent or unreadable. */
  read(file: SystemFile): string | undefined;
}

type View = Answers['sshAccess'];

export class SshDesk {
  private kept: AccessRecord | undefined;

  constructor(private readonly deps: SshDeskDeps) {}

  async answer(op: SshOpcode, p: Record<string, unknown>): Promise<View> {
    if (!(await this.deps.offered())) {
      throw new SshAccessError('access-off', 'ssh access from the setup page is off on this box, so no key can be added or listed here.');
    }
    if (op === 'sshAccess') return this.view();
    return this.change(p as Requests['setSshKeys']);
  }

  /** At the Daemon's start: a change the applier never got to (a reboot came first) is asked for again. */
  resume(): void {
    const r = this.record();
    if (r.serial > (this.status()?.serial ?? 0)) {
      this.deps.log.info(`ssh access: change ${r.serial} was not applied yet; asking for it again`);
      this.request(r.serial);
    }
  }

  /** Only after ssh-access.json is whole: the applier reads it once this file exists. */
  private request(serial: number): void {
    this.deps.state.write(ACCESS_REQUEST_FILE, `${serial}\n`);
  }

  private record(): AccessRecord {
    this.kept ??= readJson(this.deps.state, ACCESS_FILE, parseAccessRecord, (why, aside) => {
      this.deps.log.error(`The ssh access ${this.deps.state.where}/${ACCESS_FILE} cannot be used (${why}); it was kept as ${aside}. Its keys no longer count: add them again (setup page or masq ssh-access).`);
    }) ?? { serial: 0, user: DEFAULT_LOGIN, keys: [] };
    return this.kept;
  }

  private view(): View {
    const r = this.record();
    const keys = r.keys.map((k) => ({ type: k.type, label: k.label, bits: k.bits, fingerprint: k.fingerprint, comment: k.comment }));
    const status = this.status();
    if (r.serial === 0) return { user: r.user, keys, applied: 'none' };
    if (!status || status.serial < r.serial) return { user: r.user, keys, applied: 'pending', message: 'The box is applying the last change; this takes a few seconds.' };
    return { user: r.user, keys, applied: status.ok ? 'applied' : 'failed', message: status.message };
  }

  private change(p: Requests['setSshKeys']): View {
    const before = this.record();
    const user = p.user === undefined || p.user === null ? before.user : checkLoginName(p.user);
    let keys: SshKey[] = [...before.keys];
    for (const fingerprint of p.remove ?? []) {
      if (!keys.some((k) => k.fingerprint === fingerprint)) throw new SshAccessError('key-unknown', `No key of this box has the fingerprint ${fingerprint.slice(0, 60)}.`);
      keys = keys.filter((k) => k.fingerprint !== fingerprint);
    }
    for (const line of p.add ?? []) {
      const k = parseAuthorizedKey(line);
      if (keys.some((o) => o.fingerprint === k.fingerprint)) throw new SshAccessError('key-duplicate', `The key ${k.fingerprint} is on this box already.`);
      keys.push(k);
    }
    if (keys.length > MAX_KEYS) throw new SshAccessError('keys-full', `This box takes at most ${MAX_KEYS} keys.`);
    if (keys.length > 0) loginIsOurs(user, this.facts());
    const serial = Math.max(before.serial, this.status()?.serial ?? 0) + 1;
    const next: AccessRecord = { serial, user, keys };
    this.deps.state.write(ACCESS_FILE, accessRecordText(next));
    this.kept = next;
    this.request(serial);
    this.logChange(before, next);
    return this.view();
  }

  private logChange(before: AccessRecord, next: AccessRecord): void {
    const describe = (k: SshKey): string => `${k.fingerprint} (${k.label} ${k.bits}${k.comment ? `, ${k.comment}` : ''})`;
    const had = new Set(before.keys.map((k) => k.fingerprint));
    const has = new Set(next.keys.map((k) => k.fingerprint));
    for (const k of next.keys) if (!had.has(k.fingerprint)) this.deps.log.info(`ssh access: key ${describe(k)} added for the login ${next.user}`);
    for (const k of before.keys) if (!has.has(k.fingerprint)) this.deps.log.info(`ssh access: key ${describe(k)} removed`);
    if (before.user !== next.user) this.deps.log.info(`ssh access: the login name is now ${next.user} (it was ${before.user})`);
  }

  private status(): ReturnType<typeof parseApplyStatus> {
    const text = this.deps.read('status');
    if (text === undefined) return undefined;
    try {
      return parseApplyStatus(JSON.parse(text));
    } catch (e) {
      this.deps.log.warn(`The ssh access applier's status cannot be read (${(e as Error).message}); the change shows as pending`);
      return undefined;
    }
  }

  private facts(): AccountFacts {
    return { users: idsByName(this.deps.read('passwd') ?? ''), groups: idsByName(this.deps.read('group') ?? ''), made: parseMade(this.deps.read('made') ?? '') };
  }
}
