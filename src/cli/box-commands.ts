// masq's commands about the box itself (the appliance's claim, held by the Daemon): setup-code.

import { hostname } from 'node:os';
import type { Command } from './command.js';
import { ask, UsageError } from './flags.js';

/** Where the code is typed: the box's setup page, by its name on the local network. */
function whereToType(): string {
  const host = hostname().replace(/\.local$/, '');
  return `Type it on the box's setup page (http://${host}.local/ on this network) to claim the box and choose its admin password.`;
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
];
