// masq-node: one program, two roles. With --initialization it is the Daemon, otherwise the Node.

import { runDaemon } from './daemon/index.js';
import { runNode } from './node/index.js';
import { describeError } from './system/index.js';
import { VERSION } from './version.js';

const HELP = `masq-node ${VERSION}: the MASQ Node and its Daemon

Usage:
  masq-node --initialization [--ui-port <port>] [--launcher child|systemd]
            [--state-directory <dir>] [--setup-code-seed <file>]
                                                  run the Daemon (UI on 127.0.0.1:5333 by default;
                                                  systemd: start masq-node.service, as the package does;
                                                  the box's state in <dir>, the first setup code from <file>)
  masq-node [--<parameter> <value> …]             run the Node directly
  masq-node --version | --help

Parameters, their defaults and the MASQ_* environment variables: docs/CONFIGURATION.md.
`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (argv.includes('--version') || argv.includes('-V')) {
    process.stdout.write(`masq-node ${VERSION}\n`);
    return 0;
  }
  return argv.includes('--initialization') ? runDaemon(argv) : runNode(argv);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`masq-node: ${describeError(e)}\n`);
    process.exitCode = 1;
  },
);
