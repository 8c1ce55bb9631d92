// make bench: one `name=value unit` line per figure. Zero-hop: a real Node process from bin/. Mesh: Node processes
// on loopback addresses forming a network (test/helpers/loopback-network.ts), traffic over 3-hop routes. A local
// HTTP server, real curl for bulk, node:http for time to first byte, /proc for memory and CPU. Accounting and
// payments: bench/payments.ts. The box as its LAN's proxy and DNS server, in network namespaces: bench/lan.ts. One
// link per mask: bench/links.ts; the mesh runs with each mask (tls as mesh_*, plain as mesh_plain_*).

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NETWORK_DEFAULTS, type NetworkNode, startNetwork } from '../test/helpers/loopback-network.js';
import { MASQ_NODE, freePort } from '../test/helpers/processes.js';
import { BULK_MB, type MeshFigures, TTFB_REQUESTS, busyShare, connectTunnel, cpuSeconds, curlSpeed, emitLine as emit, mean, pidWithLocalPort, quantile, rssKiB, statusKiB, ttfb, ttfbKeptAlive, ttfbSeries, machineTicks, WARM_UP_MB, warmUp, warmedSeries, webServer } from './common.js';
import { lanFigures } from './lan.js';
import { linkFigures } from './links.js';
import { paymentFigures } from './payments.js';
import { setupPageFigures } from './setup-page.js';
import { chainFigures } from './chain.js';
import { streamFigures } from './streams.js';
import { routeSetupFigures } from './route-setup.js';
import { geoFigures } from './geo.js';
import { recordFigures } from './records.js';
import { torFigures } from './tor.js';
import { speedChart } from './speed-chart.js';

const READY_RUNS = 5;
const MESH_NODES = Number(process.env.BENCH_MESH_NODES ?? 7);
const MESH_BULK_MB = Number(process.env.BENCH_MESH_BULK_MB ?? 128);
/** How long the mesh idles before its settled memory is read. */
const SETTLE_MS = 30_000;
const MESH_TTFB_REQUESTS = Number(process.env.BENCH_MESH_TTFB_REQUESTS ?? 200);
/** Where the picture of the comparison goes (docs/performance/speed.svg, shown in the README). */
const SPEED_SVG_DIR = join(import.meta.dirname, '..', 'docs', 'performance');

