// The long run for memory: N concurrent streams through 3 hops for M minutes (1 000 for 10 minutes by default), no
// failed stream, and every Node's RSS at the end within 10 % of its value after the first minute. The network is
// meshFigures' (bench/run.ts): 7 Nodes on loopback, 3-hop routes. Each stream is one CONNECT tunnel through the last
// Node's proxy to an echo server in this process: the proxy opens one mesh stream per client connection and splices
// it for the connection's life, so N tunnels are N mesh streams. Each sends a random message every PERIOD_MS and
// checks that every byte comes back in order; a stream that closes, errs, echoes wrong bytes or makes no progress
// for STALL_MS has failed. Run alone: node --import tsx bench/streams.ts (BENCH_STREAMS, BENCH_STREAM_MINUTES).

import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_LIMITS, fairShare } from '../src/proxy/index.js';
import { NETWORK_DEFAULTS, type Network, type NetworkNode, startNetwork } from '../test/helpers/loopback-network.js';
import { type Emit, emitLine, rssKiB, ttfb, webServer } from './common.js';

export interface StreamOptions {
  /** The caller's webServer port: one request to it through the mesh shows the route works before the streams. */
  port: number;
  streams: number;
  minutes: number;
  /** Where the Nodes' data directories and logs go; the caller owns and removes it. */
  dir: string;
  /** Hears every Node process started, so that the caller can kill it if the benchmark is cut short. */
  onChild?(c: ChildProcess): void;
}

export interface StreamFigures {
  /** Streams open together once set-up was over. */
  concurrent: number;
  setupSeconds: number;
  failed: number;
  rss1minMaxMiB: number;
  rssEndMaxMiB: number;
  /** end / 1 min − 1 of the Node that grew most, in %. */
  rssGrowthMaxPercent: number;
  /** Bytes sent and echoed, both ways, in MB (10^6). */
  bytesTotalMB: number;
  durationSeconds: number;
}

const MESH_NODES = 7;
/** Streams opened together; the next batch waits until these carry their first echo (or failed). */
const BATCH = 50;
const MESSAGE_BYTES = 1024;
/** Each stream sends one message this often; the sends are spread over TICK_MS slots so that they do not burst. */
const PERIOD_MS = 2000;
const TICK_MS = 100;
/** A stream with no byte echoed for this long has failed. */
const STALL_MS = 30_000;
const SAMPLE_MS = 5000;
/** The RSS reference: this long after set-up. */
const REFERENCE_MS = 60_000;
/** The proxy's reply to CONNECT is a status line and a blank line; more than this before the blank line is wrong. */
const MAX_REPLY_HEAD = 1024;
/** How long the Nodes get to stop on SIGTERM before they are killed. */
const STOP_MS = 20_000;
/** File descriptors a process needs beyond its sockets of the streams (logs, links, libraries). */
const FD_MARGIN = 256;
/**
 * The proxy closes at once any connection beyond fairShare(maxConnections) from one source address (128 of 1024,
 * src/proxy/sources.ts): the clients are spread over as many loopback sources as that takes, as devices of a home are.
 */
const PER_SOURCE = fairShare(DEFAULT_LIMITS.maxConnections);

const MiB = (kib: number): number => kib / 1024;

/** The soft limit on open files of a process ('self' for this one). */
function openFilesLimit(pid: number | 'self'): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return m?.[1] === 'unlimited' ? Infinity : Number(m?.[1] ?? NaN);
}

const openFiles = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;

/** Waits `ms`, or throws the abort's reason as soon as the signal aborts. */
const pause = (ms: number, signal: AbortSignal): Promise<void> => delay(ms, undefined, { signal }).catch(() => signal.throwIfAborted());

/** `work`, unless `ms` pass or the signal aborts first. */
async function within<T>(work: Promise<T>, ms: number, signal: AbortSignal, what: string): Promise<T> {
  signal.throwIfAborted();
  const ac = new AbortController();
  const onAbort = (): void => ac.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([work, pause(ms, ac.signal).then(() => { throw new Error(`Timed out after ${ms} ms waiting for ${what}`); })]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    ac.abort();
  }
}

/** One client connection through the proxy: a CONNECT tunnel to the echo server, hence one mesh stream. */
class EchoStream {
  state: 'opening' | 'open' | 'failed' | 'closed' = 'opening';
  why = '';
  sent = 0;
  echoed = 0;
  /** Settles once the first message came back whole (the stream is open) or the stream failed. */
  readonly ready: Promise<void>;
  private settle: () => void = () => undefined;
  private lastProgress = Date.now();
  /** Bytes sent that have not come back yet, in order. */
  private owed = Buffer.alloc(0);
  /** The proxy's reply to CONNECT as far as read; undefined once it is complete. */
  private head: Buffer | undefined = Buffer.alloc(0);
  private readonly socket: Socket;

