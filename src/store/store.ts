// The Node's persistent store: one LMDB environment at <dataDir>/node-data.mdb with the named databases described
// in migrations.ts. Every multi-record change is one synchronous, durable LMDB write transaction.

import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { MasqError } from '../system/index.js';
import { SealError, checkKdfParams, deriveKey, newKdfParams, seal, sealString, unseal, unsealString, type KdfParams } from '../crypto/index.js';
import { type ConfigRow, MIGRATIONS, SECRET_ROWS, type SecretRow, chainNameAt, contextFor, migrate, type Migration } from './migrations.js';

export const SCHEMA_VERSION = 3;
export const STORE_FILE = 'node-data.mdb';
/** Name (and associated data) of the password check value, as in MASQ. */
export const CHECK_NAME = 'example_encrypted';

export interface Store {
  readonly dataDir: string;
  readonly schemaVersion: number;
  getConfig(name: ConfigRow): string | undefined;
  setConfig(values: Partial<Record<ConfigRow, string | null>>): Promise<void>;
  hasPassword(): boolean;
  /**
   * As MASQ: no password (undefined) matches a store that has none; a string never matches a store without a
   * password, and undefined never matches a store with one. Does not unlock.
   */
  checkPassword(password: string | undefined): Promise<boolean>;
  unlock(password: string): Promise<void>;
  isUnlocked(): boolean;
  getSecret(name: SecretRow): string | undefined;
  setSecret(values: Partial<Record<SecretRow, string | null>>): Promise<void>;
  changePassword(oldPassword: string | undefined, newPassword: string): Promise<void>;
  /** The accountant's books; only src/accountant/books.ts reads or writes them. */
  books(): BookDb;
  close(): Promise<void>;
}

export interface BookDb {
  get(key: string): unknown;
  /** A plain config row (the receivable scan's start_block lives there, shown by `masq configuration`). */
  getConfig(name: ConfigRow): string | undefined;
  /** Entries whose key starts with prefix, in key order. */
  entries(prefix: string): Iterable<{ key: string; value: unknown }>;
  /**
   * Runs change in a write transaction (reads inside it see the transaction); lmdb batches concurrent calls into
   * one durable commit, which matters when the hopper charges every cell. A throw aborts that change only.
   */
  transaction<T>(change: (write: BookWrite) => T): Promise<T>;
}

export interface BookWrite {
  put(key: string, value: unknown): void;
  remove(key: string): void;
  /** Writes a plain config row in the same transaction as the books change (null removes it). */
  putConfig(name: string, value: string | null): void;
}

export interface OpenOptions {
  dataDir: string;
  chain: string;
  readOnly?: boolean;
  choosePort?: () => number;
}

/** Test seams: another migration list and target version. Not part of the public API. */
export interface Internals {
  migrations?: readonly Migration[];
  schemaVersion?: number;
  /** Skip the chain check (readStoredDefaults does not know the chain). */
  anyChain?: boolean;
}

const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const FIX_DIR = 'Use another --data-directory';

export const storeFile = (dataDir: string): string => join(dataDir, STORE_FILE);

/** True when a non-empty store file exists; LMDB creates the file only on first open. */
export function storeExists(dataDir: string): boolean {
  const file = storeFile(dataDir);
  return existsSync(file) && statSync(file).size > 0;
}

// lmdb crashes the process on some malformed files, so look at the first meta page before handing a file to it:
// page header (pgno 8, txnid 8, pad 2, flags 2, lower/upper 4), P_META = 0x08, then MDB_MAGIC 0xBEEFC0DE.
function looksLikeLmdb(file: string): boolean {
  const head = Buffer.alloc(32);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, head, 0, head.length, 0) < head.length) return false;
  } finally {
    closeSync(fd);
  }
  return statSync(file).size >= 8192 && (head.readUInt16LE(18) & 0x08) !== 0 && head.readUInt32LE(24) === 0xbeefc0de;
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) throw new MasqError('USAGE', `'${name}' is not a valid ${what} name.`, 'Names are snake_case, like min_hops.');
}

