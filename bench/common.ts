// What the benches share: the figure line, quantiles, the local web server, curl's bulk speed, time to first byte,
// and a sandbox that can be emptied from process.on('exit').

import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { Agent, type Server, createServer, request } from 'node:http';
import type { Socket } from 'node:net';
import { Sandbox, type Tracked } from '../test/helpers/processes.js';

export type Emit = (name: string, value: number, unit: string) => void;

export const emitLine: Emit = (name, value, unit) => {
  process.stdout.write(`${name}=${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}\n`);
};

export const BULK_MB = Number(process.env.BENCH_BULK_MB ?? 512);
/**
 * Unmeasured 32 MiB downloads before a bulk figure. A Node that has run a while has its relay path compiled and its
 * heap grown (a first transfer costs a relay up to twice the CPU per MB); in the mesh each download takes a route of
 * its own, so one warms only the Nodes it crosses, in the roles it gives them, and eight warm most of them in each.
 */
export const WARM_UP_TRANSFERS = 8;
export const WARM_UP_MB = 32;

/** The warm-up downloads of `url` through `proxy`. */
export async function warmUp(proxy: string, url: string): Promise<void> {
  for (let i = 0; i < WARM_UP_TRANSFERS; i++) await curlSpeed(['-x', proxy, url]);
}

export const TTFB_REQUESTS = Number(process.env.BENCH_TTFB_REQUESTS ?? 500);
/**
 * New-stream requests made and not counted before a series is measured: a Node that has served a while has its
 * stream set-up compiled, as the bulk figures come after a warm-up transfer. The chain and Tor get the same.
 */
export const TTFB_WARM_UP = Number(process.env.BENCH_TTFB_WARM_UP ?? 200);

/** `n` timings of `one()` after TTFB_WARM_UP untimed calls, sorted. */
export async function warmedSeries(n: number, one: () => Promise<number>): Promise<number[]> {
  for (let i = 0; i < TTFB_WARM_UP; i++) await one();
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await one());
  return times.sort((a, b) => a - b);
}

/** A memory figure of a process in KiB from /proc/PID/status: VmRSS, RssAnon (its own), RssFile (mapped files). */
export function statusKiB(pid: number, field: 'VmRSS' | 'RssAnon' | 'RssFile'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

/** A process's resident memory in KiB. */
export function rssKiB(pid: number): number {
  return statusKiB(pid, 'VmRSS');
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100 on Linux)
}

