// masq dns: the same verbs as masq-dns-utility, run here without the Daemon (they act on this machine alone).

import { runDnsUtility, VERBS } from '../dns/index.js';
import type { Command } from './command.js';

export const DNS_COMMAND: Command = {
  name: 'dns',
  usage: `dns ${VERBS.join('|')}`,
  help: 'Makes this machine the system\'s DNS server (subvert, root), gives the settings back (revert, root), or shows them (status, inspect).',
  local: true,
  run: (args, io) => runDnsUtility(args, io, 'masq dns'),
};