function checkValues(values: Record<string, string | null>, what: string): [string, string | null][] {
  const entries = Object.entries(values);
  for (const [name, value] of entries) {
    checkName(name, what);
    if (value !== null && typeof value !== 'string') throw new MasqError('USAGE', `The ${what} value for '${name}' must be text or null.`);
  }
  return entries;
}

function wrongPassword(): MasqError {
  return new MasqError('STORE_WRONG_PASSWORD', 'The database password is wrong.', 'Supply the password that was set with change-password (--db-password).');
}

class LmdbStore implements Store {
  private key: Buffer | undefined;
  /** Salt the key was derived with; if the stored salt changes, another process changed the password. */
  private keySalt: string | undefined;
  private closed = false;
  private readonly meta: Database<unknown, string>;
  private readonly config: Database<unknown, string>;
  private readonly secrets: Database<Buffer, string>;
  // Opened on first use: opening creates it, and only stores at schema 3 or later may have one.
  private bookDb: Database<unknown, string> | undefined;

  constructor(
    readonly dataDir: string,
    readonly schemaVersion: number,
    private readonly env: RootDatabase,
    private readonly readOnly: boolean,
  ) {
    const ctx = contextFor(env);
    this.meta = ctx.db('meta');
    this.config = ctx.db('config');
    this.secrets = ctx.db('secrets') as Database<Buffer, string>;
  }

  books(): BookDb {
    this.usable();
    const db = (this.bookDb ??= contextFor(this.env).db('books'));
    const write: BookWrite = {
      put: (key, value) => void db.putSync(key, value),
      remove: (key) => void db.removeSync(key),
      putConfig: (name, value) => {
        checkName(name, 'config');
        if (value === null) this.config.removeSync(name);
        else this.config.putSync(name, value);
      },
    };
    return {
      get: (key) => {
        this.usable();
        return db.get(key);
      },
      getConfig: (name) => this.getConfig(name),
      entries: (prefix) => {
        this.usable();
        // '\uffff' sorts after every key character we use, so the range is exactly the prefix.
        return db.getRange({ start: prefix, end: `${prefix}\uffff` });
      },
      transaction: (change) => {
        this.writable();
        return this.env.transaction(() => change(write));
      },
    };
  }

