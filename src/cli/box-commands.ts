// masq's commands about the box itself (the appliance's claim and its owner's ssh login, held by the Daemon):
// setup-code and ssh-access.

import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { keyLines, MAX_KEY_LINE_BYTES, MAX_KEYS } from '../ssh-keys/index.js';
import { MasqError } from '../system/index.js';
import type { Answers, Requests } from '../ui/index.js';
import type { Command } from './command.js';
import { ask, parseFlags, UsageError } from './flags.js';

/** The box's name on the local network, as the setup page and ssh know it. */
const localName = (): string => `${hostname().replace(/\.local$/, '')}.local`;

/** Where the code is typed: the box's setup page, by its name on the local network. */
function whereToType(): string {
  return `Type it on the box's setup page (http://${localName()}/ on this network) to claim the box and choose its admin password.`;
}

/** A .pub file (or several keys), read only if it is small enough to be one. */
function readKeyFile(file: string): string {
  try {
    if (statSync(file).size > MAX_KEYS * MAX_KEY_LINE_BYTES) throw new MasqError('USAGE', `${file} is too large to hold ssh public keys.`, 'Give the .pub file of your key, for example ~/.ssh/id_ed25519.pub.');
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof MasqError) throw e;
    throw new MasqError('USAGE', `Cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`, 'Check the file name; the key is the .pub file, for example ~/.ssh/id_ed25519.pub.');
  }
}

export function sshAccessText(a: Answers['sshAccess'], name = localName()): string {
  const lines = [`Login: ${a.user}`];
  if (a.keys.length === 0) {
    lines.push(`No key opens it yet: copy your key's .pub file here, then masq ssh-access --add-key <file>.`);
  } else {
    lines.push(`  ssh ${a.user}@${name}`, `Keys (${a.keys.length}):`);
    for (const k of a.keys) lines.push(`  ${`${k.label} ${k.bits}`.padEnd(14)}${k.fingerprint}  ${k.comment || '(no comment)'}`);
    lines.push('Whoever holds one of these keys is root on this box: the login may run any command with sudo, without a password.');
  }
  const state = { none: undefined, pending: 'being applied', applied: 'applied', failed: 'NOT applied' }[a.applied];
  if (state) lines.push(`State: ${state}${a.message ? `. ${a.message}` : ''}`);
  return lines.join('\n');
}

export const BOX_COMMANDS: readonly Command[] = [
  {
    name: 'setup-code',
    usage: 'setup-code [--reset]',
    help: 'Shows the setup code that claims this box on its setup page. --reset makes a new code and unclaims the box: its admin password is forgotten (for an owner who lost it).',
    async run(args, io) {
      if (args.length > 1 || (args.length === 1 && args[0] !== '--reset')) throw new UsageError(args[0] !== '--reset' ? `Unexpected argument '${(args[0] ?? '').slice(0, 40)}'` : '');
      const reset = args.length === 1;
      const r = await ask(io, 'setupCode', reset ? { reset: true } : {});
      if (r.claimed || r.code === undefined) {
        io.out('This box is already claimed: its admin password opens the setup page.');
        io.out('Lost it? masq setup-code --reset makes a new setup code and forgets the admin password; the box must then be claimed again.');
        return 0;
      }
      io.out(reset ? `New setup code: ${r.code} (the admin password was forgotten)` : `Setup code: ${r.code}`);
      io.out(whereToType());
      return 0;
    },
  },
  {
    name: 'ssh-access',
    usage: 'ssh-access [--add-key <file.pub>] [--remove <fingerprint>] [--user <login>]',
    help: 'Shows the ssh login of the setup page and the keys that open it; --add-key adds the keys of a .pub file, --remove takes one away (by its SHA256: fingerprint), --user renames the login. Whoever holds one of its keys is root here (sudo without a password). Only where root turned ssh-access-from-page on.',
    async run(args, io) {
      const flags = parseFlags(args, ['add-key', 'remove', 'user']);
      const change: Requests['setSshKeys'] = {};
      const file = flags.get('add-key');
      if (file !== undefined) change.add = keyLines(readKeyFile(file));
      const fingerprint = flags.get('remove');
      if (fingerprint !== undefined) change.remove = [fingerprint];
      const user = flags.get('user');
      if (user !== undefined) change.user = user;
      io.out(sshAccessText(flags.size > 0 ? await ask(io, 'setSshKeys', change) : await ask(io, 'sshAccess', {})));
      return 0;
    },
  },
];
