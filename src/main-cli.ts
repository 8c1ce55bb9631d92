// masq: the command-line UI of the MASQ Node.

import { runCli } from './cli/index.js';
import { describeError } from './system/index.js';

runCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`masq: ${describeError(e)}\n`);
    process.exitCode = 1;
  },
);
