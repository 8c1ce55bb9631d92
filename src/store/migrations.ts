// The store's layouts and the numbered migrations between them. Every step runs inside the one LMDB write
// transaction the caller opened, so a step that throws leaves the database exactly as it was.
//
// Version 1 (first layout, modelled on MASQ's `config` table):
//   meta    (json)   schema_version → "1"
//   config  (json)   name → { value: string | null, encrypted: boolean }
//                    sealed values are hex strings; the scrypt salt is the plain row `kdf_salt` (hex, params fixed
//                    in code: N=2^15, r=8, p=1); the password check value is the sealed row `example_encrypted`.
// Version 2:
//   meta    (json)   schema_version → "2", kdf → KdfParams (only once a password is set),
//                    example_encrypted → hex of the sealed check value (only once a password is set)
//   config  (json)   name → string; an absent row is null
//   secrets (binary) name → sealed bytes
// Why v2: a secret can no longer be returned as plain config by mistake (they live in another database), the KDF
// parameters are stored with the salt so they can be raised later, change-password touches only `secrets` and
// `meta`, and sealed bytes are kept as bytes instead of hex.
// Version 3:
//   books   (json)   the accountant's books (src/accountant/books.ts): p:<wallet> payables, r:<wallet> receivables,
//                    t:<name> running totals; amounts are decimal strings of wei.
// Why v3: payables and receivables must survive restarts and change in the same transactions as their totals.

import type { Database, RootDatabase } from 'lmdb';

export const DB_ENCODINGS = { meta: 'json', config: 'json', secrets: 'binary', books: 'json' } as const;
export type DbName = keyof typeof DB_ENCODINGS;

export interface MigrationContext {
  /** A named database inside the running write transaction (created if missing, rolled back with it). */
  db(name: DbName): Database<unknown, string>;
}

export interface Migration {
  /** The version this step upgrades from; it produces from + 1. */
  from: number;
  what: string;
  run(ctx: MigrationContext): void;
}

/** Values a brand-new store starts with. */
export interface CreateInit {
  chain: string;
  clandestinePort: number;
}

/** Secret rows of MASQ's config table; they must never be written as plain config. */
export const SECRET_ROWS = ['example_encrypted', 'consuming_wallet_private_key', 'last_cryptde', 'past_neighbors'] as const;
export type SecretRow = (typeof SECRET_ROWS)[number];

/** The plain rows of the first layout's config table. */
const V1_CONFIG_ROWS = [
  'blockchain_service_url', 'chain_name', 'clandestine_port', 'earning_wallet_address', 'neighborhood_mode', 'start_block',
  'gas_price', 'mapping_protocol', 'min_hops', 'payment_thresholds', 'rate_pack', 'scan_intervals', 'max_block_count',
  'kdf_salt',
] as const;
type V1ConfigRow = (typeof V1_CONFIG_ROWS)[number];
/**
 * The plain rows of the config table: the one list of their names, so a mistyped row does not compile. Rows added
 * after version 1 need no migration: since version 2 an absent row is null.
 */
export const CONFIG_ROWS = [...V1_CONFIG_ROWS, 'exit_location'] as const;
export type ConfigRow = (typeof CONFIG_ROWS)[number];

export const V1_KDF = { alg: 'scrypt', N: 2 ** 15, r: 8, p: 1 } as const;

interface V1Row {
  value: string | null;
  encrypted: boolean;
}

