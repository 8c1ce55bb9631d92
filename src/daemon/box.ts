// The box's own state, kept by the Daemon in box.json of its state directory: the setup code while unclaimed,
// the admin password's hash once claimed, the lockout's recent failures, whether the setup was ever completed
// and whether the Node is wanted running. Every change is written before it is answered.

import type { Clock, Logger } from '../system/index.js';
import { type AdminHash, adminPasswordMatches, adminPasswordProblem, hashAdminPassword, isAdminHash } from './admin-password.js';
import { Lockout, type LockoutStatus, MAX_FAILURES } from './lockout.js';
import { codeMatches, formatCode, newSetupCode, normalizeCode, seedProblem } from './setup-code.js';
import { readJson, type StateStore } from './state-dir.js';

export const BOX_FILE = 'box.json';

export interface BoxRecord {
  version: 1;
  /** Normalized; null once claimed. */
  setupCode: string | null;
  claimed: boolean;
  admin: AdminHash | null;
  /** The Node started successfully after the claim. */
  setupDone: boolean;
  /** A start succeeded and no one stopped the Node since: start it again after a reboot. */
  wantedRunning: boolean;
  /** Times (ms) of recent wrong guesses. */
  failures: number[];
}

export interface Guess extends LockoutStatus {
  matches: boolean;
}

/** A request the box refuses outright, with what it means to a UI (see Daemon's BOX_ERRORS). */
export class BoxRefusal extends Error {
  constructor(readonly reason: 'claimed' | 'unclaimed' | 'password', message: string) {
    super(message);
    this.name = 'BoxRefusal';
  }
}

function parseRecord(v: unknown): BoxRecord | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  const code = r.setupCode;
  const codeOk = code === null || (typeof code === 'string' && seedProblem(code) === undefined && code === normalizeCode(code));
  const failures = r.failures;
  if (
    r.version !== 1 || !codeOk || typeof r.claimed !== 'boolean' || typeof r.setupDone !== 'boolean' || typeof r.wantedRunning !== 'boolean'
    || !Array.isArray(failures) || failures.length > 1000 || !failures.every((t) => typeof t === 'number' && Number.isFinite(t))
    || !(r.admin === null || isAdminHash(r.admin))
    // Claimed means a password to log in with; unclaimed means a code to claim with.
    || (r.claimed ? r.admin === null : code === null)
  ) return undefined;
  return {
    version: 1, setupCode: code as string | null, claimed: r.claimed, admin: r.admin as AdminHash | null,
    setupDone: r.setupDone, wantedRunning: r.wantedRunning, failures: failures as number[],
  };
}

export interface BoxOptions {
  state: StateStore;
  clock: Clock;
  log: Logger;
  /** The text of the owner's own code (--setup-code-seed), read when a first code is made; undefined when none. */
  readSeed?: () => string | undefined;
}

