// Resolution including config.toml, whose location itself depends on the higher layers (MASQ's two passes):
// find data-directory and config-file without the file, read the file, then resolve everything with it.

import { type Param, SETUP_PARAMS, STORED_PARAMS } from './params.js';
import { type Layer, type Resolution, resolve } from './resolve.js';
import { configFilePath } from './sources.js';
import { describeError, type MachineFacts } from '../system/index.js';
import type { ConfigRow } from '../store/index.js';

export interface ConfigIo {
  /** Parameter values from config.toml at this path; throws a MasqError when the file is unusable. */
  readConfigFile(path: string): Record<string, string>;
  /** The named config rows the Node persisted in the store of this data directory ({} when it has no store). */
  readStoredRows(dataDir: string, rows: readonly ConfigRow[]): Promise<Partial<Record<ConfigRow, string>>>;
  /**
   * The Node's past neighbors (sealed in its store under the database password) as a neighbors value, or undefined
   * when there are none or the password does not open them. Only the Daemon reads them: it offers them as the
   * neighbors default, as MASQ's Daemon does once it has the password.
   */
  readPastNeighbors?(dataDir: string, chain: string, dbPassword: string): Promise<string | undefined>;
}

/** Stored rows as parameter values: what MASQ's Daemon shows as "Default". */
function storedDefaults(rows: Readonly<Partial<Record<ConfigRow, string>>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of STORED_PARAMS) {
    const v = rows[p.storeRow];
    if (v !== undefined) out[p.name] = v;
  }
  return out;
}

export async function resolveWithConfigFile(top: readonly Layer[], env: MachineFacts, io: ConfigIo, params: readonly Param[] = SETUP_PARAMS): Promise<Resolution> {
  const first = resolve(top, { ...env, stored: {} }, params);
  const dataDir = first.values.get('data-directory')?.value ?? '';
  const path = configFilePath(first.values.get('config-file')?.value ?? 'config.toml', dataDir);
  let file: Record<string, string> = {};
  const fileErrors: Array<[string, string]> = [];
  try {
    file = io.readConfigFile(path);
  } catch (e) {
    fileErrors.push(['config-file', describeError(e)]);
  }
  let stored: Record<string, string> = {};
  try {
    stored = storedDefaults(await io.readStoredRows(dataDir, STORED_PARAMS.map((p) => p.storeRow)));
  } catch (e) {
    fileErrors.push(['data-directory', describeError(e)]);
  }
  const layers = [...top, { source: 'config file', status: 'Configured' as const, values: file }];
  let r = resolve(layers, { ...env, stored }, params);
  const password = r.values.get('db-password')?.value;
  if (io.readPastNeighbors && password && r.values.get('neighbors')?.value === '') {
    const past = await io.readPastNeighbors(r.values.get('data-directory')?.value ?? dataDir, r.chain, password).catch(() => undefined);
    if (past) r = resolve(layers, { ...env, stored: { ...stored, neighbors: past } }, params);
  }
  r.errors.unshift(...fileErrors);
  return r;
}
