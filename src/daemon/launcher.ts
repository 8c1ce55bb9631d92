// How the Daemon starts a Node. An interface, because under systemd (systemd-launcher.ts) the Daemon starts a unit
// instead of a child process; the Daemon itself only sees pid, exit and stop.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Logger } from '../system/index.js';
import { type CrashReason, uiAnswers } from '../ui/index.js';
import type { StateStore } from './state-dir.js';

export interface NodeExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines the Node wrote to stderr. */
  stderrTail: string;
}

export interface LaunchedNode {
  readonly pid: number;
  readonly exited: Promise<NodeExit>;
  /** SIGTERM, then SIGKILL after graceMs. Resolves when the process is gone. */
  stop(graceMs: number): Promise<void>;
}

export interface Launcher {
  /** `args` are the Node's command line; `secrets` reach it through its environment, never its command line. */
  launch(args: readonly string[], secrets: Readonly<Record<string, string>>): LaunchedNode | Promise<LaunchedNode>;
  /** Stops a Node that an earlier Daemon (killed, or crashed) left running, before this one starts its own. */
  stopLeftover?(): Promise<void>;
}

const TAIL_BYTES = 2048;
/** The running child's pid and start time, in the Daemon's state directory, for the next Daemon if this one is killed. */
export const CHILD_PID_FILE = 'node-pid.json';

/** Fields of /proc/<pid>/stat after the command name: [0] is field 3; undefined when the process is gone. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot; undefined when it is gone (or a zombie). */
export function processStartTime(pid: number): string | undefined {
  const f = procStat(pid);
  return f && f[0] !== 'Z' ? f[19] : undefined;
}

/** Starts the Node as a child process running this same program. */
export class ChildLauncher implements Launcher {
  constructor(
    private readonly program: { execPath: string; execArgv: readonly string[]; script: string },
    private readonly forward: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
    /** Where the running child is noted (CHILD_PID_FILE); without it a killed Daemon's Node is not found again. */
    private readonly state?: StateStore,
    private readonly log?: Logger,
  ) {}

  async stopLeftover(graceMs = 10_000): Promise<void> {
    const r = this.state?.read(CHILD_PID_FILE);
    if (r?.kind !== 'ok') return;
    let noted: { pid?: unknown; startTime?: unknown; daemonPid?: unknown };
    try {
      noted = JSON.parse(r.data.toString()) as typeof noted;
    } catch {
      noted = {};
    }
    const pid = noted.pid;
    // The same pid and start time: that very process, not another that got its pid later.
    const alive = typeof pid === 'number' && Number.isInteger(pid) && pid > 1 && noted.startTime !== undefined && processStartTime(pid) === noted.startTime;
    // Field 4, its parent: still the Daemon that started it (another Daemon on this state directory) is no leftover.
    const parent = alive ? Number(procStat(pid)?.[1]) : 0;
    if (alive && parent === noted.daemonPid && parent !== process.pid && processStartTime(parent) !== undefined) {
      this.log?.warn(`Another Daemon (process ${parent}) runs a Node with this state directory; give each Daemon its own --state-directory`);
      return;
    }
    if (alive) {
      this.log?.warn(`Stopping the Node (process ${pid}) that an earlier Daemon left running`);
      try {
        process.kill(pid as number, 'SIGTERM');
        const deadline = Date.now() + graceMs;
        while (processStartTime(pid as number) === noted.startTime && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
        if (processStartTime(pid as number) === noted.startTime) process.kill(pid as number, 'SIGKILL');
      } catch (e) {
        this.log?.warn(`Cannot stop process ${pid}: ${(e as Error).message}`);
      }
    }
    this.forget();
  }

  private forget(pid?: number): void {
    if (pid !== undefined) {
      const r = this.state?.read(CHILD_PID_FILE);
      if (r?.kind !== 'ok' || !r.data.toString().includes(`"pid":${pid},`)) return; // a later child's note
    }
    try {
      this.state?.remove(CHILD_PID_FILE);
    } catch (e) {
      this.log?.warn((e as Error).message);
    }
  }

  launch(args: readonly string[], secrets: Readonly<Record<string, string>>): LaunchedNode {
    const child = spawn(this.program.execPath, [...this.program.execArgv, this.program.script, ...args], {
      env: { ...process.env, ...secrets },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const startTime = child.pid !== undefined ? processStartTime(child.pid) : undefined;
    if (this.state && child.pid !== undefined && startTime !== undefined) {
      try {
        this.state.write(CHILD_PID_FILE, JSON.stringify({ pid: child.pid, startTime, daemonPid: process.pid }));
      } catch (e) {
        this.log?.warn((e as Error).message);
      }
    }
    let tail = '';
    child.stdout.pipe(this.forward.stdout, { end: false });
    child.stderr.on('data', (chunk: Buffer) => {
      this.forward.stderr.write(chunk);
      tail = (tail + chunk.toString()).slice(-TAIL_BYTES);
    });
    const exited = new Promise<NodeExit>((resolve) => {
      child.once('exit', (code, signal) => {
        if (startTime !== undefined) this.forget(child.pid);
        // Let the pipes drain so the tail holds the last words.
        setImmediate(() => resolve({ code, signal, stderrTail: tail.trim() }));
      });
    });
    return {
      pid: child.pid ?? 0,
      exited,
      stop: async (graceMs) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      },
    };
  }
}

/** MASQ's Daemon's reading of a Node's death (its CrashReason, masq_lib/src/messages.rs), adapted: our Node logs to stderr. */
export function crashReason(exit: NodeExit): CrashReason {
  if (exit.code === 0) return 'NoInformation';
  if (exit.stderrTail.startsWith('Child wait failure: ')) return { ChildWaitFailure: exit.stderrTail.slice(20) };
  const lines = exit.stderrTail.split('\n').slice(-5).join('\n');
  if (lines) return { Unrecognized: lines };
  return exit.code === null ? 'NoInformation' : { Unrecognized: `exit code ${exit.code}` };
}

/** First port ≥ start that 127.0.0.1 can bind, as MASQ's Daemon picks the Node's UI port. */
export async function findFreePort(start = 32768): Promise<number> {
  for (let i = 0; i < 1000; i++) {
    const port = start + ((i) % (65536 - start));
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return port;
  }
  throw new Error(`No free port found from ${start}`);
}

/** Tries the Node's UI port every 250 ms until it answers or the time is up. */
export async function waitForUi(port: number, timeoutMs: number, alive: () => boolean, token?: string): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    if (await uiAnswers(port, 1000, token)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}
