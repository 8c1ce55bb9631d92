// The books' database in memory, for unit tests of accountant logic: a transaction applies its writes only if
// its change returns, as LMDB's does.

import type { BookDb } from '../../src/store/index.js';

export function memoryBookDb(): BookDb {
  const rows = new Map<string, unknown>();
  const config = new Map<string, string>();
  return {
    get: (k) => rows.get(k),
    getConfig: (n) => config.get(n),
    entries: (prefix) => [...rows.entries()].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value })),
    transaction: async (change) => {
      const before = new Map(rows);
      const beforeConfig = new Map(config);
      try {
        return change({
          put: (k, v) => void rows.set(k, v),
          remove: (k) => void rows.delete(k),
          putConfig: (n, v) => void (v === null ? config.delete(n) : config.set(n, v)),
        });
      } catch (e) {
        rows.clear();
        for (const [k, v] of before) rows.set(k, v);
        config.clear();
        for (const [k, v] of beforeConfig) config.set(k, v);
        throw e;
      }
    },
  };
}
