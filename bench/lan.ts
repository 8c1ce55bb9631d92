// The box as its home network's proxy and DNS server, for make bench: three network namespaces on one bridge
// (test/helpers/netns.ts): the box runs a zero-hop Node from bin/ with lan-consuming and lan-dns on (its proxy on
// 127.0.0.1 and the box's LAN address, as a box serves its LAN), MASQ's entry DNS server (startEntryDns) on both
// addresses, and the whole-home DNS mode's doors (src/lan-entry: DNS on 53, port 80 to the proxy); a
// phone fetches from a web server on the third host through the box's proxy, with curl for bulk and node:http for
// time to first byte, and sends DNS queries one at a time, then with a bounded window of outstanding ones. The same DNS figures from
// the box's own loopback show what the LAN hop costs; the proxy's loopback figures are zero_hop_* of bench/run.ts
// (the same Node). The clients and servers in the namespaces are bench/lan-worker.ts.
// Run alone: node --import tsx bench/lan.ts

import { join } from 'node:path';
import { type Host, type Lan, createLan, netnsAvailable } from '../test/helpers/netns.js';
import { MASQ_NODE, ROOT, type Tracked, waitFor } from '../test/helpers/processes.js';
import { BULK_MB, BenchSandbox, type Emit, TTFB_REQUESTS, curlSpeed, emitLine, quantile } from './common.js';
import type { DnsLoad } from './lan-worker.js';

const DNS_MS = Number(process.env.BENCH_DNS_MS ?? 2000);
const DNS_WINDOW = Number(process.env.BENCH_DNS_WINDOW ?? 64);
const WORKER = join(ROOT, 'bench', 'lan-worker.ts');
// Each host is a namespace of its own, so fixed ports cannot clash with anything.
const UI_PORT = 5333;
const PROXY_PORT = 5380;
const WEB_PORT = 8080;
// MASQ's entry DNS on its own port: port 53 is the whole-home DNS mode's.
const ENTRY_DNS_PORT = 5353;

/** Waits for `text` in a process's output; one that exits first fails with what it said. */
function started(t: Tracked, what: string, text: string, timeoutMs = 30_000): Promise<true> {
  return waitFor(what, () => {
    if (t.child.exitCode !== null || t.child.signalCode !== null) throw new Error(`${what} exited: ${t.output()}`);
    return t.output().includes(text);
  }, timeoutMs, 50);
}

