// Reading parameter values from the outside world: environment, config.toml, command-line arguments.
// Each reader is bounded and turns bad input into a MasqError that names the problem and the fix.

import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { MasqError } from '../system/index.js';
import { PARAMS, envName, findParam } from './params.js';

export const MAX_CONFIG_FILE_BYTES = 64 * 1024;

/** MASQ_* variables that name a known parameter. Unknown MASQ_* names are returned so the caller can warn. */
export function readEnv(env: NodeJS.ProcessEnv): { values: Record<string, string>; unknown: string[] } {
  const values: Record<string, string> = {};
  const known = new Set<string>();
  for (const p of PARAMS) {
    const name = envName(p.name);
    known.add(name);
    const v = env[name];
    if (v !== undefined) values[p.name] = v;
  }
  const unknown = Object.keys(env).filter((k) => k.startsWith('MASQ_') && !known.has(k));
  return { values, unknown };
}

/** Parses config.toml text: a flat table of scalars whose keys are parameter names. */
export function parseConfigText(text: string, source: string): Record<string, string> {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const detail = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new MasqError('CONFIG_FILE', `${source} is not valid TOML: ${detail}.`, 'Fix the line it names, or move the file away to start from defaults.');
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc)) {
    const p = findParam(key);
    if (!p) throw new MasqError('CONFIG_FILE', `${source} names an unknown parameter '${key}'.`, 'Remove that line or correct its name (see docs/CONFIGURATION.md).');
    if (p.notFromFile) throw new MasqError('CONFIG_FILE', `${source} sets '${key}', which is never taken from a configuration file.`, 'Remove that line; give it on the command line or in MASQ_CONFIG_FILE instead.');
    if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') out[key] = String(value);
    else if (typeof value === 'number') out[key] = Number.isInteger(value) ? value.toFixed(0) : String(value);
    else throw new MasqError('CONFIG_FILE', `${source}: '${key}' must be a plain value (string, number or boolean), not a table, array or date.`, `Write it as ${key} = "value".`);
  }
  return out;
}

/** The config file's path: relative names live in the data directory. */
export function configFilePath(configFile: string, dataDirectory: string): string {
  return isAbsolute(configFile) ? configFile : join(dataDirectory, configFile);
}

/** Reads and parses the config file; a missing file is an empty one, as in MASQ. */
export function readConfigFile(path: string): Record<string, string> {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new MasqError('CONFIG_FILE', `Cannot read ${path}: ${(e as Error).message}.`, 'Check its permissions.');
  }
  if (size > MAX_CONFIG_FILE_BYTES) {
    throw new MasqError('CONFIG_FILE', `${path} is ${size} bytes; a configuration file may hold at most ${MAX_CONFIG_FILE_BYTES}.`, 'Keep only parameter = value lines in it.');
  }
  return parseConfigText(readFileSync(path, 'utf8'), path);
}

/**
 * `--name value` pairs. A flag without a value is an error here; the CLI's setup command treats it as "clear".
 * Returns the values and the arguments that were not parameters (so a program can handle its own flags).
 */
export function parseParamArgs(argv: readonly string[], allowBare = false): { values: Record<string, string>; cleared: string[] } {
  const values: Record<string, string> = {};
  const cleared: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new MasqError('USAGE', `Unexpected argument '${arg}'.`, 'Parameters are given as --name value.');
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!findParam(name)) throw new MasqError('USAGE', `Unknown parameter '--${name}'.`, 'See docs/CONFIGURATION.md or `masq help setup` for the list.');
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) value = argv[++i];
    if (value === undefined) {
      if (!allowBare) throw new MasqError('USAGE', `Parameter '--${name}' needs a value.`, `Give it as --${name} <value>.`);
      cleared.push(name);
    } else {
      values[name] = value;
    }
  }
  return { values, cleared };
}