  getConfig(name: ConfigRow): string | undefined {
    this.usable();
    const value = this.config.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  async setConfig(values: Partial<Record<ConfigRow, string | null>>): Promise<void> {
    this.writable();
    const entries = checkValues(values, 'config');
    for (const [name] of entries) {
      if ((SECRET_ROWS as readonly string[]).includes(name)) {
        throw new MasqError('USAGE', `'${name}' is a secret and cannot be stored as plain config.`, 'Store it with setSecret.');
      }
      if (name === 'chain_name') throw new MasqError('USAGE', 'chain_name is fixed when the database is created.', FIX_DIR + ' for another chain.');
    }
    this.write(() => {
      for (const [name, value] of entries) {
        if (value === null) this.config.removeSync(name);
        else this.config.putSync(name, value);
      }
    });
  }

  hasPassword(): boolean {
    this.usable();
    return this.meta.get(CHECK_NAME) !== undefined;
  }

  async checkPassword(password: string | undefined): Promise<boolean> {
    this.usable();
    if (!this.hasPassword()) return password === undefined;
    if (password === undefined) return false;
    const found = await this.keyFor(password);
    found?.key.fill(0);
    return found !== undefined;
  }

  async unlock(password: string): Promise<void> {
    this.usable();
    if (!this.hasPassword()) {
      throw new MasqError('STORE_NO_PASSWORD', 'The database has no password yet, so there is nothing to unlock.', 'Set one first with change-password.');
    }
    const found = await this.keyFor(password);
    if (!found) throw wrongPassword();
    this.forget();
    this.key = found.key;
    this.keySalt = found.salt;
  }

  isUnlocked(): boolean {
    return this.key !== undefined && !this.closed;
  }

  getSecret(name: SecretRow): string | undefined {
    const key = this.currentKey();
    const sealed = this.secrets.get(name);
    if (sealed === undefined) return undefined;
    try {
      return unsealString(key, name, sealed);
    } catch (err) {
      if (err instanceof SealError) throw new MasqError('STORE_OPEN', `The stored secret '${name}' is damaged and cannot be opened.`);
      throw err;
    }
  }

  async setSecret(values: Partial<Record<SecretRow, string | null>>): Promise<void> {
    this.writable();
    const entries = checkValues(values, 'secret');
    if (entries.some(([name]) => name === CHECK_NAME)) throw new MasqError('USAGE', `'${CHECK_NAME}' is reserved for the password check value.`);
    const key = this.currentKey();
    this.write(() => {
      // Re-checked inside the transaction: never write secrets under a key another process has just replaced.
      if (this.kdf()?.salt !== this.keySalt) throw this.staleKey();
      for (const [name, value] of entries) {
        if (value === null) this.secrets.removeSync(name);
        else this.secrets.putSync(name, sealString(key, name, value));
      }
    });
  }

  async changePassword(oldPassword: string | undefined, newPassword: string): Promise<void> {
    this.writable();
    if (typeof newPassword !== 'string' || newPassword.length === 0) {
      throw new MasqError('USAGE', 'The new database password must not be empty.');
    }
    const had = this.hasPassword();
    if (oldPassword === undefined && had) {
      throw new MasqError('STORE_WRONG_PASSWORD', 'The database already has a password. You may only change it.', 'Give the current password as the old one.');
    }
    if (oldPassword !== undefined && !had) {
      throw new MasqError('STORE_NO_PASSWORD', 'The database has no password yet, so there is no old password to change.', 'Set the first password without an old one.');
    }
    const oldKdf = this.kdf();
    const freshKdf = newKdfParams();
    const [oldKey, newKey] = await Promise.all([
      oldPassword !== undefined && oldKdf ? deriveKey(oldPassword, oldKdf) : Promise.resolve(undefined),
      deriveKey(newPassword, freshKdf),
    ]);
    try {
      this.write(() => {
        const kdfNow = this.kdf();
        if (kdfNow?.salt !== oldKdf?.salt) {
          throw new MasqError('STORE_WRONG_PASSWORD', 'The database password was changed by another process meanwhile.', 'Try again with the current password.');
        }
        if (oldKey && !this.opens(oldKey)) throw wrongPassword();
        const rows = [...this.secrets.getRange()].map(({ key, value }) => ({ name: key, sealed: value }));
        if (!oldKey && rows.length > 0) throw new MasqError('STORE_SCHEMA', 'The database holds secrets but has no password; it is damaged.', FIX_DIR + '.');
        for (const { name, sealed } of rows) {
          const plain = unseal(oldKey as Buffer, name, sealed);
          this.secrets.putSync(name, seal(newKey, name, plain));
          plain.fill(0);
        }
        this.meta.putSync('kdf', freshKdf);
        this.meta.putSync(CHECK_NAME, seal(newKey, CHECK_NAME, randomBytes(32)).toString('hex'));
      });
    } catch (err) {
      newKey.fill(0);
      throw err instanceof SealError ? new MasqError('STORE_OPEN', 'A stored secret is damaged; the password was not changed.') : err;
    } finally {
      oldKey?.fill(0);
    }
    this.forget();
    this.key = newKey;
    this.keySalt = freshKdf.salt;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.forget();
    this.closed = true;
    await this.env.close();
  }

  // ---- internals ----

  private usable(): void {
    if (this.closed) throw new MasqError('STORE_OPEN', 'The database has been closed.');
  }

  private writable(): void {
    this.usable();
    if (this.readOnly) throw new MasqError('STORE_OPEN', 'The database was opened read-only.');
  }

  private forget(): void {
    this.key?.fill(0);
    this.key = undefined;
    this.keySalt = undefined;
  }

  private write(change: () => void): void {
    // Synchronous commit, flushed to disk before returning; a throw aborts the whole transaction.
    this.env.transactionSync(change);
  }

  private kdf(): KdfParams | undefined {
    const raw = this.meta.get('kdf');
    if (raw === undefined) return undefined;
    try {
      checkKdfParams(raw);
    } catch {
      throw new MasqError('STORE_SCHEMA', 'The stored key-derivation parameters are damaged.', FIX_DIR + ', or restore a backup.');
    }
    return raw;
  }

  private opens(key: Buffer): boolean {
    const check = this.meta.get(CHECK_NAME);
    if (typeof check !== 'string') return false;
    try {
      unseal(key, CHECK_NAME, Buffer.from(check, 'hex')).fill(0);
      return true;
    } catch (err) {
      if (err instanceof SealError) return false;
      throw err;
    }
  }

  /** Derives the key for a password and returns it if it opens the check value; retries if the salt moved. */
  private async keyFor(password: string): Promise<{ key: Buffer; salt: string } | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const kdf = this.kdf();
      if (!kdf) return undefined;
      const key = await deriveKey(password, kdf);
      if (this.kdf()?.salt !== kdf.salt) {
        key.fill(0);
        continue;
      }
      if (this.opens(key)) return { key, salt: kdf.salt };
      key.fill(0);
      return undefined;
    }
    throw new MasqError('STORE_OPEN', 'The database password keeps changing under us.', 'Try again once the other process has finished.');
  }

  private currentKey(): Buffer {
    this.usable();
    if (!this.key) {
      if (!this.hasPassword()) {
        throw new MasqError('STORE_NO_PASSWORD', 'The database has no password yet, so it cannot keep secrets.', 'Set one with change-password.');
      }
      throw new MasqError('STORE_LOCKED', 'The database password was not supplied, so secrets cannot be read or written.', 'Supply it with --db-password.');
    }
    if (this.kdf()?.salt !== this.keySalt) throw this.staleKey();
    return this.key;
  }

  private staleKey(): MasqError {
    this.forget();
    return new MasqError('STORE_LOCKED', 'The database password was changed by another process.', 'Supply the new password.');
  }
}

