// make bench's comparison peer: Debian's tor as a private network on loopback (bench/tor-network.ts), measured with
// the mesh's tools (bench/run.ts): curl for bulk, node:http for time to first byte (over a SOCKS5 connection made
// here), /proc for CPU and RSS. Paths have tor's default 3 relays: guard, middle, exit.
// Run alone: node --import tsx bench/tor.ts

import { type ClientRequestArgs, request } from 'node:http';
import { type Socket, connect } from 'node:net';
import { waitFor } from '../test/helpers/processes.js';
import { type Emit, cpuSeconds, curlSpeed, emitLine, mean, quantile, rssKiB, ttfbKeptAlive, warmedSeries, webServer } from './common.js';
import { type Control, LOOPBACK, type RunningNode, findTool, startTorNetwork } from './tor-network.js';

export interface TorFigures {
  bulkBytesPerSecond: number;
  ttfbNewStreamMs: { median: number; p95: number };
  ttfbKeptAliveMs: { median: number; p95: number };
  /** A fresh 3-hop circuit through the bulk stream's relays (EXTENDCIRCUIT to BUILT), median; NaN if tor refused. */
  circuitBuildMs: number;
  /**
   * CPU ms per MB (1e6 bytes) of the bulk download, by role from the stream's circuit; if that was not seen, by CPU
   * ranking (the busiest non-client is the exit, the next two guard and middle). relay is the mean of guard and middle.
   */
  cpuMsPerMB: { guard: number; middle: number; exit: number; relay: number; client: number; total: number; rolesFromCircuit: boolean };
  rssMiB: { idleMean: number; idleMax: number; underLoadMax: number };
  processes: number;
  bootstrapSeconds: number;
}

const CIRCUIT_BUILDS = 10;

/** A TCP connection through a SOCKS5 proxy (no authentication) to host:port, by name as curl's --socks5-hostname. */
export function socks5(proxyPort: number, host: string, port: number, timeoutMs = 10_000): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = connect(proxyPort, LOOPBACK, () => s.write(Buffer.from([5, 1, 0])));
    const fail = (e: Error): void => { s.destroy(); rej(e); };
    s.setTimeout(timeoutMs, () => fail(new Error(`SOCKS to ${host}:${port}: timeout`)));
    s.once('error', fail);
    let buf = Buffer.alloc(0);
    let greeted = false;
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      if (!greeted && buf.length >= 2) {
        if (buf[0] !== 5 || buf[1] !== 0) return fail(new Error('SOCKS: no acceptable authentication'));
        greeted = true;
        buf = buf.subarray(2);
        const name = Buffer.from(host);
        s.write(Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, Buffer.from([port >> 8, port & 255])]));
      }
      // The reply: VER REP RSV ATYP, a bound address (IPv4, name or IPv6) and a port.
      const bound = buf[3] === 1 ? 4 : buf[3] === 4 ? 16 : 1 + (buf[4] ?? 0);
      if (!greeted || buf.length < 6 + bound) return;
      if (buf[1] !== 0) return fail(new Error(`SOCKS CONNECT to ${host}:${port} refused (reply ${buf[1]})`));
      s.off('data', onData);
      s.off('error', fail);
      s.setTimeout(0);
      // Not paused: an HTTP client given this socket adds its 'data' listener, which does not resume a socket paused
      // by hand. Nothing comes before the caller's request.
      res(s);
    };
    s.on('data', onData);
  });
}

/** Milliseconds from t0 to the first byte of the body of GET url, on the connection `via` gives; resolves at its end. */
function timedGet(url: URL, via: Pick<ClientRequestArgs, 'createConnection'>, t0: number): Promise<number> {
  return new Promise((res, rej) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, ...via });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.once('response', (r) => {
      if (r.statusCode !== 200) {
        r.resume();
        return rej(new Error(`${url}: HTTP ${r.statusCode}`));
      }
      let ms = NaN;
      r.once('data', () => { ms = performance.now() - t0; });
      r.once('end', () => res(ms));
      r.resume();
    });
    req.once('error', rej);
    req.end();
  });
}

const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const median95 = (xs: number[]): { median: number; p95: number } => ({ median: quantile(sorted(xs), 0.5), p95: quantile(sorted(xs), 0.95) });