/** The machine's CPU time so far, in clock ticks over all cores: all of it, and the part not idle (/proc/stat). */
export function machineTicks(): { busy: number; total: number } {
  const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  // idle and iowait are the 4th and 5th fields.
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** The share of every core's time that was busy between two readings: 1 when no core was idle. */
export function busyShare(before: { busy: number; total: number }, after: { busy: number; total: number }): number {
  return (after.busy - before.busy) / Math.max(1, after.total - before.total);
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** The most /mb/N serves, so that a typo cannot fill a disk or run for hours. */
const MAX_MB = 4096;

/**
 * `/small` answers "ok"; `/mb/N` sends N MiB, paced by the client (backpressure). `bulkPeerPort` is the source port
 * of the last `/mb/` request's connection: through a mesh, the exit's.
 */
export async function webServer(host = '127.0.0.1', port = 0): Promise<{ server: Server; port: number; bulkPeerPort(): number | undefined }> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let bulkPeer: number | undefined;
  const server = createServer((req, res) => {
    // A kept-alive connection through a proxy that splices it passes later requests in absolute form.
    const path = req.url?.startsWith('http://') ? new URL(req.url).pathname : req.url;
    if (path === '/small') return res.end('ok');
    const mb = Number(/^\/mb\/(\d+)$/.exec(path ?? '')?.[1] ?? NaN);
    if (!(mb <= MAX_MB)) return res.writeHead(404).end();
    bulkPeer = req.socket.remotePort;
    const total = mb * 1024 * 1024;
    res.writeHead(200, { 'Content-Length': total });
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(port, host, r));
  return { server, port: (server.address() as { port: number }).port, bulkPeerPort: () => bulkPeer };
}

/** Which of `pids` holds an open TCP socket on local port `port` (from /proc/net/tcp and the processes' fds), if any. */
export function pidWithLocalPort(port: number, pids: readonly number[]): number | undefined {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1]?.endsWith(hex) && f[9] && f[9] !== '0') inodes.add(`socket:[${f[9]}]`);
    }
  }
  return pids.find((pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).some((fd) => inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`)));
    } catch {
      return false; // the process is gone, or a descriptor closed while we looked: not the one
    }
  });
}

/** curl's average download speed in bytes/s; `ns` runs it in that network namespace. */
export function curlSpeed(args: string[], ns?: string): Promise<number> {
  const curl = ['curl', '-fsS', '--max-time', '120', '-o', '/dev/null', '-w', '%{speed_download}', ...args];
  const [cmd, ...rest] = ns === undefined ? curl : ['ip', 'netns', 'exec', ns, ...curl];
  return new Promise((res, rej) => {
    execFile(cmd as string, rest, { timeout: 130_000 }, (err, stdout) => (err ? rej(err) : res(Number(stdout))));
  });
}

export interface ProxyAt { host: string; port: number }

/** A TCP connection to host:port through the proxy's CONNECT (for the mesh: one stream, kept while it is open). */
export function connectTunnel(proxy: ProxyAt, host: string, port: number): Promise<Socket> {
  return new Promise((res, rej) => {
    const req = request({ host: proxy.host, port: proxy.port, method: 'CONNECT', path: `${host}:${port}`, agent: false });
    req.setTimeout(10_000, () => req.destroy(new Error('CONNECT: timeout')));
    req.once('connect', (r, socket) => {
      if (r.statusCode === 200) return res(socket);
      socket.destroy();
      rej(new Error(`CONNECT: HTTP ${r.statusCode}`));
    });
    req.once('error', rej);
    req.end();
  });
}

/**
 * Milliseconds to the first byte of `n` GETs of `target` on one kept-alive connection, `tunnel` (to the mesh: a
 * CONNECT tunnel, one stream whose route is made once; to Tor: a SOCKS connection), sorted; the first request,
 * which may still open the stream, is left out. The tunnel is closed at the end.
 */
export async function ttfbKeptAlive(tunnel: Socket, target: string, n: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let handedOut = false;
  // The agent gets the tunnel once; needing another connection means it was not kept.
  agent.createConnection = (_o, cb) => {
    if (handedOut) {
      cb?.(new Error('the kept-alive connection closed'), tunnel);
      return null;
    }
    handedOut = true;
    return tunnel;
  };
  const times: number[] = [];
  try {
    for (let i = 0; i <= n; i++) {
      const ms = await ttfb(undefined, target, agent);
      if (i > 0) times.push(ms);
    }
  } finally {
    agent.destroy();
    tunnel.destroy();
  }
  return times.sort((a, b) => a - b);
}

/** Milliseconds from sending a GET to the first byte of the body, on a new connection unless an agent keeps one; through `proxy` if given. */
export function ttfb(proxy: ProxyAt | undefined, target: string, agent: Agent | false = false): Promise<number> {
  return new Promise((res, rej) => {
    const url = new URL(target);
    const t0 = performance.now();
    const req = request(proxy
      ? { host: proxy.host, port: proxy.port, path: target, headers: { Host: url.host }, agent }
      : { host: url.hostname, port: url.port, path: url.pathname, agent });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.once('response', (r) => {
      // An error page from the proxy would be a fast first byte of nothing.
      if (r.statusCode !== 200) {
        r.resume();
        return rej(new Error(`${target}: HTTP ${r.statusCode}`));
      }
      r.once('data', () => res(performance.now() - t0));
      r.resume();
    });
    req.once('error', rej);
    req.end();
  });
}

/** `n` requests through the proxy and `n` straight to the server, alternating so both see the same machine; sorted. */
export async function ttfbSeries(proxy: ProxyAt, target: string, n: number): Promise<{ proxied: number[]; direct: number[] }> {
  const proxied: number[] = [];
  const direct: number[] = [];
  for (let i = 0; i < n; i++) {
    proxied.push(await ttfb(proxy, target));
    direct.push(await ttfb(undefined, target));
  }
  const up = (a: number, b: number): number => a - b;
  return { proxied: proxied.sort(up), direct: direct.sort(up) };
}

/** A sandbox that can also be emptied synchronously, from process.on('exit') when the benchmark is cut short. */
export class BenchSandbox extends Sandbox {
  private readonly procs: Tracked[] = [];
  private readonly made: string[] = [];

  override tempDir(prefix?: string): string {
    const d = super.tempDir(prefix);
    this.made.push(d);
    return d;
  }

  override spawn(...args: Parameters<Sandbox['spawn']>): Tracked {
    const t = super.spawn(...args);
    this.procs.push(t);
    return t;
  }

  killNow(): void {
    for (const t of this.procs) if (t.child.exitCode === null && t.child.signalCode === null) t.child.kill('SIGKILL');
    for (const d of this.made) rmSync(d, { recursive: true, force: true });
  }
}

/** What the comparisons with the relay chain and Tor need of the mesh. */
export interface MeshFigures {
  /** MB/s over 3 hops. */
  bulk: number;
  /** ms of CPU per MB: a relay's (the mean of the two busiest Nodes but the originator and the exit), the exit's. */
  cpuRelay: number;
  cpuExit: number;
  /** ms to the first byte, a new stream each. */
  ttfbMedian: number;
  ttfbP95: number;
}