function openEnv(file: string, readOnly: boolean): RootDatabase {
  try {
    // A power cut must never leave the store unreadable (a Pi has no battery). LMDB keeps its integrity through
    // its two meta pages as long as commits are synced and the map is not written in place: so no noSync, no
    // noMetaSync, no useWritemap. overlappingSync (lmdb-js's default on Linux) flushes a commit after the write
    // lock is released, updating the meta pointers in steps; a cut may lose the last commits, never the store.
    return open({ path: file, maxDbs: 8, readOnly, noSubdir: true, noSync: false, noMetaSync: false, useWritemap: false, overlappingSync: true });
  } catch (err) {
    throw new MasqError('STORE_OPEN', `The database ${file} cannot be opened: ${(err as Error).message}.`, 'Check its permissions, or that no other program holds it.');
  }
}

function namedDbs(env: RootDatabase): Set<string> {
  return new Set([...env.getKeys()].filter((k): k is string => typeof k === 'string'));
}

function readVersion(meta: Database<unknown, string>): number {
  const raw = meta.get('schema_version');
  const version = typeof raw === 'string' && /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(version)) throw new MasqError('STORE_SCHEMA', 'The database has no readable schema version; it is damaged.', FIX_DIR + ', or restore a backup.');
  return version;
}

export async function openStoreInternal(opts: OpenOptions, internals: Internals = {}): Promise<Store> {
  const target = internals.schemaVersion ?? SCHEMA_VERSION;
  const steps = internals.migrations ?? MIGRATIONS;
  const readOnly = opts.readOnly === true;
  const file = storeFile(opts.dataDir);
  const fix = 'Start the Node once to create it, or check --data-directory.';
  if (!storeExists(opts.dataDir)) {
    if (readOnly) throw new MasqError('STORE_OPEN', `There is no database in ${opts.dataDir} yet.`, fix);
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  } else if (!looksLikeLmdb(file)) {
    throw new MasqError('STORE_OPEN', `${file} is not a masq-pi database (damaged, or some other file).`, FIX_DIR + ', or restore a backup.');
  }
  const env = openEnv(file, readOnly);
  try {
    if (!readOnly) {
      for (const f of [file, `${file}-lock`]) chmodSync(f, 0o600);
    }
    const ctx = contextFor(env);
    let version = namedDbs(env).has('meta') ? readVersion(ctx.db('meta')) : 0;
    if (version === 0 && readOnly) throw new StoreUnready('STORE_OPEN', `The database in ${opts.dataDir} has not been set up yet.`, fix);
    if (version > target) {
      throw new MasqError('STORE_SCHEMA', `The database was made by a newer version of masq-pi (schema ${version}; this program knows up to ${target}).`, 'Upgrade masq-pi; databases are never downgraded.');
    }
    if (version > 0 && !internals.anyChain) {
      const chain = chainNameAt(version, ctx.db('config'));
      if (chain !== opts.chain) {
        throw new MasqError(
          'STORE_WRONG_CHAIN',
          `The database in ${opts.dataDir} was made for chain ${chain ?? '(unknown)'}, but this Node runs on chain ${opts.chain}.`,
          `Use another --data-directory for ${opts.chain}, or start with --chain ${chain ?? '<its chain>'}.`,
        );
      }
    }
    if (version < target) {
      if (readOnly) {
        throw new StoreUnready('STORE_SCHEMA', `The database was made by an older version (schema ${version}) and needs migrating.`, 'Start the Node once to migrate it.');
      }
      const clandestinePort = version === 0 ? (opts.choosePort ?? (() => randomInt(1025, 9999)))() : 0;
      if (!Number.isInteger(clandestinePort) || clandestinePort < 0 || clandestinePort > 65535) throw new MasqError('USAGE', `${clandestinePort} is not a port.`);
      const from = version;
      try {
        env.transactionSync(() => {
          const txCtx = contextFor(env);
          // Another process may have created or migrated the store while we waited for the write lock.
          const now = namedDbs(env).has('meta') ? readVersion(txCtx.db('meta')) : 0;
          if (now !== from) throw new RaceLost();
          migrate(txCtx, from, target, steps, { chain: opts.chain, clandestinePort });
        });
        version = target;
      } catch (err) {
        if (err instanceof RaceLost) {
          await env.close();
          return openStoreInternal(opts, internals);
        }
        if (from === 0) throw err;
        throw new MasqError('STORE_SCHEMA', `Migrating the database from schema ${from} to ${target} failed (${err instanceof Error ? err.message : String(err)}); it was left unchanged at schema ${from}.`, 'Report this; meanwhile keep using the older masq-pi version.');
      }
    }
    return new LmdbStore(opts.dataDir, version, env, readOnly);
  } catch (err) {
    await env.close();
    throw err;
  }
}

