// The Node's persistent store (LMDB) and its public API. See store.ts for the implementation and
// migrations.ts for the layouts.

export { SCHEMA_VERSION, openStore, readStoredRows } from './store.js';
export type { BookDb, BookWrite, OpenOptions, Store } from './store.js';
export { CONFIG_ROWS, type ConfigRow, SECRET_ROWS, type SecretRow } from './migrations.js';
