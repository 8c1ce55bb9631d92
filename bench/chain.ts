// The minimal relay chain for make bench: what a plain Node.js relay design can do on this machine, to set the mesh
// against in the same run. Four processes on loopback (bench/chain-hop.mjs), origin → relay → relay → exit, every
// link TCP carrying ChaCha20-Poly1305 records of at most 16 KiB both ways, no mesh logic. The origin is an HTTP
// proxy, so the same curl and ttfb() measure it as the mesh; /proc gives CPU and memory, as for the mesh.
// With `protect`, the same chain also does the rest of the mesh's cipher work (end-to-end seals at the origin and the
// exit, a ChaCha20 layer at each relay; chain-hop.mjs): the ceiling of a Node.js design that keeps the mesh's
// protection, printed as chain_protected_*.
// Run alone: node --import tsx bench/chain.ts

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Tracked, waitFor } from '../test/helpers/processes.js';
import { BenchSandbox, type Emit, busyShare, cpuSeconds, curlSpeed, emitLine, machineTicks, mean, quantile, rssKiB, ttfb, WARM_UP_MB, warmUp, warmedSeries, webServer } from './common.js';

// Plain JavaScript, not through tsx: tsx's loader would add ~30 MiB to each process's RSS (see chain-hop.mjs).
const HOP = join(import.meta.dirname, 'chain-hop.mjs');
const READY_MS = 10_000;

export interface ChainFigures {
  /** MB/s (10^6 bytes) through the chain, curl through the origin. */
  bulkThroughput: number;
  /** ms of CPU (user + system) per MB during the bulk: the two relays' mean, the exit, the origin. */
  cpuPerMbRelay: number;
  cpuPerMbExit: number;
  cpuPerMbOrigin: number;
  /** ms to the first byte of /small through the origin, a new connection each. */
  ttfbMedian: number;
  ttfbP95: number;
  /** MiB: the processes' mean RSS once started, and the largest RSS of any while the bulk ran. */
  rssIdleMean: number;
  rssUnderLoadMax: number;
  processes: number;
}

export interface ChainOptions {
  port: number;
  bulkMB: number;
  ttfbRequests: number;
  /** The mesh's cipher work too (its figures as chain_protected_*). */
  protect?: boolean;
}

/** Starts one hop and waits for its "ready <port>"; one that exits first fails with what it said. */
async function startHop(sandbox: BenchSandbox, role: string, keys: Record<string, Buffer>, protect: boolean, next?: number): Promise<{ t: Tracked; port: number }> {
  const t = sandbox.spawn(process.execPath, [HOP, role, ...(next === undefined ? [] : [String(next)])], {
    ...Object.fromEntries(Object.entries(keys).map(([name, k]) => [name, k.toString('hex')])),
    CHAIN_PROTECT: protect ? '1' : '',
  });
  const port = await waitFor(`the chain's ${role} to be ready`, () => {
    if (t.child.exitCode !== null || t.child.signalCode !== null) throw new Error(`chain ${role} exited: ${t.output()}`);
    return /^ready (\d+)$/m.exec(t.output())?.[1];
  }, READY_MS, 20);
  return { t, port: Number(port) };
}

/** The hops, origin first. Each listens on a port of the kernel's choosing, so they start from the exit back. */
async function startChain(sandbox: BenchSandbox, protect: boolean): Promise<{ hops: Tracked[]; proxyPort: number }> {
  const links = [randomBytes(32), randomBytes(32), randomBytes(32)] as const;
  // The ends' key and the relays' layer keys, only for the protected chain.
  const [e2e, layer1, layer2] = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const extra = (k: Record<string, Buffer>): Record<string, Buffer> => (protect ? k : {});
  const exit = await startHop(sandbox, 'exit', { CHAIN_KEY_IN: links[2], ...extra({ CHAIN_E2E: e2e }) }, protect);
  const relay2 = await startHop(sandbox, 'relay', { CHAIN_KEY_IN: links[1], CHAIN_KEY_OUT: links[2], ...extra({ CHAIN_LAYER: layer2 }) }, protect, exit.port);
  const relay1 = await startHop(sandbox, 'relay', { CHAIN_KEY_IN: links[0], CHAIN_KEY_OUT: links[1], ...extra({ CHAIN_LAYER: layer1 }) }, protect, relay2.port);
  const origin = await startHop(sandbox, 'origin', { CHAIN_KEY_OUT: links[0], ...extra({ CHAIN_LAYERS: Buffer.concat([layer1, layer2]), CHAIN_E2E: e2e }) }, protect, relay1.port);
  return { hops: [origin.t, relay1.t, relay2.t, exit.t], proxyPort: origin.port };
}

