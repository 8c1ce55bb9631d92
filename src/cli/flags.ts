// Command arguments of the form --name value, checked against the names a command accepts, and the one way a
// command asks the Daemon or Node.

import { MasqError } from '../system/index.js';
import type { Answers, ConvOpcode, Requests } from '../ui/index.js';
import type { CommandIo } from './command.js';

/** Wrong arguments: masq prints the message (if any), then the command's usage, and exits non-zero. */
export class UsageError extends MasqError {
  constructor(message = '') {
    super('USAGE', message);
    this.name = 'UsageError';
  }
}

/** Between min and max plain words, none of them a flag. */
export function positional(args: readonly string[], min: number, max: number): string[] {
  if (args.length < min || args.length > max || args.some((a) => a.startsWith('--'))) throw new UsageError();
  return [...args];
}

/** No masq command takes more; a longer argument list is a mistake, not something to parse. */
const MAX_ARGS = 32;

/**
 * `--name value` pairs into name → value, and `--switch` flags (which take no value) into switch → ''; unknown,
 * repeated or value-less flags and stray words are usage errors.
 */
export function parseFlags(args: readonly string[], names: readonly string[], switches: readonly string[] = []): Map<string, string> {
  if (args.length > MAX_ARGS) throw new UsageError('Too many arguments');
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const flag = args[i] as string;
    const name = flag.startsWith('--') ? flag.slice(2) : undefined;
    const isSwitch = name !== undefined && switches.includes(name);
    if (name === undefined || (!isSwitch && !names.includes(name))) throw new UsageError(`Unexpected argument '${flag.slice(0, 40)}'`);
    if (out.has(name)) throw new UsageError(`${flag} is given twice`);
    if (isSwitch) {
      out.set(name, '');
      continue;
    }
    const value = args[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    out.set(name, value);
  }
  return out;
}

/** One request to the Daemon (or, redirected, the Node) and its answer. */
export async function ask<Op extends ConvOpcode>(io: CommandIo, opcode: Op, payload: Requests[Op]): Promise<Answers[Op]> {
  return (await io.client()).request(opcode, payload);
}