export class Box {
  private record: BoxRecord;
  private readonly lockout: Lockout;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: BoxOptions) {
    const kept = readJson(o.state, BOX_FILE, parseRecord, (why, aside) => {
      o.log.error(`The box's state ${o.state.where}/${BOX_FILE} cannot be used (${why}); it was kept as ${aside}. The box starts unclaimed with a new setup code (masq setup-code shows it); the admin password must be chosen again.`);
    });
    if (kept) {
      this.record = kept;
    } else {
      this.record = { version: 1, setupCode: this.firstCode(), claimed: false, admin: null, setupDone: false, wantedRunning: false, failures: [] };
      try {
        this.save(this.record);
      } catch (e) {
        o.log.error(`${(e as Error).message} The setup code lives in memory only until the Daemon can save it.`);
      }
      o.log.info('The box is unclaimed: its setup code is shown by masq setup-code and on its console');
    }
    this.lockout = new Lockout(o.clock, this.record.failures);
  }

  get claimed(): boolean {
    return this.record.claimed;
  }

  get setupDone(): boolean {
    return this.record.setupDone;
  }

  get wantedRunning(): boolean {
    return this.record.wantedRunning;
  }

  /** The code, formatted, while unclaimed. */
  code(): string | undefined {
    return this.record.setupCode !== null ? formatCode(this.record.setupCode) : undefined;
  }

  lockStatus(): LockoutStatus {
    return this.lockout.status();
  }

  setWantedRunning(wanted: boolean): void {
    if (this.record.wantedRunning !== wanted) this.commit({ ...this.record, wantedRunning: wanted });
  }

  /** The Node started: after the claim, that completes the setup. */
  nodeStarted(): void {
    this.commit({ ...this.record, wantedRunning: true, setupDone: this.record.setupDone || this.record.claimed });
  }

  /** A new random code; the box is unclaimed again and its admin password forgotten (an owner who lost it). */
  reset(): string {
    this.lockout.clear();
    this.commit({ ...this.record, setupCode: newSetupCode(), claimed: false, admin: null, setupDone: false, failures: [] });
    this.o.log.warn('The setup code was reset: the box is unclaimed and its admin password forgotten');
    return this.code() as string;
  }

  checkSetupCode(typed: string): Guess {
    const code = this.unclaimedCode();
    return this.guess('setup code', () => codeMatches(typed, code));
  }

  /** Checks the code, then the password; claims the box when both are right. */
  claim(typed: string, adminPassword: string): Promise<Guess> {
    return this.serial(() => this.claimNow(typed, adminPassword));
  }

  checkAdminPassword(password: string): Promise<Guess> {
    return this.serial(() => {
      const admin = this.admin();
      return this.guessAsync('admin password', () => adminPasswordMatches(password, admin));
    });
  }

  changeAdminPassword(oldPassword: string, newPassword: string): Promise<Guess> {
    return this.serial(() => this.changeNow(oldPassword, newPassword));
  }

  // ---- internals ----

  private async claimNow(typed: string, adminPassword: string): Promise<Guess> {
    const code = this.unclaimedCode();
    const g = this.guess('setup code', () => codeMatches(typed, code));
    if (!g.matches) return g;
    const problem = adminPasswordProblem(adminPassword, code);
    if (problem) throw new BoxRefusal('password', problem);
    const admin = await hashAdminPassword(adminPassword);
    // A reset (masq setup-code --reset) while the hash was computed made this code void.
    if (this.record.setupCode !== code) return { matches: false, ...this.lockout.status() };
    this.commit({ ...this.record, setupCode: null, claimed: true, admin });
    this.o.log.info('The box was claimed: its admin password now opens the setup page');
    return g;
  }

  private async changeNow(oldPassword: string, newPassword: string): Promise<Guess> {
    const admin = this.admin();
    const problem = adminPasswordProblem(newPassword);
    if (problem) throw new BoxRefusal('password', problem);
    const g = await this.guessAsync('admin password', () => adminPasswordMatches(oldPassword, admin));
    if (!g.matches) return g;
    const next = await hashAdminPassword(newPassword);
    if (this.record.admin !== admin) throw new BoxRefusal('unclaimed', 'The box was reset (masq setup-code --reset) while the password was being changed: claim it again with its new setup code.');
    this.commit({ ...this.record, admin: next });
    this.o.log.info('The admin password was changed');
    return g;
  }

  private firstCode(): string {
    const text = this.o.readSeed?.();
    if (text !== undefined) {
      const problem = seedProblem(text.trim());
      if (!problem) {
        this.o.log.info('Using the setup code of the seed file');
        return normalizeCode(text.trim());
      }
      this.o.log.warn(`The seed file's setup code cannot be used (${problem}); a random code is used instead`);
    }
    return newSetupCode();
  }

  private unclaimedCode(): string {
    if (this.record.claimed || this.record.setupCode === null) {
      throw new BoxRefusal('claimed', 'This box is already claimed: log in with its admin password. An owner who lost it resets the box with masq setup-code --reset (as root or a member of masq-admin).');
    }
    return this.record.setupCode;
  }

  private admin(): AdminHash {
    if (!this.record.claimed || this.record.admin === null) {
      throw new BoxRefusal('unclaimed', 'This box is not claimed yet, so it has no admin password: claim it with its setup code first.');
    }
    return this.record.admin;
  }

  private guess(what: string, right: () => boolean): Guess {
    const before = this.lockout.status();
    if (before.triesLeft === 0) return { matches: false, ...before };
    if (right()) return { matches: true, ...before };
    return this.failed(what);
  }

  private async guessAsync(what: string, right: () => Promise<boolean>): Promise<Guess> {
    const before = this.lockout.status();
    if (before.triesLeft === 0) return { matches: false, ...before };
    if (await right()) return { matches: true, ...this.lockout.status() };
    return this.failed(what);
  }

  private failed(what: string): Guess {
    const after = this.lockout.fail();
    const used = MAX_FAILURES - after.triesLeft;
    this.o.log.warn(`Wrong ${what} (${used} of ${MAX_FAILURES} wrong guesses in the last hour${after.lockedForS !== undefined ? `; checks are refused for ${after.lockedForS} s` : ''})`);
    try {
      this.commit({ ...this.record, failures: this.lockout.recent() });
    } catch (e) {
      // The failure still counts in memory; losing it on disk only matters if the Daemon restarts.
      this.o.log.error(`${(e as Error).message}`);
    }
    return { matches: false, ...after };
  }

  private commit(next: BoxRecord): void {
    this.save(next);
    this.record = next;
  }

  private save(r: BoxRecord): void {
    this.o.state.write(BOX_FILE, `${JSON.stringify(r, null, 2)}\n`);
  }

  /** One password check at a time: parallel guesses must not all pass the lockout before any of them fails. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.then(() => undefined, () => undefined);
    return run;
  }
}
