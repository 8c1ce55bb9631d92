// Values the Node keeps in its store, read back as parameter defaults (what MASQ's Daemon shows as "Default").

import { readStoredRows } from '../store/index.js';
import { STORED_PARAMS } from './params.js';

/** Stored values by parameter name; {} when the data directory has no store yet. */
export async function readStoredDefaults(dataDir: string): Promise<Record<string, string>> {
  const rows = await readStoredRows(dataDir, STORED_PARAMS.map((p) => p.storeRow));
  const out: Record<string, string> = {};
  for (const p of STORED_PARAMS) {
    const v = rows[p.storeRow];
    if (v !== undefined) out[p.name] = v;
  }
  return out;
}
