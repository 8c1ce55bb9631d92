// masq-ssh-access: applies the ssh logins the setup page asked for (root, started by masq-ssh-access.service).

import { runSshAccess } from './ssh-access/index.js';
import { describeError } from './system/index.js';

runSshAccess(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`masq-ssh-access: ${describeError(e)}\n`);
    process.exitCode = 1;
  },
);