/** Nodes still running, killed if the benchmark ends early (an error, Ctrl-C, a closed pipe). */
const running = new Set<ReturnType<typeof spawn>>();
const killAll = (): void => { for (const c of running) c.kill('SIGKILL'); };
const dir = mkdtempSync(join(tmpdir(), 'masq-bench-'));
// However the benchmark ends, its Nodes and their data directories go with it.
process.on('exit', () => {
  killAll();
  rmSync(dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGPIPE'] as const) process.on(sig, () => { killAll(); process.exit(1); });
process.stdout.on('error', () => { killAll(); process.exit(1); });

interface NodeProc { pid: number; proxyPort: number; stop(): Promise<void>; readyMs: number }

async function startNode(dataDir: string): Promise<NodeProc> {
  const [ui, proxyPort] = [await freePort(), await freePort()];
  const t0 = performance.now();
  const child = spawn(MASQ_NODE, ['--neighborhood-mode', 'zero-hop', '--data-directory', dataDir, '--ui-port', String(ui), '--proxy-port', String(proxyPort), '--exit-private-destinations', 'on'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const readyMs = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error('Node not ready in 20 s')), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('MASQ Node ready')) {
        clearTimeout(timer);
        res(performance.now() - t0);
      }
    });
    child.once('exit', (c) => rej(new Error(`Node exited with ${c}: ${out}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  running.add(child);
  child.once('exit', () => running.delete(child));
  return { pid: child.pid ?? 0, proxyPort, readyMs, stop: async () => { child.kill('SIGTERM'); await exited; } };
}

/** The mesh's figures with one link mask: tls (the default, what the performance targets apply to) as mesh_*, plain as mesh_plain_*. */
async function meshFigures(dir: string, web: { port: number; bulkPeerPort(): number | undefined }, mask: 'tls' | 'plain'): Promise<MeshFigures> {
  const port = web.port;
  const p = mask === 'tls' ? 'mesh_' : 'mesh_plain_';
  const net = await startNetwork({
    count: MESH_NODES, dir: join(dir, `mesh-${mask}`),
    env: { ...NETWORK_DEFAULTS, MASQ_EXIT_PRIVATE_DESTINATIONS: 'on', MASQ_LOG_LEVEL: 'warn', MASQ_MIN_HOPS: '3', MASQ_LINK_MASK: mask },
    onUnexpectedExit: (n, code) => { process.stderr.write(`mesh Node ${n.index + 1} exited with ${code}\n${n.output()}`); killAll(); process.exit(1); },
  });
  for (const n of net.nodes) if (n.child.pid) running.add(n.child);
  try {
    const me = net.nodes[MESH_NODES - 1] as NetworkNode;
    await net.routeFound(me, 90_000);
    const pids = net.nodes.map((n) => n.child.pid ?? 0);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = pids.map(rssKiB);
    emit(`${p}nodes`, MESH_NODES, 'processes');
    emit(`${p}rss_idle_mean`, mean(idle) / 1024, 'MiB');
    emit(`${p}rss_idle_max`, Math.max(...idle) / 1024, 'MiB');
    // Most of the mapped files' part is the node binary's own pages, shared by every node process on the machine.
    emit(`${p}rss_idle_anon_mean`, mean(pids.map((q) => statusKiB(q, 'RssAnon'))) / 1024, 'MiB');
    emit(`${p}rss_idle_file_mean`, mean(pids.map((q) => statusKiB(q, 'RssFile'))) / 1024, 'MiB');
    // One second after the routes are found the network is still settling (Gossip, the first scans); a Node that has
    // been idle a while has had V8 shrink its heap. Both are printed: this one is the idle Node's steady state.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const settled = pids.map(rssKiB);
    emit(`${p}rss_settled_mean`, mean(settled) / 1024, 'MiB');
    emit(`${p}rss_settled_max`, Math.max(...settled) / 1024, 'MiB');

    const url = `http://127.0.0.1:${port}/mb/${MESH_BULK_MB}`;
    const direct = await curlSpeed([url]);
    await warmUp(`http://127.0.0.1:${me.proxyPort}`, `http://127.0.0.1:${port}/mb/${WARM_UP_MB}`);
    const peak = pids.map(() => 0);
    // The exit is the Node whose connection the server is sending the download on: found while it is open.
    let exitPid: number | undefined;
    const warmUpPeer = web.bulkPeerPort();
    const sampler = setInterval(() => {
      pids.forEach((p, i) => { peak[i] = Math.max(peak[i] as number, rssKiB(p)); });
      const peer = web.bulkPeerPort();
      if (exitPid === undefined && peer !== undefined && peer !== warmUpPeer) exitPid = pidWithLocalPort(peer, pids.slice(0, -1));
    }, 50);
    const cpuBefore = pids.map(cpuSeconds);
    const machineBefore = machineTicks();
    const meshSpeed = await curlSpeed(['-x', `http://127.0.0.1:${me.proxyPort}`, url]);
    const machineBusy = busyShare(machineBefore, machineTicks());
    clearInterval(sampler);
    const cpu = pids.map((p, i) => cpuSeconds(p) - (cpuBefore[i] as number));
    emit(`${p}direct_bulk_throughput`, direct / 1e6, 'MB/s');
    emit(`${p}3hop_bulk_throughput`, meshSpeed / 1e6, 'MB/s');
    emit(`${p}3hop_bulk_ratio`, meshSpeed / direct, 'ratio');
    emit(`${p}rss_under_load_max`, Math.max(...peak) / 1024, 'MiB');
    // Below 1, the download waited on something other than the CPU (windows, backpressure, wake-ups).
    emit(`${p}machine_busy`, machineBusy, 'ratio');
    // The originator is the last Node and the exit the one the server sent to; the relays are not visible from
    // outside, so of the others the two that spent the most CPU carried the response (the back-route's relays).
    // Were the exit not found, the busiest of the others stands for it, as before (mesh_exit_found says which).
    const mb = (MESH_BULK_MB * 1024 * 1024) / 1e6;
    const exitAt = exitPid === undefined ? -1 : pids.indexOf(exitPid);
    const others = cpu.slice(0, -1).filter((_, i) => i !== exitAt).sort((a, b) => b - a);
    const cpuExit = ((exitAt >= 0 ? cpu[exitAt] as number : others.shift() as number) / mb) * 1000;
    const cpuRelay = (mean(others.slice(0, 2)) / mb) * 1000;
    emit(`${p}exit_found`, exitAt >= 0 ? 1 : 0, 'bool');
    emit(`${p}cpu_per_mb_originator`, ((cpu.at(-1) as number) / mb) * 1000, 'ms/MB');
    emit(`${p}cpu_per_mb_exit`, cpuExit, 'ms/MB');
    emit(`${p}cpu_per_mb_relay`, cpuRelay, 'ms/MB');
    emit(`${p}cpu_total_per_mb`, (cpu.reduce((a, b) => a + b, 0) / mb) * 1000, 'ms/MB');

    const small = `http://127.0.0.1:${port}/small`;
    const times = await warmedSeries(MESH_TTFB_REQUESTS, () => ttfb({ host: '127.0.0.1', port: me.proxyPort }, small));
    emit(`${p}3hop_ttfb_median`, quantile(times, 0.5), 'ms');
    emit(`${p}3hop_ttfb_p95`, quantile(times, 0.95), 'ms');
    const tunnel = await connectTunnel({ host: '127.0.0.1', port: me.proxyPort }, '127.0.0.1', port);
    const kept = await ttfbKeptAlive(tunnel, small, MESH_TTFB_REQUESTS);
    emit(`${p}3hop_ttfb_kept_alive_median`, quantile(kept, 0.5), 'ms');
    emit(`${p}3hop_ttfb_kept_alive_p95`, quantile(kept, 0.95), 'ms');
    return {
      bulk: meshSpeed / 1e6,
      cpuRelay,
      cpuExit,
      ttfbMedian: quantile(times, 0.5),
      ttfbP95: quantile(times, 0.95),
    };
  } finally {
    await net.stop();
  }
}

/** The floor under every figure of memory: this machine's node doing nothing, half a second after its start. */
async function bareNodeRssKiB(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  running.add(child);
  try {
    await new Promise((r) => setTimeout(r, 500));
    return rssKiB(child.pid ?? 0);
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    running.delete(child);
  }
}

async function main(): Promise<void> {
  const web = await webServer();
  const { server, port } = web;
  try {
    // The long run, last in a whole bench: 1 000 streams through 3 hops for 10 minutes (BENCH_STREAMS, BENCH_STREAM_MINUTES).
    const longRun = (): Promise<unknown> => streamFigures(emit, {
      port, dir: join(dir, 'streams'),
      streams: Number(process.env.BENCH_STREAMS ?? 1000),
      minutes: Number(process.env.BENCH_STREAM_MINUTES ?? 10),
      onChild: (c) => running.add(c),
    });
    // While working on the relay path: only the mesh's figures with the default mask (about a minute), or only the long run.
    if (process.env.BENCH_ONLY === 'mesh') return void await meshFigures(dir, web, 'tls');
    if (process.env.BENCH_ONLY === 'streams') return void await longRun();
    const readies: number[] = [];
    for (let i = 0; i < READY_RUNS; i++) {
      const n = await startNode(join(dir, `ready${i}`));
      readies.push(n.readyMs);
      await n.stop();
    }
    readies.sort((a, b) => a - b);
    emit('zero_hop_start_to_ready_median', quantile(readies, 0.5), 'ms');

    emit('bare_node_rss_idle', await bareNodeRssKiB() / 1024, 'MiB');
    const node = await startNode(join(dir, 'main'));
    await new Promise((r) => setTimeout(r, 500));
    emit('zero_hop_rss_idle', rssKiB(node.pid) / 1024, 'MiB');

    const url = `http://127.0.0.1:${port}/mb/${BULK_MB}`;
    const direct = await curlSpeed([url]);
    let peak = 0;
    const sampler = setInterval(() => { peak = Math.max(peak, rssKiB(node.pid)); }, 50);
    const proxied = await curlSpeed(['-x', `http://127.0.0.1:${node.proxyPort}`, url]);
    clearInterval(sampler);
    emit('direct_bulk_throughput', direct / 1e6, 'MB/s');
    emit('zero_hop_bulk_throughput', proxied / 1e6, 'MB/s');
    emit('zero_hop_bulk_ratio', proxied / direct, 'ratio');
    emit('zero_hop_rss_under_load_peak', peak / 1024, 'MiB');

    const small = `http://127.0.0.1:${port}/small`;
    const times = await ttfbSeries({ host: '127.0.0.1', port: node.proxyPort }, small, TTFB_REQUESTS);
    emit('zero_hop_ttfb_median', quantile(times.proxied, 0.5), 'ms');
    emit('zero_hop_ttfb_p95', quantile(times.proxied, 0.95), 'ms');
    emit('direct_ttfb_median', quantile(times.direct, 0.5), 'ms');
    await node.stop();

    await lanFigures(emit);
    await linkFigures(emit);
    routeSetupFigures(emit);
    geoFigures(emit);
    recordFigures(emit);
    const mesh = await meshFigures(dir, web, 'tls');
    await meshFigures(dir, web, 'plain');
    const chain = await chainFigures(emit, { port, bulkMB: MESH_BULK_MB, ttfbRequests: MESH_TTFB_REQUESTS });
    emit('mesh_vs_chain_bulk_ratio', mesh.bulk / chain.bulkThroughput, 'ratio');
    emit('mesh_vs_chain_cpu_relay_ratio', mesh.cpuRelay / chain.cpuPerMbRelay, 'ratio');
    emit('mesh_vs_chain_cpu_exit_ratio', mesh.cpuExit / chain.cpuPerMbExit, 'ratio');
    emit('mesh_vs_chain_ttfb_ratio', mesh.ttfbMedian / chain.ttfbMedian, 'ratio');
    // The same chain doing the mesh's other cipher work: what a Node.js design that keeps the protection can reach.
    const guarded = await chainFigures(emit, { port, bulkMB: MESH_BULK_MB, ttfbRequests: MESH_TTFB_REQUESTS, protect: true });
    emit('chain_protected_vs_chain_bulk_ratio', guarded.bulkThroughput / chain.bulkThroughput, 'ratio');
    emit('mesh_vs_chain_protected_bulk_ratio', mesh.bulk / guarded.bulkThroughput, 'ratio');
    emit('mesh_vs_chain_protected_cpu_relay_ratio', mesh.cpuRelay / guarded.cpuPerMbRelay, 'ratio');
    emit('mesh_vs_chain_protected_cpu_exit_ratio', mesh.cpuExit / guarded.cpuPerMbExit, 'ratio');
    const tor = await torFigures(emit, { port, bulkMB: MESH_BULK_MB, ttfbRequests: MESH_TTFB_REQUESTS });
    emit('mesh_vs_tor_bulk_ratio', mesh.bulk / (tor.bulkBytesPerSecond / 1e6), 'ratio');
    emit('mesh_vs_tor_cpu_relay_ratio', mesh.cpuRelay / tor.cpuMsPerMB.relay, 'ratio');
    emit('mesh_vs_tor_cpu_exit_ratio', mesh.cpuExit / tor.cpuMsPerMB.exit, 'ratio');
    emit('mesh_vs_tor_ttfb_new_stream_ratio', mesh.ttfbMedian / tor.ttfbNewStreamMs.median, 'ratio');
    emit('chain_protected_vs_tor_cpu_relay_ratio', guarded.cpuPerMbRelay / tor.cpuMsPerMB.relay, 'ratio');
    mkdirSync(SPEED_SVG_DIR, { recursive: true });
    writeFileSync(join(SPEED_SVG_DIR, 'speed.svg'), speedChart(mesh, chain, guarded, tor, new Date().toISOString().slice(0, 10)));
    await paymentFigures(emit);
    await setupPageFigures(emit);
    await longRun();
  } finally {
    server.close();
  }
}

await main();
