// masq's commands about the database password and what it guards: configuration, set-password, change-password,
// check-password.

import type { Command } from './command.js';
import { ask, positional } from './flags.js';
import { configurationDump } from './format.js';

export const PASSWORD_COMMANDS: readonly Command[] = [
  {
    name: 'configuration',
    usage: 'configuration [<db-password>]',
    help: 'Shows the Node\'s stored configuration; with the database password, its secrets too.',
    async run(args, io) {
      const [pw] = positional(args, 0, 1);
      io.out(configurationDump(await ask(io, 'configuration', pw !== undefined ? { dbPasswordOpt: pw } : {})));
      return 0;
    },
  },
  {
    name: 'set-password',
    usage: 'set-password <new-db-password>',
    help: 'Sets the database password for the first time.',
    async run(args, io) {
      const [pw] = positional(args, 1, 1) as [string];
      await ask(io, 'changePassword', { newPassword: pw });
      io.out('Database password has been changed');
      return 0;
    },
  },
  {
    name: 'change-password',
    usage: 'change-password <old-db-password> <new-db-password>',
    help: 'Changes the database password; every secret is sealed again with the new one.',
    async run(args, io) {
      const [oldPw, newPw] = positional(args, 2, 2) as [string, string];
      await ask(io, 'changePassword', { oldPasswordOpt: oldPw, newPassword: newPw });
      io.out('Database password has been changed');
      return 0;
    },
  },
  {
    name: 'check-password',
    usage: 'check-password [<db-password>]',
    help: 'Tells whether a password is the database password.',
    async run(args, io) {
      const [pw] = positional(args, 0, 1);
      const r = await ask(io, 'checkPassword', pw !== undefined ? { dbPasswordOpt: pw } : {});
      io.out(r.matches === true ? 'Password is correct' : 'Password is incorrect');
      return 0;
    },
  },
];
