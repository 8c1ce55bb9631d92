// How the Daemon starts a Node. An interface, because under systemd (systemd-launcher.ts) the Daemon starts a unit
// instead of a child process; the Daemon itself only sees pid, exit and stop.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { type CrashReason, uiAnswers } from '../ui/index.js';

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
}

const TAIL_BYTES = 2048;

/** Starts the Node as a child process running this same program. */
export class ChildLauncher implements Launcher {
  constructor(
    private readonly program: { execPath: string; execArgv: readonly string[]; script: string },
    private readonly forward: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
  ) {}

  launch(args: readonly string[], secrets: Readonly<Record<string, string>>): LaunchedNode {
    const child = spawn(this.program.execPath, [...this.program.execArgv, this.program.script, ...args], {
      env: { ...process.env, ...secrets },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    child.stdout.pipe(this.forward.stdout, { end: false });
    child.stderr.on('data', (chunk: Buffer) => {
      this.forward.stderr.write(chunk);
      tail = (tail + chunk.toString()).slice(-TAIL_BYTES);
    });
    const exited = new Promise<NodeExit>((resolve) => {
      child.once('exit', (code, signal) => {
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
