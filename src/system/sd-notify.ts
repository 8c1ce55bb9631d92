// Tells systemd (Type=notify units) that the Node is ready, what it is doing, that it is alive and that it is
// stopping, through the systemd-notify tool (so the unit needs NotifyAccess=all). The decisions and the status
// line are pure; the one I/O is running the tool, bounded in time, never blocking and never throwing.

import { execFile } from 'node:child_process';
import type { Logger } from './logger.js';

/** What the status line reports. `neighbors` and `stage` are absent for a zero-hop Node (it has no mesh). */
export interface NodeStatus {
  mode: string;
  neighbors?: number;
  stage?: string;
  proxy: string;
  /** The router port mapping in a few words ("public 11.22.33.1:7777 via PCP", "port mapping failed: double-nat"). */
  mapping?: string;
}

/** One line for `systemctl status`, e.g. "standard mode, 3 neighbors, RouteFound, proxy 127.0.0.1:5380". */
export function formatStatus(s: NodeStatus): string {
  const parts = [`${s.mode} mode`];
  if (s.neighbors !== undefined) parts.push(`${s.neighbors} neighbor${s.neighbors === 1 ? '' : 's'}`);
  if (s.stage !== undefined) parts.push(s.stage);
  parts.push(`proxy ${s.proxy}`);
  if (s.mapping !== undefined) parts.push(s.mapping);
  // Every line of the tool's message is an assignment of its own: a newline would forge one.
  return parts.join(', ').replace(/[\r\n]+/g, ' ');
}

/**
 * How often to send WATCHDOG=1: half of WATCHDOG_USEC, as sd_watchdog_enabled(3) advises, and only when the
 * watchdog is meant for this process (WATCHDOG_PID, when set, names it). Undefined: no watchdog.
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isInteger(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== String(pid)) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

export type NotifyMessage = { ready: true; status: string } | { status: string } | { watchdog: true } | { stopping: true };

/**
 * The tool's arguments. VARIABLE=VALUE assignments rather than --ready/--stopping, because systemd 252
 * (Debian 12) knows no --stopping; every version understands the assignments.
 */
export function notifyArgs(m: NotifyMessage): string[] {
  if ('watchdog' in m) return ['WATCHDOG=1'];
  if ('stopping' in m) return ['STOPPING=1'];
  return 'ready' in m ? ['READY=1', `STATUS=${m.status}`] : [`STATUS=${m.status}`];
}

/** Remembers the last status sent, so an unchanged line is not sent again. */
export class StatusMemory {
  private last: string | undefined;

  /** The line to send, or undefined when systemd already shows it. */
  next(line: string): string | undefined {
    if (line === this.last) return undefined;
    this.last = line;
    return line;
  }
}

export type RunNotify = (args: readonly string[]) => Promise<void>;

/** systemd-notify waits for systemd to take the message; a stuck one is killed rather than left to pile up. */
export const NOTIFY_TIMEOUT_MS = 5000;

export function runSystemdNotify(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('systemd-notify', [...args], { timeout: NOTIFY_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err, _out, stderr) => {
      if (err) reject(new Error(`${err.message.split('\n')[0] ?? ''}${stderr ? ` (${stderr.trim()})` : ''}`));
      else resolve();
    });
  });
}

export interface SystemdNotifierOptions {
  env: NodeJS.ProcessEnv;
  pid: number;
  log: Logger;
  /** The current status, read at readiness, on every watchdog beat and whenever `refresh` is called. */
  status(): NodeStatus;
  run?: RunNotify;
}

export class SystemdNotifier {
  private readonly memory = new StatusMemory();
  private readonly run: RunNotify;
  private timer: NodeJS.Timeout | undefined;
  /** Messages go out one at a time and in order: a READY=1 must not overtake the STATUS before it. */
  private queue: Promise<void> = Promise.resolve();
  private warned = false;

  private constructor(private readonly o: SystemdNotifierOptions) {
    this.run = o.run ?? runSystemdNotify;
  }

  /** A notifier when systemd is listening (NOTIFY_SOCKET is set), undefined otherwise. */
  static create(o: SystemdNotifierOptions): SystemdNotifier | undefined {
    return o.env.NOTIFY_SOCKET ? new SystemdNotifier(o) : undefined;
  }

  /** READY=1 with the first status line, then WATCHDOG=1 (and any changed status) every half watchdog period. */
  ready(): Promise<void> {
    const status = formatStatus(this.o.status());
    this.memory.next(status);
    const sent = this.send({ ready: true, status });
    const every = watchdogIntervalMs(this.o.env, this.o.pid);
    if (every !== undefined) {
      this.timer = setInterval(() => {
        void this.send({ watchdog: true });
        void this.refresh();
      }, every);
      this.timer.unref();
    }
    return sent;
  }

  /** Sends the status line if it changed since the last one sent. */
  refresh(): Promise<void> {
    const line = this.memory.next(formatStatus(this.o.status()));
    return line === undefined ? this.queue : this.send({ status: line });
  }

  /** STOPPING=1, and no more watchdog beats. */
  stopping(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.send({ stopping: true });
  }

  private send(m: NotifyMessage): Promise<void> {
    this.queue = this.queue.then(() => this.run(notifyArgs(m)).catch((e: unknown) => {
      // Once as a warning (a missing tool, a wrong socket), then quietly: a watchdog beat repeats every few seconds.
      const text = `Could not notify systemd (${notifyArgs(m).join(' ')}): ${e instanceof Error ? e.message : String(e)}`;
      if (this.warned) this.o.log.debug(text);
      else this.o.log.warn(text);
      this.warned = true;
    }));
    return this.queue;
  }
}
