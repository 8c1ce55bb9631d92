// How the Daemon starts the Node under systemd: the parameters go to /run/masq/node.env (root only), then
// `systemctl start masq-node.service`; its end is read from `systemctl show` and its last words from the journal.
// systemctl and journalctl run through an injected function, so every decision is tested without systemd.

import { execFile } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { MasqError } from '../system/index.js';
import { argsToEnvironment, formatEnvironmentFile } from './env-file.js';
import type { LaunchedNode, Launcher, NodeExit } from './launcher.js';

export const NODE_UNIT = 'masq-node.service';
export const NODE_ENV_FILE = 'node.env';
/** systemd sets RUNTIME_DIRECTORY from RuntimeDirectory=masq. */
export const DEFAULT_RUNTIME_DIRECTORY = '/run/masq';
/** StateDirectory=masq of masq-node.service: the only place the Node may write. */
export const STATE_DIRECTORY = '/var/lib/masq';

export type RunCommand = (cmd: string, args: readonly string[], timeoutMs: number) => Promise<{ code: number; output: string }>;

export const runCommand: RunCommand = (cmd, args, timeoutMs) => new Promise((resolve) => {
  execFile(cmd, [...args], { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
    const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
    resolve({ code, output: `${stdout}${stderr}`.trim() || (err?.message ?? '') });
  });
});

/** `Key=Value` lines of `systemctl show`. */
export function parseShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/**
 * Whether the unit has ended for good. `activating` (auto-restart included) is not an end: with Restart=on-failure
 * systemd starts the Node again on the same UI port, and the Daemon keeps redirecting to it.
 */
export function unitEnded(props: Record<string, string>): boolean {
  return props.ActiveState === 'inactive' || props.ActiveState === 'failed';
}

/** The Node's exit as `systemctl show` reports it: ExecMainCode 1 is an exit code, 2 and 3 a signal (CLD_*). */
export function exitFromShow(props: Record<string, string>, journalTail: string): NodeExit {
  const status = Number(props.ExecMainStatus ?? '0');
  const killed = props.ExecMainCode === '2' || props.ExecMainCode === '3';
  const signal = killed ? (Object.entries(constants.signals).find(([, n]) => n === status)?.[0] as NodeJS.Signals | undefined) ?? null : null;
  return { code: killed ? null : status, signal, stderrTail: journalTail };
}

/** The data directory must be in the Node's state directory: the unit lets it write nowhere else. */
export function checkDataDirectory(env: Readonly<Record<string, string>>): void {
  const dir = env.MASQ_DATA_DIRECTORY;
  if (dir !== undefined && dir !== STATE_DIRECTORY && !dir.startsWith(`${STATE_DIRECTORY}/`)) {
    throw new MasqError('LAUNCH', `Under systemd the Node keeps its data in ${STATE_DIRECTORY}, not in ${dir}.`, `Clear it with masq setup --data-directory, or give a directory inside ${STATE_DIRECTORY}.`);
  }
}

export interface SystemdLauncherOptions {
  runtimeDirectory: string;
  run?: RunCommand;
  /** How often the unit's state is read while the Node runs. */
  pollMs?: number;
}

const SYSTEMCTL_TIMEOUT_MS = 30_000;
/**
 * `systemctl start` of a Type=notify unit returns when the Node is ready, and systemd itself ends the start after
 * the unit's TimeoutStartSec= (90 s): waiting less would take a slow start (a loaded Pi) for a failed one while
 * systemd goes on starting the Node.
 */
const START_TIMEOUT_MS = 100_000;
const JOURNAL_LINES = '20';

export class SystemdLauncher implements Launcher {
  private readonly run: RunCommand;

  constructor(private readonly o: SystemdLauncherOptions) {
    this.run = o.run ?? runCommand;
  }

  get envFile(): string {
    return join(this.o.runtimeDirectory, NODE_ENV_FILE);
  }

  async launch(args: readonly string[], secrets: Readonly<Record<string, string>>): Promise<LaunchedNode> {
    const env = { ...argsToEnvironment(args), ...secrets };
    checkDataDirectory(env);
    this.writeEnvFile(formatEnvironmentFile(env));
    // A user's start is deliberate: earlier failures must not hold it back behind StartLimitBurst.
    await this.run('systemctl', ['reset-failed', NODE_UNIT], SYSTEMCTL_TIMEOUT_MS);
    // Type=notify: this returns once the Node said READY=1, or failed.
    const start = await this.run('systemctl', ['start', NODE_UNIT], START_TIMEOUT_MS);
    const pid = Number(parseShow((await this.show('MainPID')).output).MainPID ?? '0');
    if (start.code !== 0) {
      const exit = exitFromShow(parseShow((await this.show('ExecMainCode,ExecMainStatus')).output), await this.journalTail() || start.output);
      return { pid, exited: Promise.resolve(exit), stop: async () => undefined };
    }
    const exited = this.watch();
    return {
      pid,
      exited,
      stop: async () => {
        // The unit's TimeoutStopSec= decides when systemd kills it; the Daemon's grace does not apply here.
        await this.run('systemctl', ['stop', NODE_UNIT], SYSTEMCTL_TIMEOUT_MS);
        await exited;
      },
    };
  }

  /** Stops a Node a previous Daemon left running: its UI port and setup are unknown to this one. */
  async stopLeftover(): Promise<void> {
    await this.run('systemctl', ['stop', NODE_UNIT], SYSTEMCTL_TIMEOUT_MS);
  }

  private writeEnvFile(text: string): void {
    const tmp = `${this.envFile}.${process.pid}.tmp`;
    try {
      // 0600 from the first byte: the file holds the database password.
      writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
      renameSync(tmp, this.envFile);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new MasqError('LAUNCH', `Cannot write the Node's settings to ${this.envFile}: ${(e as Error).message}.`, 'Run the Daemon as masq-daemon.service (it creates /run/masq), or check that directory.');
    }
  }

  private show(props: string): Promise<{ code: number; output: string }> {
    return this.run('systemctl', ['show', '-p', props, NODE_UNIT], SYSTEMCTL_TIMEOUT_MS);
  }

  private async journalTail(): Promise<string> {
    const r = await this.run('journalctl', ['-u', NODE_UNIT, '-n', JOURNAL_LINES, '-o', 'cat', '--no-pager'], SYSTEMCTL_TIMEOUT_MS);
    return r.code === 0 ? r.output : '';
  }

  private watch(): Promise<NodeExit> {
    return new Promise((resolve) => {
      const poll = async (): Promise<void> => {
        const props = parseShow((await this.show('ActiveState,ExecMainCode,ExecMainStatus')).output);
        if (unitEnded(props)) resolve(exitFromShow(props, await this.journalTail()));
        else setTimeout(() => void poll(), this.o.pollMs ?? 1000);
      };
      setTimeout(() => void poll(), this.o.pollMs ?? 1000);
    });
  }
}