/** The relays (hex fingerprints, guard first) of the circuit carrying the client's stream to `port`, if seen within 3 s. */
async function streamPath(c: Control, port: number): Promise<string[] | undefined> {
  const circ = await waitFor('the bulk stream', async () => {
    // StreamID StreamStatus CircuitID Target; circuit 0 means not attached yet.
    const circuit = (await c.getinfo('stream-status')).split('\n').find((l) => l.endsWith(`:${port}`))?.split(' ')[2];
    return circuit !== '0' && circuit;
  }, 3000, 50).catch(() => undefined);
  const line = circ && (await c.getinfo('circuit-status')).split('\n').find((l) => l.startsWith(`${circ} `));
  return line ? [...line.split(' ')[2]?.matchAll(/\$([0-9A-F]{40})/g) ?? []].map((m) => m[1] as string) : undefined;
}

/** Per-role CPU: from the circuit's path when known, else the busiest non-client process is the exit, the next two relays. */
export function cpuRoles(nodes: readonly RunningNode[], cpu: readonly number[], path: string[] | undefined): { guard: number; middle: number; exit: number; client: number; rolesFromCircuit: boolean } {
  const client = cpu[nodes.findIndex((n) => n.role === 'client')] as number;
  const at = path?.map((fp) => nodes.findIndex((n) => n.fingerprint === fp)) ?? [];
  if (at.length === 3 && at.every((i) => i >= 0)) {
    const [guard, middle, exit] = at.map((i) => cpu[i] as number) as [number, number, number];
    return { guard, middle, exit, client, rolesFromCircuit: true };
  }
  const ranked = nodes.flatMap((n, i) => (n.role === 'client' ? [] : [cpu[i] as number])).sort((a, b) => b - a);
  const [exit, guard, middle] = ranked as [number, number, number];
  return { guard, middle, exit, client, rolesFromCircuit: false };
}

/**
 * Milliseconds for the client to build one new circuit, from the command to its BUILT event: through `path` (hex
 * fingerprints) when given, as tor chooses otherwise (which an exit to 127/8 only can make it refuse: 551).
 */
async function circuitBuildMs(c: Control, path: string[] | undefined): Promise<number> {
  const seen = new Map<string, { status: string; at: number }>();
  c.onEvent = (line) => {
    const m = /^650 CIRC (\d+) (BUILT|FAILED|CLOSED)/.exec(line);
    if (m && !seen.has(m[1] as string)) seen.set(m[1] as string, { status: m[2] as string, at: performance.now() });
  };
  await c.command('SETEVENTS CIRC');
  const t0 = performance.now();
  const hops = path ? ` ${path.map((fp) => `$${fp}`).join(',')}` : '';
  const id = /^250 EXTENDED (\d+)/.exec((await c.command(`EXTENDCIRCUIT 0${hops}`))[0] ?? '')?.[1] ?? '';
  const end = await waitFor(`circuit ${id} to be built`, () => seen.get(id), 10_000, 5);
  await c.command('SETEVENTS');
  if (end.status !== 'BUILT') throw new Error(`circuit ${id} ${end.status}`);
  await c.command(`CLOSECIRCUIT ${id}`);
  return end.at - t0;
}

