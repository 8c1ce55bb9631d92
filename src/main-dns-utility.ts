// masq-dns-utility: makes this machine the system's DNS server and gives the settings back (MASQ's dns_utility).

import { runDnsUtility } from './dns/index.js';
import { describeError } from './system/index.js';

runDnsUtility(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
}).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`masq-dns-utility: ${describeError(e)}\n`);
    process.exitCode = 1;
  },
);
