// Composition root of masq: one-shot when a command is given, interactive (prompt `masq> `) otherwise.

import { appendFileSync, chmodSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describeError } from '../system/index.js';
import { type Broadcast, readUiToken, uiAnswers, UiClient } from '../ui/index.js';
import { DAEMON_UI_PORT } from '../config/index.js';
import { COMMANDS, findCommand, runCommand } from './commands.js';
import type { CommandIo } from './command.js';
import { broadcast, unrecognized } from './format.js';
import { keepInHistory, tokenize } from './line.js';
import { MutableOutput, type ReadSecret, readlineSecrets, streamSecrets } from './secret-input.js';

const HISTORY_LINES = 500;

function makeIo(port: number, token: string | undefined, readSecret: ReadSecret, connected?: UiClient): CommandIo & { current(): UiClient | undefined } {
  let client = connected;
  return {
    readSecret,
    client: async () => (client ??= await UiClient.connect(port, undefined, token)),
    current: () => client,
    out: (t) => process.stdout.write(`${t}\n`),
    err: (t) => process.stderr.write(`${t}\n`),
    nodeAnswers: (port) => uiAnswers(port, 250, token),
  };
}

function parseGlobal(argv: readonly string[]): { port: number; rest: string[] } | string {
  let port = DAEMON_UI_PORT;
  const rest = [...argv];
  if (rest[0] === '--ui-port') {
    const p = Number(rest[1]);
    if (!Number.isInteger(p) || p < 1025 || p > 65535) return `--ui-port must be a port between 1025 and 65535, not '${rest[1] ?? ''}'`;
    port = p;
    rest.splice(0, 2);
  }
  return { port, rest };
}

async function interactive(port: number, token: string | undefined): Promise<number> {
  let client: UiClient;
  try {
    client = await UiClient.connect(port, undefined, token);
  } catch (e) {
    process.stderr.write(`${describeError(e)}\n`);
    return 1;
  }
  const output = new MutableOutput(process.stdout);
  const historyFile = join(process.env.HOME ?? homedir(), '.masq_history');
  let history: string[];
  try {
    history = readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_LINES).reverse();
  } catch {
    history = []; // no history yet
  }
  const rl = createInterface({ input: process.stdin, output, prompt: 'masq> ', history, historySize: HISTORY_LINES, terminal: process.stdin.isTTY });
  const io = makeIo(port, token, readlineSecrets(rl, output), client);
  let exitCode = 0;
  const done = new Promise<void>((resolve) => rl.once('close', resolve));
  const print = ({ text, stderr }: { text: string; stderr: boolean }): void => {
    process.stdout.write('\r\x1b[K');
    (stderr ? process.stderr : process.stdout).write(`${text}\n`);
  };
  client.onBroadcast((b: Broadcast) => {
    print(broadcast(b));
    if (b.opcode === 'crashed' && b.payload.crashReason === 'DaemonCrashed') {
      exitCode = 1;
      rl.close();
      return;
    }
    rl.prompt(true);
  });
  client.onUnrecognized((opcode) => {
    print(unrecognized(opcode));
    rl.prompt(true);
  });
  rl.on('SIGINT', () => {
    process.stdout.write('\nTerminated\n');
    rl.close();
  });
  rl.prompt();
  for await (const line of rl) {
    const words = tokenize(line);
    const [name, ...args] = words;
    if (name === undefined) {
      rl.prompt();
      continue;
    }
    if (keepInHistory(words)) {
      try {
        appendFileSync(historyFile, `${line}\n`, { mode: 0o600 });
        chmodSync(historyFile, 0o600);
      } catch (e) {
        process.stderr.write(`Cannot save history to ${historyFile}: ${describeError(e)}\n`);
      }
    }
    if (name === 'exit') break;
    if (!findCommand(name)) process.stderr.write(`Unrecognized command: '${name}'\n`);
    else await runCommand(name, args, io);
    rl.prompt();
  }
  rl.close();
  await done;
  client.close();
  return exitCode;
}

export async function runCli(argv: readonly string[]): Promise<number> {
  const g = parseGlobal(argv);
  if (typeof g === 'string') {
    process.stderr.write(`${g}\n`);
    return 1;
  }
  // Under systemd the token file decides who may drive masq; without it everything is open, as before.
  const token = readUiToken(process.env);
  if (g.rest.length === 0) return interactive(g.port, token);
  const [first, ...args] = g.rest;
  const name = first === '--help' || first === '-h' ? 'help' : first === '--version' ? 'version' : (first as string);
  if (!COMMANDS.some((c) => c.name === name)) {
    process.stderr.write(`Unrecognized command: '${name}'. Run masq help for the list.\n`);
    return 1;
  }
  // Prompts go to stderr, so what a command prints on stdout stays clean for scripts.
  const io = makeIo(g.port, token, streamSecrets(process.stdin, process.stderr));
  try {
    return await runCommand(name, args, io);
  } finally {
    io.current()?.close();
  }
}
