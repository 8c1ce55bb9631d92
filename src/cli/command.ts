// What a masq subcommand is and what it may use; the command table (commands.ts) and its parts share this.

import type { Clock } from '../system/index.js';
import type { UiClient } from '../ui/index.js';

export interface CommandIo {
  /** The connection to the Daemon (made on first use). */
  client(): Promise<UiClient>;
  out(text: string): void;
  err(text: string): void;
  /** Whether the Node's UI port still answers (for shutdown). */
  nodeAnswers(port: number): Promise<boolean>;
  /** For how long ago and how soon things were and will be (the port mapping's renewal); SYSTEM_CLOCK by default. */
  clock?: Clock;
  /** Asks for a password without showing it (secret-input.ts). */
  readSecret?(prompt: string): Promise<string>;
}

export interface Command {
  name: string;
  usage: string;
  help: string;
  /** More for masq help <command>: how the arguments combine, examples. */
  details?: string;
  /** Needs no Daemon (version, help). */
  local?: boolean;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}
