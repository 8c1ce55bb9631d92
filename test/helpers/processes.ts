// Helpers for real processes: free ports, tracked children that are always killed, bounded waiting, and running
// the built programs from bin/. test/helpers/ is the one harness of this repository: the tests, `make bench`
// (bench/) and `make demo` (scripts/demo.ts) take what they need from here.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const MASQ_NODE = join(ROOT, 'bin', 'masq-node');
export const MASQ = join(ROOT, 'bin', 'masq');

/** Ports this process has handed out: a program given one may not have bound it yet, so the kernel may offer it again. */
const handedOut = new Set<number>();
const PORT_TRIES = 32;

/**
 * Where free ports are looked for: below the kernel's ephemeral range. A port from that range (what listening on
 * port 0 gives) can be taken by any outgoing connection of any process between being handed out and being bound,
 * which a test starting several Nodes in turn saw (the last Node's proxy port, seconds later, "already in use").
 */
function portRange(): { low: number; high: number } {
  let ephemeralLow = 32768;
  try {
    ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralLow;
  } catch {
    // Not Linux, or no /proc: the usual range's start.
  }
  return { low: Math.max(1024, ephemeralLow - 12_000), high: ephemeralLow };
}
const RANGE = portRange();

/** Whether `port` can be bound on `host` now. */
function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, host, () => s.close(() => res(true)));
  });
}

async function anyFreePort(host: string): Promise<number> {
  for (let i = 0; i < PORT_TRIES; i++) {
    const port = RANGE.low + Math.floor(Math.random() * (RANGE.high - RANGE.low));
    if (await bindable(port, host)) return port;
  }
  throw new Error(`no free port on ${host} between ${RANGE.low} and ${RANGE.high} in ${PORT_TRIES} tries`);
}

/**
 * A port free now on `host` (loopback by default), and not one this process handed out before. A Node listens on
 * its clandestine port at 0.0.0.0, so ask for that one on 0.0.0.0: a port free on 127.0.0.107 may still be taken
 * on 127.0.0.1.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < PORT_TRIES; i++) {
    const port = await anyFreePort(host);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port on ${host} that this process has not handed out already, in ${PORT_TRIES} tries`);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface Tracked {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  detached: boolean;
}

/** Owns temp dirs and processes of one test file; `cleanup()` removes them whatever happened. */
export class Sandbox {
  private readonly children: Tracked[] = [];
  private readonly dirs: string[] = [];

  tempDir(prefix = 'masq-test-'): string {
    const d = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }

  spawn(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, detached = false): Tracked {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    const t = { child, output: () => out, exited, detached };
    this.children.push(t);
    return t;
  }

  async cleanup(): Promise<void> {
    for (const t of this.children) {
      if (t.child.exitCode === null && t.child.signalCode === null) {
        // A detached child leads its own process group: kill the whole group (it may have started a Node).
        if (t.detached && t.child.pid) process.kill(-t.child.pid, 'SIGKILL');
        else t.child.kill('SIGKILL');
        await Promise.race([t.exited, new Promise((r) => setTimeout(r, 2000))]);
      }
    }
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; `input`, when given, is its whole stdin (passwords it asks for, one per line). */
export function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000, input?: string): Promise<Result> {
  return new Promise((res) => {
    const child = execFile(cmd, args, { env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      res({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Whether the text shows a JavaScript stack trace (users must never see one). */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+\(.+:\d+:\d+\)/.test(text) || /\n\s+at .+:\d+:\d+/.test(text);
}