export async function torFigures(emit: Emit, opts: { port: number; bulkMB: number; ttfbRequests: number }): Promise<TorFigures> {
  const tools = { tor: findTool('tor'), gencert: findTool('tor-gencert') };
  if (!tools.tor || !tools.gencert) {
    process.stderr.write('bench/tor.ts: tor and tor-gencert are needed: apt-get install tor\n');
    process.exit(1);
  }
  const net = await startTorNetwork({ tor: tools.tor, gencert: tools.gencert });
  try {
    const socks = ['--socks5-hostname', `${LOOPBACK}:${net.client.socks}`];
    const small = new URL(`http://${LOOPBACK}:${opts.port}/small`);
    // A first circuit can fail while relays still learn the consensus: retry, bounded.
    await waitFor('a request through tor', () => { net.check(); return curlSpeed([...socks, '--max-time', '10', small.href]).then(() => true, () => false); }, 60_000, 500);
    const bootstrapSeconds = (performance.now() - net.launchedAt) / 1000;
    const pids = net.nodes.map((n) => n.pid);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = pids.map(rssKiB);

    const peak = pids.map(() => 0);
    const sampler = setInterval(() => pids.forEach((p, i) => { peak[i] = Math.max(peak[i] as number, rssKiB(p)); }), 50);
    const before = pids.map(cpuSeconds);
    const bulk = curlSpeed([...socks, `http://${LOOPBACK}:${opts.port}/mb/${opts.bulkMB}`]);
    const path = await streamPath(net.control, opts.port);
    const bytesPerSecond = await bulk.finally(() => clearInterval(sampler));
    const mb = (opts.bulkMB * 1024 * 1024) / 1e6;
    const cpu = pids.map((p, i) => ((cpuSeconds(p) - (before[i] as number)) * 1000) / mb);
    const roles = cpuRoles(net.nodes, cpu, path);
    net.check();

    const newStream = await warmedSeries(opts.ttfbRequests, async () => {
      const t0 = performance.now();
      const s = await socks5(net.client.socks, LOOPBACK, opts.port);
      return timedGet(small, { createConnection: () => s }, t0).finally(() => s.destroy());
    });
    const keptAlive = await ttfbKeptAlive(await socks5(net.client.socks, LOOPBACK, opts.port), small.href, opts.ttfbRequests);
    // Optional: should tor refuse the circuit (551) or fail to build it, the figure is left out, not the run.
    const builds: number[] = [];
    try {
      for (let i = 0; i < CIRCUIT_BUILDS; i++) builds.push(await circuitBuildMs(net.control, path));
    } catch (e) {
      process.stderr.write(`bench/tor.ts: a fresh circuit's build time is not measured: ${e instanceof Error ? e.message : String(e)}\n`);
    }

    const f: TorFigures = {
      bulkBytesPerSecond: bytesPerSecond,
      ttfbNewStreamMs: median95(newStream),
      ttfbKeptAliveMs: median95(keptAlive),
      circuitBuildMs: builds.length > 0 ? median95(builds).median : NaN,
      cpuMsPerMB: { ...roles, relay: (roles.guard + roles.middle) / 2, total: cpu.reduce((a, b) => a + b, 0) },
      rssMiB: { idleMean: mean(idle) / 1024, idleMax: Math.max(...idle) / 1024, underLoadMax: Math.max(...peak) / 1024 },
      processes: pids.length,
      bootstrapSeconds,
    };
    emit('tor_processes', f.processes, 'processes');
    emit('tor_bootstrap_time', f.bootstrapSeconds, 's');
    emit('tor_rss_idle_mean', f.rssMiB.idleMean, 'MiB');
    emit('tor_rss_idle_max', f.rssMiB.idleMax, 'MiB');
    emit('tor_3hop_bulk_throughput', f.bulkBytesPerSecond / 1e6, 'MB/s');
    emit('tor_rss_under_load_max', f.rssMiB.underLoadMax, 'MiB');
    emit('tor_cpu_per_mb_client', f.cpuMsPerMB.client, 'ms/MB');
    emit('tor_cpu_per_mb_guard', f.cpuMsPerMB.guard, 'ms/MB');
    emit('tor_cpu_per_mb_middle', f.cpuMsPerMB.middle, 'ms/MB');
    emit('tor_cpu_per_mb_exit', f.cpuMsPerMB.exit, 'ms/MB');
    emit('tor_cpu_per_mb_relay', f.cpuMsPerMB.relay, 'ms/MB');
    emit('tor_cpu_total_per_mb', f.cpuMsPerMB.total, 'ms/MB');
    emit('tor_cpu_roles_from_circuit', f.cpuMsPerMB.rolesFromCircuit ? 1 : 0, 'bool');
    emit('tor_ttfb_new_stream_median', f.ttfbNewStreamMs.median, 'ms');
    emit('tor_ttfb_new_stream_p95', f.ttfbNewStreamMs.p95, 'ms');
    emit('tor_ttfb_kept_alive_median', f.ttfbKeptAliveMs.median, 'ms');
    emit('tor_ttfb_kept_alive_p95', f.ttfbKeptAliveMs.p95, 'ms');
    if (builds.length > 0) emit('tor_circuit_build_median', f.circuitBuildMs, 'ms');
    return f;
  } finally {
    await net.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { server, port } = await webServer();
  try {
    await torFigures(emitLine, { port, bulkMB: Number(process.env.BENCH_TOR_BULK_MB ?? 100), ttfbRequests: Number(process.env.BENCH_TOR_TTFB_REQUESTS ?? 200) });
  } catch (e) {
    process.stderr.write(`bench/tor.ts: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  } finally {
    server.close();
  }
}
