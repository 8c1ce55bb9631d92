// The Node's parameters as a systemd EnvironmentFile= (masq-node.service reads /run/masq/node.env). Pure text
// here; writing it is the launcher's job.

import { MasqError } from '../system/index.js';
import { envName, findParam } from '../config/index.js';

const NAME = /^[A-Z_][A-Z0-9_]*$/;
// Inside double quotes systemd's env-file parser turns \" \\ \` \$ into the character; other text is literal.
const NEEDS_ESCAPE = /["\\`$]/g;

/** One `NAME="value"` line. Newlines are refused: the parser would join or split lines, changing the value. */
export function envFileLine(name: string, value: string): string {
  if (!NAME.test(name)) throw new MasqError('LAUNCH', `'${name}' cannot be an environment variable name.`, 'Use capital letters, digits and underscores.');
  if (/[\r\n\0]/.test(value)) {
    throw new MasqError('LAUNCH', `The value of ${name} holds a line break or NUL, which the Node's environment file cannot carry.`, 'Set it again without line breaks (masq setup).');
  }
  return `${name}="${value.replace(NEEDS_ESCAPE, (c) => `\\${c}`)}"`;
}

export function formatEnvironmentFile(vars: Readonly<Record<string, string>>): string {
  return Object.entries(vars).map(([k, v]) => `${envFileLine(k, v)}\n`).join('');
}

/** `--name value` pairs (the Node's command line) as MASQ_NAME variables. */
export function argsToEnvironment(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i] as string;
    const name = flag.slice(2);
    if (!flag.startsWith('--') || !findParam(name) || i + 1 >= args.length) {
      throw new MasqError('LAUNCH', `'${flag}' is not a Node parameter with a value.`, 'This is a bug in the Daemon; please report it.');
    }
    out[envName(name)] = args[i + 1] as string;
  }
  return out;
}