/** Runs a client of lan-worker.ts on `host` and returns what it printed, parsed. */
async function ask<T>(host: Host, args: string[], timeoutMs: number): Promise<T> {
  const r = await host.exec(process.execPath, ['--import', 'tsx', WORKER, ...args], { timeoutMs });
  if (r.code !== 0) throw new Error(`lan-worker ${args[0]} on ${host.name} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

async function measure(emit: Emit, lan: Lan, sandbox: BenchSandbox): Promise<void> {
  const [box, phone, server] = lan.hosts as [Host, Host, Host];
  const worker = (host: Host, args: string[]): Tracked => host.spawn(process.execPath, ['--import', 'tsx', WORKER, ...args]);
  const web = worker(server, ['web', server.address, String(WEB_PORT)]);
  const dns = worker(box, ['dns-server', box.address, String(ENTRY_DNS_PORT), '127.0.0.1', box.address]);
  const doors = worker(box, ['dns-mode', String(PROXY_PORT)]);
  const data = join(sandbox.tempDir('masq-bench-lan-'), 'data');
  const node = box.spawn(MASQ_NODE, ['--neighborhood-mode', 'zero-hop', '--data-directory', data, '--ui-port', String(UI_PORT),
    '--proxy-port', String(PROXY_PORT), '--exit-private-destinations', 'on', '--lan-consuming', 'on', '--lan-dns', 'on']);
  await started(web, 'the web server', 'serving');
  await started(dns, 'the entry DNS server', 'serving');
  await started(doors, 'the DNS mode\'s doors', 'serving');
  await started(node, 'the box\'s Node', 'MASQ Node ready');
  if (!node.output().includes(`${box.address}:${PROXY_PORT}`)) throw new Error(`the box's proxy is not on its LAN address: ${node.output()}`);

  const proxy = `http://${box.address}:${PROXY_PORT}`;
  const bulk = `http://${server.address}:${WEB_PORT}/mb/${BULK_MB}`;
  const direct = await curlSpeed([bulk], phone.ns);
  const proxied = await curlSpeed(['-x', proxy, bulk], phone.ns);
  emit('lan_direct_bulk_throughput', direct / 1e6, 'MB/s');
  emit('lan_proxy_bulk_throughput', proxied / 1e6, 'MB/s');
  emit('lan_proxy_bulk_ratio', proxied / direct, 'ratio');
  // The whole-home DNS mode: curl asks for the server by its own address, but connects to the box's port 80 as a
  // device told "the box" by DNS does; the door hands it to the Node's proxy, which reads Host.
  const viaDoor = await curlSpeed(['--connect-to', `${server.address}:${WEB_PORT}:${box.address}:80`, bulk], phone.ns);
  emit('lan_dns_mode_bulk_throughput', viaDoor / 1e6, 'MB/s');
  emit('lan_dns_mode_bulk_ratio', viaDoor / direct, 'ratio');

  const small = `http://${server.address}:${WEB_PORT}/small`;
  const times = await ask<{ proxied: number[]; direct: number[] }>(phone, ['ttfb', box.address, String(PROXY_PORT), small, String(TTFB_REQUESTS)], 120_000);
  emit('lan_proxy_ttfb_median', quantile(times.proxied, 0.5), 'ms');
  emit('lan_proxy_ttfb_p95', quantile(times.proxied, 0.95), 'ms');
  emit('lan_direct_ttfb_median', quantile(times.direct, 0.5), 'ms');

  // Latency as a device sees it, one query at a time; then the rate with DNS_WINDOW outstanding, and the latency
  // under that load (mostly queueing).
  const servers = [['entry_dns_loopback', box, '127.0.0.1', ENTRY_DNS_PORT], ['entry_dns_lan', phone, box.address, ENTRY_DNS_PORT], ['lan_dns_mode', phone, box.address, 53]] as const;
  for (const [name, client, address, port] of servers) {
    const load = (window: number): Promise<DnsLoad> => ask<DnsLoad>(client, ['dns-load', address, String(port), String(DNS_MS), String(window)], DNS_MS + 20_000);
    const single = await load(1);
    emit(`${name}_latency_median`, quantile(single.latencies, 0.5), 'ms');
    emit(`${name}_latency_p95`, quantile(single.latencies, 0.95), 'ms');
    const loaded = await load(DNS_WINDOW);
    emit(`${name}_rate`, Math.round(loaded.rate), 'queries/s');
    emit(`${name}_loaded_latency_median`, quantile(loaded.latencies, 0.5), 'ms');
    emit(`${name}_loaded_latency_p95`, quantile(loaded.latencies, 0.95), 'ms');
    emit(`${name}_lost`, single.lost + loaded.lost, 'queries');
  }
}

export async function lanFigures(emit: Emit): Promise<void> {
  if (!(await netnsAvailable())) {
    process.stderr.write('LAN figures skipped: network namespaces need root and iproute2\n');
    return;
  }
  const sandbox = new BenchSandbox();
  // Cut short (an error, Ctrl-C, which exits): the processes and data go here, the namespaces in netns.ts's own hook.
  const onExit = (): void => sandbox.killNow();
  process.once('exit', onExit);
  let lan: Lan | undefined;
  try {
    lan = await createLan(sandbox, 3, { prefix: 'mqbench' });
    await measure(emit, lan, sandbox);
  } finally {
    await lan?.cleanup();
    await sandbox.cleanup();
    process.off('exit', onExit);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(1));
  await lanFigures(emitLine);
}