/** Control flow inside openStoreInternal: another process migrated first, so open again; never leaves this module. */
class RaceLost extends Error {}
/** The store exists but is not ready for read-only use (never set up, or awaiting migration by the Node). */
class StoreUnready extends MasqError {}

export function openStore(opts: OpenOptions): Promise<Store> {
  return openStoreInternal(opts);
}

/**
 * For the Daemon: the named plain config rows, read without creating or migrating anything.
 * {} when there is no store, it was never set up, or it still needs migrating (the Node migrates it, as in MASQ).
 * Throws MasqError only for a store that exists but cannot be read (damaged, or made by a newer version).
 */
/** Tries of a read-only open that met a lock file another process is making (see readStoredRows). */
const LOCK_RACE_TRIES = 5;
const LOCK_RACE_WAIT_MS = 100;

export async function readStoredRows(dataDir: string, rows: readonly ConfigRow[]): Promise<Partial<Record<ConfigRow, string>>> {
  if (!storeExists(dataDir)) return {};
  let store: Store | undefined;
  for (let tries = 1; !store; tries++) {
    try {
      store = await openStoreInternal({ dataDir, chain: '', readOnly: true }, { anyChain: true });
    } catch (err) {
      if (err instanceof StoreUnready) return {};
      // A read-only open maps the lock file the writer keeps; while a starting or stopping Node (another process)
      // makes it, LMDB answers EINVAL once ("setup locks after open"). The Daemon reads while it restarts the Node.
      if (tries >= LOCK_RACE_TRIES || !(err instanceof MasqError && err.message.includes('setup locks'))) throw err;
      await new Promise((r) => setTimeout(r, LOCK_RACE_WAIT_MS));
    }
  }
  try {
    const out: Partial<Record<ConfigRow, string>> = {};
    for (const row of rows) {
      const value = store.getConfig(row);
      if (value !== undefined) out[row] = value;
    }
    return out;
  } finally {
    await store.close();
  }
}

