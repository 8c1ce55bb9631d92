// The one table of masq subcommands: usage, help, how each one talks to the Daemon or Node and what it prints.

import { parseParamArgs, RUNTIME_SETTINGS, SETUP_PARAMS } from '../config/index.js';
import { MasqError, SYSTEM_CLOCK, describeError } from '../system/index.js';
import { ConnectionLost, UI_ERRORS, UiRequestError } from '../ui/index.js';
import { VERSION } from '../version.js';
import { automapText, connectionStatus, setupTable } from './format.js';
import { UsageError, ask, positional } from './flags.js';
import type { Command, CommandIo } from './command.js';
import { PASSWORD_COMMANDS } from './password-commands.js';
import { BOX_COMMANDS } from './box-commands.js';
import { WALLET_COMMANDS } from './wallet-commands.js';
import { BACKUP_COMMANDS } from './backup-commands.js';
import { FINANCIALS_COMMAND } from './financials.js';
import { DNS_COMMAND } from './dns-command.js';
import { EXIT_LOCATION_COMMAND } from './exit-location.js';
import { SCAN_TYPES } from '../accountant/index.js';

/** Exactly `--name value`. */
function positional2(args: readonly string[]): [string, string] {
  const [flag, value] = args;
  if (args.length !== 2 || flag === undefined || value === undefined || !flag.startsWith('--') || value.startsWith('--')) throw new UsageError();
  return [flag, value];
}

function noArgs(args: readonly string[]): void {
  positional(args, 0, 0);
}

/** A command without arguments: one request, one line of answer. */
function plain(name: string, help: string, text: (io: CommandIo) => Promise<string>): Command {
  return {
    name, usage: name, help,
    async run(args, io) {
      noArgs(args);
      io.out(await text(io));
      return 0;
    },
  };
}