/** A new store's v1 rows: MASQ Node's config rows and first values plus our kdf_salt (docs/MASQ-COMPATIBILITY.md). */
export function createV1(ctx: MigrationContext, init: CreateInit): void {
  const plain = (value: string | null): V1Row => ({ value, encrypted: false });
  const rows: Record<V1ConfigRow | SecretRow, V1Row> = {
    ...(Object.fromEntries(SECRET_ROWS.map((name) => [name, { value: null, encrypted: true }])) as Record<SecretRow, V1Row>),
    blockchain_service_url: plain(null),
    chain_name: plain(init.chain),
    clandestine_port: plain(String(init.clandestinePort)),
    earning_wallet_address: plain(null),
    neighborhood_mode: plain(null),
    start_block: plain(null),
    gas_price: plain('1'),
    mapping_protocol: plain(null),
    min_hops: plain('3'),
    payment_thresholds: plain('1000000000|1200|1200|500000000|21600|500000000'),
    rate_pack: plain('53844|53844|107688|107688'),
    scan_intervals: plain('600|600|600'),
    max_block_count: plain(null),
    kdf_salt: plain(null),
  };
  const config = ctx.db('config');
  for (const [name, row] of Object.entries(rows)) config.putSync(name, row);
  ctx.db('meta').putSync('schema_version', '1');
}

function isV1Row(v: unknown): v is V1Row {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (typeof r.value === 'string' || r.value === null) && typeof r.encrypted === 'boolean';
}

const HEX = /^([0-9a-f]{2})*$/;

const v1ToV2: Migration = {
  from: 1,
  what: 'move sealed values into their own database and store the KDF parameters',
  run(ctx) {
    const meta = ctx.db('meta');
    const config = ctx.db('config');
    const secrets = ctx.db('secrets');
    const rows = [...config.getRange()].map(({ key, value }) => ({ name: key, row: value }));
    for (const { name, row } of rows) {
      if (!isV1Row(row)) throw new Error(`config row '${name}' is not a version 1 row`);
      config.removeSync(name);
      if (row.value === null) continue;
      if (name === 'kdf_salt') {
        if (!/^([0-9a-f]{2}){16,64}$/.test(row.value)) throw new Error('kdf_salt is not hex');
        meta.putSync('kdf', { ...V1_KDF, salt: row.value });
      } else if (!row.encrypted) {
        config.putSync(name, row.value);
      } else {
        if (!HEX.test(row.value)) throw new Error(`sealed row '${name}' is not hex`);
        if (name === 'example_encrypted') meta.putSync('example_encrypted', row.value);
        else secrets.putSync(name, Buffer.from(row.value, 'hex'));
      }
    }
    const hasCheck = meta.get('example_encrypted') !== undefined;
    if (hasCheck !== (meta.get('kdf') !== undefined)) throw new Error('the password check value and the salt must be set together');
  },
};

const v2ToV3: Migration = {
  from: 2,
  what: 'add the accountant\'s books',
  run(ctx) {
    // Opening a named database inside the write transaction creates it; the books start empty.
    const books = ctx.db('books');
    if (books.getKeysCount() !== 0) throw new Error('the books database already holds entries');
  },
};

export const MIGRATIONS: readonly Migration[] = [v1ToV2, v2ToV3];

/** Runs create (when from is 0) and every step up to `to`, then records `to`. Call inside a write transaction. */
export function migrate(ctx: MigrationContext, from: number, to: number, steps: readonly Migration[], init?: CreateInit): void {
  let version = from;
  if (version === 0) {
    if (!init) throw new Error('a new store needs its chain and port');
    createV1(ctx, init);
    version = 1;
  }
  while (version < to) {
    const step = steps.find((s) => s.from === version);
    if (!step) throw new Error(`no migration from version ${version}`);
    step.run(ctx);
    version += 1;
  }
  ctx.db('meta').putSync('schema_version', String(to));
}

/** chain_name as the given layout stores it, read before any migration runs. */
export function chainNameAt(version: number, config: Database<unknown, string>): string | undefined {
  const raw = config.get('chain_name');
  if (version === 1) return isV1Row(raw) && raw.value !== null ? raw.value : undefined;
  return typeof raw === 'string' ? raw : undefined;
}

export function contextFor(env: RootDatabase): MigrationContext {
  const open = new Map<DbName, Database<unknown, string>>();
  return {
    db(name) {
      let db = open.get(name);
      if (!db) {
        db = env.openDB<unknown, string>({ name, encoding: DB_ENCODINGS[name] });
        open.set(name, db);
      }
      return db;
    },
  };
}