async function measure(emit: Emit, hops: Tracked[], proxyPort: number, opts: ChainOptions): Promise<ChainFigures> {
  const pids = hops.map((h) => h.child.pid ?? 0);
  await new Promise((r) => setTimeout(r, 500));
  const rssIdleMean = mean(pids.map(rssKiB)) / 1024;
  // Warm, as the mesh is measured.
  await warmUp(`http://127.0.0.1:${proxyPort}`, `http://127.0.0.1:${opts.port}/mb/${WARM_UP_MB}`);

  const peak = pids.map(() => 0);
  const sampler = setInterval(() => pids.forEach((p, i) => { peak[i] = Math.max(peak[i] as number, rssKiB(p)); }), 50);
  const cpuBefore = pids.map(cpuSeconds);
  const machineBefore = machineTicks();
  let speed: number;
  try {
    speed = await curlSpeed(['-x', `http://127.0.0.1:${proxyPort}`, `http://127.0.0.1:${opts.port}/mb/${opts.bulkMB}`]);
  } finally {
    clearInterval(sampler);
  }
  const machineBusy = busyShare(machineBefore, machineTicks());
  // ms per MB of 10^6 bytes, as the mesh's figures count them.
  const mb = (opts.bulkMB * 1024 * 1024) / 1e6;
  const [origin, relay1, relay2, exit] = pids.map((p, i) => ((cpuSeconds(p) - (cpuBefore[i] as number)) * 1000) / mb) as [number, number, number, number];

  const small = `http://127.0.0.1:${opts.port}/small`;
  const times = await warmedSeries(opts.ttfbRequests, () => ttfb({ host: '127.0.0.1', port: proxyPort }, small));

  const p = opts.protect ? 'chain_protected_' : 'chain_';
  const f: ChainFigures = {
    bulkThroughput: speed / 1e6,
    cpuPerMbRelay: mean([relay1, relay2]),
    cpuPerMbExit: exit,
    cpuPerMbOrigin: origin,
    ttfbMedian: quantile(times, 0.5),
    ttfbP95: quantile(times, 0.95),
    rssIdleMean,
    rssUnderLoadMax: Math.max(...peak) / 1024,
    processes: hops.length,
  };
  emit(`${p}3hop_bulk_throughput`, f.bulkThroughput, 'MB/s');
  emit(`${p}cpu_per_mb_relay`, f.cpuPerMbRelay, 'ms/MB');
  emit(`${p}cpu_per_mb_exit`, f.cpuPerMbExit, 'ms/MB');
  emit(`${p}cpu_per_mb_origin`, f.cpuPerMbOrigin, 'ms/MB');
  emit(`${p}ttfb_median`, f.ttfbMedian, 'ms');
  emit(`${p}ttfb_p95`, f.ttfbP95, 'ms');
  emit(`${p}rss_idle_mean`, f.rssIdleMean, 'MiB');
  emit(`${p}rss_under_load_max`, f.rssUnderLoadMax, 'MiB');
  emit(`${p}machine_busy`, machineBusy, 'ratio');
  emit(`${p}processes`, f.processes, 'processes');
  return f;
}

/** Starts the chain, measures it against the web server on 127.0.0.1:`opts.port`, and stops it whatever happens. */
export async function chainFigures(emit: Emit, opts: ChainOptions): Promise<ChainFigures> {
  const sandbox = new BenchSandbox();
  // However the benchmark ends (an error, Ctrl-C in bench/run.ts, which exits), the hops go.
  const onExit = (): void => sandbox.killNow();
  process.once('exit', onExit);
  try {
    const { hops, proxyPort } = await startChain(sandbox, opts.protect === true);
    return await measure(emit, hops, proxyPort, opts);
  } finally {
    await sandbox.cleanup();
    process.off('exit', onExit);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Exiting runs the 'exit' handler above, which kills the hops.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(1));
  const { server, port } = await webServer();
  try {
    // The mesh's sizes (bench/run.ts), so that the two compare; the plain chain, then the protected one.
    for (const protect of [false, true]) {
      await chainFigures(emitLine, {
        port,
        bulkMB: Number(process.env.BENCH_MESH_BULK_MB ?? 128),
        ttfbRequests: Number(process.env.BENCH_MESH_TTFB_REQUESTS ?? 200),
        protect,
      });
    }
  } finally {
    server.close();
  }
}