export const COMMANDS: readonly Command[] = [
  {
    name: 'setup',
    usage: 'setup [--<parameter> <value> | --<parameter>] …',
    help: 'Shows the Daemon\'s setup, changing the parameters given first (a parameter without a value is cleared).',
    async run(args, io) {
      let parsed;
      try {
        parsed = parseParamArgs(args, true);
      } catch (e) {
        throw new UsageError(describeError(e));
      }
      const values = [
        ...Object.entries(parsed.values).map(([name, value]) => ({ name, value })),
        ...parsed.cleared.map((name) => ({ name })),
      ];
      io.out(setupTable(await ask(io, 'setup', { values })));
      return 0;
    },
  },
  plain('start', 'Starts the Node with the Daemon\'s setup.', async (io) => {
    const r = await ask(io, 'start', {});
    return `MASQNode successfully started in process ${r.newProcessId} on port ${r.redirectUiPort}`;
  }),
  {
    name: 'shutdown',
    usage: 'shutdown',
    help: 'Stops the Node: it closes its listeners, finishes open transfers briefly and saves its state.',
    async run(args, io) {
      noArgs(args);
      const client = await io.client();
      try {
        await client.request('shutdown', {});
      } catch (e) {
        if (e instanceof UiRequestError && e.error.code === UI_ERRORS.NODE_NOT_RUNNING_ERROR) {
          io.err('MASQNode is not running; therefore it cannot be shut down');
          return 1;
        }
        if (!(e instanceof ConnectionLost)) throw e;
      }
      const port = client.target().port;
      for (let i = 0; i < 4; i++) {
        if (!(await io.nodeAnswers(port)) || !client.target().node) {
          io.out('MASQNode was instructed to shut down and has broken its connection');
          return 0;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      io.err('MASQNode ignored the instruction to shut down and is still running');
      return 1;
    },
  },
  plain('descriptor', 'Shows the Node\'s descriptor, which other Nodes use to reach it.',
    async (io) => (await ask(io, 'descriptor', {})).nodeDescriptorOpt ?? 'Node descriptor is not yet available; try again later'),
  plain('connection-status', 'Shows whether the Node is connected to the network and can find routes.',
    async (io) => connectionStatus((await ask(io, 'connectionStatus', {})).stage)),
  plain('neighborhood-graph', 'Shows the Node\'s neighborhood database as a Graphviz DOT graph.',
    async (io) => `Graph of the Node's neighborhood database: ${(await ask(io, 'neighborhoodGraph', {})).graph}`),
  {
    name: 'set-configuration',
    usage: 'set-configuration --gas-price <gwei> | --min-hops <1-6> | --start-block <number|none>',
    help: 'Changes one setting of the running Node (min-hops takes effect for new streams at once).',
    async run(args, io) {
      const [flag, value] = positional2(args);
      const name = flag.slice(2);
      if (!RUNTIME_SETTINGS.includes(name)) throw new UsageError(`'${flag}' is not a setting set-configuration can change`);
      await ask(io, 'setConfiguration', { name, value });
      io.out('Parameter was successfully set');
      return 0;
    },
  },
  plain('automap', 'Shows how the Node\'s port is mapped on the home router (PCP, NAT-PMP or UPnP IGD), its public address and lease, or why mapping failed and what to do.',
    async (io) => automapText(await ask(io, 'automapStatus', {}), (io.clock ?? SYSTEM_CLOCK).now())),
  {
    name: 'scan',
    usage: `scan ${SCAN_TYPES.map((t) => t.name).join('|')}`,
    help: 'Runs one of the accountant\'s scans now: pay debts over the thresholds, settle sent payments, or look for payments received.',
    async run(args, io) {
      const [type] = positional(args, 1, 1);
      const scan = SCAN_TYPES.find((t) => t.name === type?.toLowerCase());
      if (!scan) throw new UsageError(`'${type}' is not a scan; use ${SCAN_TYPES.map((t) => t.name).join(', ')}`);
      await ask(io, 'scan', { scanType: scan.ui });
      return 0;
    },
  },
  EXIT_LOCATION_COMMAND,
  ...PASSWORD_COMMANDS,
  ...BOX_COMMANDS,
  ...WALLET_COMMANDS,
  ...BACKUP_COMMANDS,
  FINANCIALS_COMMAND,
  DNS_COMMAND,
  {
    name: 'version',
    usage: 'version',
    help: 'Shows the version of masq.',
    local: true,
    async run(args, io) {
      noArgs(args);
      io.out(`masq ${VERSION}`);
      return 0;
    },
  },
  {
    name: 'help',
    usage: 'help [<command>]',
    help: 'Lists the commands, or explains one.',
    local: true,
    async run(args, io) {
      const [name] = positional(args, 0, 1);
      if (name === undefined) {
        io.out(helpText());
        return 0;
      }
      const c = findCommand(name);
      if (!c) {
        io.err(`Unrecognized command: '${name}'`);
        return 1;
      }
      io.out(commandHelp(c));
      return 0;
    },
  },
  {
    name: 'exit',
    usage: 'exit',
    help: 'Leaves interactive masq.',
    local: true,
    async run() {
      return 0;
    },
  },
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function commandHelp(c: Command): string {
  let text = `Usage: masq ${c.usage}\n  ${c.help}`;
  if (c.details) text += `\n\n${c.details}`;
  if (c.name === 'setup') text += `\n\nParameters:\n${SETUP_PARAMS.map((p) => `  --${p.name} <${p.valueName}>`).join('\n')}`;
  return text;
}

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'masq: the command-line UI of the MASQ Node',
    '',
    'Usage: masq [--ui-port <port>] [<command> [<arguments>]]',
    '  Without a command, masq runs interactively (prompt masq> ).',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.help}`),
    '',
    'masq help <command> explains one command.',
  ].join('\n');
}

/** Runs one command; prints errors as one clear sentence and returns the exit code. */
export async function runCommand(name: string, args: readonly string[], io: CommandIo): Promise<number> {
  const c = findCommand(name);
  if (!c) {
    io.err(`Unrecognized command: '${name}'. Type help for the list.`);
    return 1;
  }
  try {
    return await c.run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) io.err(e.message);
      io.err(commandHelp(c));
      return 1;
    }
    if (e instanceof MasqError) {
      io.err(describeError(e));
      return 1;
    }
    throw e;
  }
}