  constructor(proxyPort: number, echoPort: number, source: string) {
    this.ready = new Promise((r) => { this.settle = r; });
    this.socket = connect({ host: '127.0.0.1', port: proxyPort, localAddress: source });
    this.socket.setNoDelay(true);
    this.socket.once('connect', () => this.socket.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: 127.0.0.1:${echoPort}\r\n\r\n`));
    this.socket.on('data', (d: Buffer) => (this.head ? this.readHead(d) : this.check(d)));
    this.socket.once('error', (e) => this.fail(e.message));
    this.socket.once('close', () => this.fail('closed early'));
  }

  /** One more message on an open stream. */
  send(): void {
    if (this.state === 'open') this.write();
  }

  /** Fails the stream if it has made no progress for STALL_MS. */
  watch(now: number): void {
    if ((this.state === 'opening' || this.state === 'open') && now - this.lastProgress > STALL_MS) this.fail(`no progress for ${STALL_MS / 1000} s`);
  }

  close(): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'closed';
    this.socket.destroy();
    this.settle();
  }

  private readHead(d: Buffer): void {
    const head = Buffer.concat([this.head as Buffer, d]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      if (head.length > MAX_REPLY_HEAD) this.fail('no end to the reply to CONNECT');
      else this.head = head;
      return;
    }
    const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
    if (!/^HTTP\/1\.[01] 200 /.test(status)) return this.fail(`the proxy answered ${status}`);
    this.head = undefined;
    this.lastProgress = Date.now();
    // The first message's echo opens the stream: the proxy confirms CONNECT before its mesh stream exists.
    this.write();
    const rest = head.subarray(end + 4);
    if (rest.length > 0) this.check(rest);
  }

  private write(): void {
    const m = randomBytes(MESSAGE_BYTES);
    this.owed = Buffer.concat([this.owed, m]);
    this.sent += m.length;
    this.socket.write(m);
  }

  /** Every byte that comes back must be the next one owed. */
  private check(d: Buffer): void {
    if (d.length > this.owed.length || !d.equals(this.owed.subarray(0, d.length))) return this.fail('the echo differs from what was sent');
    this.owed = this.owed.subarray(d.length);
    this.echoed += d.length;
    this.lastProgress = Date.now();
    if (this.state === 'opening' && this.owed.length === 0) {
      this.state = 'open';
      this.settle();
    }
  }

  private fail(why: string): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    this.why = why;
    this.socket.destroy();
    this.settle();
  }
}

/** A TCP echo server on loopback; close() also cuts the connections it holds. */
async function echoServer(): Promise<{ port: number; close(): void }> {
  const held = new Set<Socket>();
  const server = createServer((s) => {
    held.add(s);
    s.once('close', () => held.delete(s));
    s.on('error', () => s.destroy());
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.close();
      for (const s of held) s.destroy();
    },
  };
}

/** Every Node's RSS every SAMPLE_MS, from the network's start to the end of the run. */
class RssSampler {
  private readonly series: { t: number; kib: number[] }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: number[]) {
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
    this.sample();
  }

  sample(): number[] {
    const kib = this.pids.map(rssKiB);
    this.series.push({ t: Date.now(), kib });
    return kib;
  }

  /** The first sample taken at or after `t`. */
  at(t: number): number[] | undefined {
    return this.series.find((s) => s.t >= t)?.kib;
  }

  /** Each Node's largest RSS since `t`. */
  peakSince(t: number): number[] {
    return this.pids.map((_, i) => Math.max(...this.series.filter((s) => s.t >= t).map((s) => s.kib[i] as number)));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The streams open now and failed so far, and how many failed for each reason. */
function tally(all: EchoStream[]): { open: number; failed: number; reasons: string } {
  const reasons = new Map<string, number>();
  for (const s of all) if (s.state === 'failed') reasons.set(s.why, (reasons.get(s.why) ?? 0) + 1);
  return {
    open: all.filter((s) => s.state === 'open').length,
    failed: all.filter((s) => s.state === 'failed').length,
    reasons: [...reasons].map(([why, n]) => `${n} × ${why}`).join('; '),
  };
}

const carriedMB = (all: EchoStream[]): number => all.reduce((n, s) => n + s.sent + s.echoed, 0) / 1e6;

/** Opens the streams BATCH at a time; stops opening when a whole batch fails (the Nodes take no more). */
async function openStreams(all: EchoStream[], n: number, proxyPort: number, echoPort: number, signal: AbortSignal): Promise<void> {
  for (let i = 0; i < n; i += BATCH) {
    const batch: EchoStream[] = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) batch.push(new EchoStream(proxyPort, echoPort, `127.0.1.${1 + Math.floor(j / PER_SOURCE)}`));
    all.push(...batch);
    // The watchdog fails a stream that has not opened within STALL_MS, so the batch settles within about that.
    await within(Promise.all(batch.map((s) => s.ready)), STALL_MS + 2 * SAMPLE_MS, signal, `streams ${i + 1}–${i + batch.length} to open`);
    if (batch.every((s) => s.state === 'failed')) {
      process.stderr.write(`streams: a whole batch failed after ${i} streams, no more opened: ${tally(batch).reasons}\n`);
      return;
    }
  }
}

/** Refuses to start when a process could not hold its share of sockets: this process 2 per stream, a Node 1 per stream. */
function checkFileLimits(pids: number[], streams: number): void {
  const own = openFilesLimit('self');
  const nodes = Math.min(...pids.map(openFilesLimit));
  process.stderr.write(`streams: open-file limit ${own} here, ${nodes} in the Nodes (smallest)\n`);
  if (own < 2 * streams + FD_MARGIN) throw new Error(`This process may open ${own} files; ${streams} streams need ${2 * streams + FD_MARGIN} (ulimit -n)`);
  if (nodes < streams + FD_MARGIN) throw new Error(`A Node may open ${nodes} files; ${streams} streams need ${streams + FD_MARGIN} (ulimit -n before make bench)`);
}

/** Lines the Nodes logged (warnings and errors, at MASQ_LOG_LEVEL warn), at most `max` per Node. */
function nodeComplaints(net: Network, max: number): string {
  return net.nodes.map((n) => {
    const lines = n.output().split('\n').filter((l) => /\b(WARN|ERROR)\b/i.test(l));
    return lines.length === 0 ? '' : `Node ${n.index + 1} (${lines.length} lines):\n${lines.slice(-max).join('\n')}\n`;
  }).join('');
}

/** One request through the mesh first: a mesh that carries no stream at all fails here, not as N failed streams. */
async function preflight(proxyPort: number, webPort: number, signal: AbortSignal): Promise<void> {
  try {
    await within(ttfb({ host: '127.0.0.1', port: proxyPort }, `http://127.0.0.1:${webPort}/small`), 15_000, signal, 'the answer');
  } catch (e) {
    signal.throwIfAborted();
    throw new Error(`A route was found, but one request through it failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Stops the network within STOP_MS, killing what has not stopped by then. */
async function stopNetwork(net: Network): Promise<void> {
  const timer = setTimeout(() => { for (const n of net.nodes) n.child.kill('SIGKILL'); }, STOP_MS);
  try {
    await net.stop();
  } finally {
    clearTimeout(timer);
  }
}

/** The steady part: every minute a line on stderr; the 1-minute RSS reference and the last sample. */
async function holdStreams(all: EchoStream[], rss: RssSampler, pids: number[], ms: number, signal: AbortSignal): Promise<{ reference: number[]; end: number[]; seconds: number }> {
  const t0 = Date.now();
  for (let minute = 1; Date.now() - t0 < ms; minute++) {
    const since = Date.now();
    await pause(Math.min(60_000, ms - (Date.now() - t0)), signal);
    rss.sample();
    const t = tally(all);
    const peaks = rss.peakSince(since).map((k) => MiB(k).toFixed(1)).join(' ');
    process.stderr.write(`streams: minute ${minute}: ${t.open} open, ${t.failed} failed, ${carriedMB(all).toFixed(1)} MB carried, RSS peak MiB [${peaks}], open files max ${Math.max(...pids.map(openFiles))}\n`);
  }
  const end = rss.sample();
  const seconds = (Date.now() - t0) / 1000;
  const reference = rss.at(t0 + REFERENCE_MS);
  if (!reference) throw new Error('No RSS sample a minute into the run: BENCH_STREAM_MINUTES must be more than 1');
  return { reference, end, seconds };
}

/**
 * `streams` concurrent streams through 3 hops for `minutes` minutes over a 7-Node loopback network of its own;
 * emits streams_* and returns the same figures. Whatever it started is stopped when it returns, throws or is
 * interrupted (SIGINT, SIGTERM).
 */
export async function streamFigures(emit: Emit, opts: StreamOptions): Promise<StreamFigures> {
  if (!(opts.minutes > REFERENCE_MS / 60_000)) throw new Error(`The run must be longer than ${REFERENCE_MS / 60_000} minute, its RSS reference`);
  if (opts.streams > DEFAULT_LIMITS.maxConnections) throw new Error(`The proxy takes at most ${DEFAULT_LIMITS.maxConnections} connections (src/proxy/index.ts DEFAULT_LIMITS.maxConnections)`);
  const abort = new AbortController();
  const all: EchoStream[] = [];
  const echo = await echoServer();
  let net: Network | undefined;
  // Cut short: the Nodes are killed at once (the exit hook is synchronous); a second signal exits.
  const killNow = (): void => { for (const n of net?.nodes ?? []) n.child.kill('SIGKILL'); };
  const onSignal = (sig: NodeJS.Signals): void => {
    if (abort.signal.aborted) process.exit(1);
    abort.abort(new Error(`Interrupted by ${sig}`));
  };
  process.once('exit', killNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timers: NodeJS.Timeout[] = [];
  let rss: RssSampler | undefined;
  try {
    net = await startNetwork({
      count: MESH_NODES, dir: join(opts.dir, 'streams'),
      env: { ...NETWORK_DEFAULTS, MASQ_EXIT_PRIVATE_DESTINATIONS: 'on', MASQ_LOG_LEVEL: 'warn', MASQ_MIN_HOPS: '3' },
      onUnexpectedExit: (n, code) => abort.abort(new Error(`mesh Node ${n.index + 1} exited with ${code}\n${n.output().split('\n').slice(-30).join('\n')}`)),
    });
    for (const n of net.nodes) opts.onChild?.(n.child);
    const me = net.nodes[MESH_NODES - 1] as NetworkNode;
    const pids = net.nodes.map((n) => n.child.pid ?? 0);
    rss = new RssSampler(pids);
    checkFileLimits(pids, opts.streams);
    await within(net.routeFound(me, 90_000), 95_000, abort.signal, 'a route');
    await preflight(me.proxyPort, opts.port, abort.signal);

    let tick = 0;
    const slots = PERIOD_MS / TICK_MS;
    timers.push(setInterval(() => { for (let i = tick++ % slots; i < all.length; i += slots) all[i]?.send(); }, TICK_MS));
    timers.push(setInterval(() => { const now = Date.now(); for (const s of all) s.watch(now); }, SAMPLE_MS));
    const t0 = Date.now();
    await openStreams(all, opts.streams, me.proxyPort, echo.port, abort.signal);
    const setupSeconds = (Date.now() - t0) / 1000;
    const concurrent = tally(all).open;
    process.stderr.write(`streams: ${concurrent} open in ${setupSeconds.toFixed(1)} s\n`);

    const held = await holdStreams(all, rss, pids, opts.minutes * 60_000, abort.signal);
    const t = tally(all);
    if (t.failed > 0) process.stderr.write(`streams: failed: ${t.reasons}\n${nodeComplaints(net, 20)}`);
    const growth = held.end.map((k, i) => (k / (held.reference[i] as number) - 1) * 100);
    const f: StreamFigures = {
      concurrent, setupSeconds, failed: t.failed,
      rss1minMaxMiB: MiB(Math.max(...held.reference)),
      rssEndMaxMiB: MiB(Math.max(...held.end)),
      rssGrowthMaxPercent: Math.max(...growth),
      bytesTotalMB: carriedMB(all),
      durationSeconds: held.seconds,
    };
    emit('streams_concurrent', f.concurrent, 'count');
    emit('streams_setup_time', f.setupSeconds, 's');
    emit('streams_failed', f.failed, 'count');
    emit('streams_rss_1min_max', f.rss1minMaxMiB, 'MiB');
    emit('streams_rss_end_max', f.rssEndMaxMiB, 'MiB');
    emit('streams_rss_growth_max', f.rssGrowthMaxPercent, '%');
    emit('streams_bytes_total', f.bytesTotalMB, 'MB');
    emit('streams_duration', f.durationSeconds, 's');
    return f;
  } finally {
    for (const t of timers) clearInterval(t);
    rss?.stop();
    for (const s of all) s.close();
    echo.close();
    if (net) await stopNetwork(net);
    process.off('exit', killNow);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { server, port } = await webServer();
  const dir = mkdtempSync(join(tmpdir(), 'masq-streams-'));
  try {
    await streamFigures(emitLine, { port, dir, streams: Number(process.env.BENCH_STREAMS ?? 1000), minutes: Number(process.env.BENCH_STREAM_MINUTES ?? 10) });
  } catch (e) {
    process.stderr.write(`bench/streams.ts: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
