// JSON dumps of a store's LMDB environment, and loading such a dump into a fresh environment (fixtures of older
// schemas). Values of json databases are kept as they decode; binary ones as hex.

import { mkdirSync } from 'node:fs';
import { open, type RootDatabase } from 'lmdb';
import { DB_ENCODINGS } from '../../src/store/migrations.js';
import { storeFile } from '../../src/store/store.js';

export const DUMP_FORMAT = 'masq-pi-store-dump/1';

type Encoding = 'json' | 'binary';

export interface StoreDump {
  format: typeof DUMP_FORMAT;
  note?: string;
  databases: Record<string, { encoding: Encoding; entries: Record<string, unknown> }>;
}

const encodingOf = (name: string): Encoding => (DB_ENCODINGS as Record<string, Encoding>)[name] ?? 'binary';

async function withEnv<T>(dataDir: string, readOnly: boolean, use: (env: RootDatabase) => T): Promise<T> {
  const env = open({ path: storeFile(dataDir), maxDbs: 8, readOnly, noSubdir: true });
  try {
    return use(env);
  } finally {
    await env.close();
  }
}

/** Every named database with every key and value. */
export function dumpStore(dataDir: string): Promise<StoreDump> {
  return withEnv(dataDir, true, (env) => {
    const databases: StoreDump['databases'] = {};
    for (const name of [...env.getKeys()].map(String).sort()) {
      const encoding = encodingOf(name);
      const db = env.openDB<unknown, string>({ name, encoding });
      const entries: Record<string, unknown> = {};
      for (const { key, value } of db.getRange()) entries[key] = encoding === 'binary' ? Buffer.from(value as Uint8Array).toString('hex') : value;
      databases[name] = { encoding, entries };
    }
    return { format: DUMP_FORMAT, databases };
  });
}

/** Writes a dump into a new store at dataDir (which must not hold one), in one transaction. */
export function loadDump(dataDir: string, dump: StoreDump): Promise<void> {
  if (dump.format !== DUMP_FORMAT) throw new Error(`not a store dump: ${String(dump.format)}`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return withEnv(dataDir, false, (env) => {
    env.transactionSync(() => {
      for (const [name, { encoding, entries }] of Object.entries(dump.databases)) {
        const db = env.openDB<unknown, string>({ name, encoding });
        for (const [key, value] of Object.entries(entries)) db.putSync(key, encoding === 'binary' ? Buffer.from(String(value), 'hex') : value);
      }
    });
  });
}

/** Changes rows of one json database of an existing store directly (to simulate other versions or damage). */
export function patchStore(dataDir: string, dbName: string, rows: Record<string, unknown>): Promise<void> {
  return withEnv(dataDir, false, (env) => {
    const db = env.openDB<unknown, string>({ name: dbName, encoding: encodingOf(dbName) });
    env.transactionSync(() => {
      for (const [key, value] of Object.entries(rows)) {
        if (value === undefined) db.removeSync(key);
        else db.putSync(key, value);
      }
    });
  });
}
