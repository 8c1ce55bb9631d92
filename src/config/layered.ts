// Resolution including config.toml, whose location itself depends on the higher layers (MASQ's two passes):
// find data-directory and config-file without the file, read the file, then resolve everything with it.

import type { Param } from './params.js';
import { SETUP_PARAMS } from './params.js';
import { type Environment, type Layer, type Resolution, resolve } from './resolve.js';
import { configFilePath } from './sources.js';
import { describeError } from '../system/errors.js';

export interface ConfigIo {
  /** Parameter values from config.toml at this path; throws a MasqError when the file is unusable. */
  readConfigFile(path: string): Record<string, string>;
  /** Values the Node persisted in the store of this data directory. */
  readStoredDefaults(dataDir: string): Promise<Record<string, string>>;
}

export async function resolveWithConfigFile(top: readonly Layer[], env: Environment, io: ConfigIo, params: readonly Param[] = SETUP_PARAMS): Promise<Resolution> {
  const first = resolve(top, env, params);
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
    stored = await io.readStoredDefaults(dataDir);
  } catch (e) {
    fileErrors.push(['data-directory', describeError(e)]);
  }
  const r = resolve([...top, { source: 'config file', status: 'Configured', values: file }], { ...env, stored }, params);
  r.errors.unshift(...fileErrors);
  return r;
}
