// masq-setup: the setup page and dashboard of the MASQ Node.

import { runSetupPage } from './setup/index.js';
import { describeError } from './system/index.js';

runSetupPage(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`masq-setup: ${describeError(e)}\n`);
    process.exitCode = 1;
  },
);
