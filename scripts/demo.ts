// `make demo`: a small MASQ network on this machine's loopback addresses, in the foreground; Ctrl-C stops it.
//
// Nodes are standard-mode Nodes on 127.0.0.101, .102, …: the first starts alone, the others join through its
// descriptor. The last one is yours: its proxy is printed once it can find routes. Values that must differ per Node
// (address, ports, data directory, neighbors) are given on each command line; everything else comes from MASQ_*
// variables, which the caller may set (e.g. MASQ_EXIT_PRIVATE_DESTINATIONS=on, MASQ_MIN_HOPS=2).

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const NODE_BIN = join(ROOT, 'bin', 'masq-node');
const MASQ_BIN = join(ROOT, 'bin', 'masq');
const DEMO_DIR = join(ROOT, '.masq-demo');
const COUNT = Number(process.env.MASQ_DEMO_NODES ?? 7);
const READY_TIMEOUT_MS = 90_000;

// Shared settings the demo needs, unless the caller set them. The blockchain service is not used by the mesh
// itself; a non-zero-hop Node only insists on having one (payments use it).
const DEFAULTS: Record<string, string> = {
  MASQ_CHAIN: 'dev',
  MASQ_BLOCKCHAIN_SERVICE_URL: 'http://127.0.0.1:8545',
  MASQ_DB_PASSWORD: 'demo',
  MASQ_NEIGHBORHOOD_MODE: 'standard',
  MASQ_LOG_LEVEL: 'info',
};
const env: NodeJS.ProcessEnv = { ...process.env };
for (const [k, v] of Object.entries(DEFAULTS)) env[k] ??= v;

function freePort(host: string): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, host, () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

interface DemoNode { ip: string; uiPort: number; proxyPort: number; child: ChildProcess; output: string }
const nodes: DemoNode[] = [];
let stopping = false;

async function startNode(i: number, neighbors: string | undefined): Promise<DemoNode> {
  const ip = `127.0.0.${101 + i}`;
  const mine = i === COUNT - 1;
  const proxyPort = mine ? Number(process.env.MASQ_PROXY_PORT ?? 5380) : await freePort('127.0.0.1');
  const uiPort = await freePort('127.0.0.1');
  const dataDir = join(DEMO_DIR, `node-${i + 1}`);
  const args = ['--ip', ip, '--clandestine-port', String(await freePort(ip)), '--ui-port', String(uiPort), '--proxy-port', String(proxyPort), '--data-directory', dataDir];
  if (neighbors) args.push('--neighbors', neighbors);
  const log = createWriteStream(join(DEMO_DIR, `node-${i + 1}.log`));
  const child = spawn(NODE_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const node: DemoNode = { ip, uiPort, proxyPort, child, output: '' };
  child.stdout?.on('data', (b: Buffer) => { node.output += b.toString(); log.write(b); });
  child.stderr?.pipe(log);
  child.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`Node ${i + 1} (${ip}) stopped with code ${code}; its log: ${join(DEMO_DIR, `node-${i + 1}.log`)}\n${node.output.slice(-2000)}`);
      void stop(1);
    }
  });
  nodes.push(node);
  return node;
}

async function until<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !stopping) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stop(code: number): Promise<never> {
  stopping = true;
  for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGTERM');
  await Promise.all(nodes.map((n) => (n.child.exitCode === null ? new Promise((r) => n.child.once('exit', r)) : undefined)));
  process.stdout.write('Demo network stopped.\n');
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  rmSync(DEMO_DIR, { recursive: true, force: true });
  mkdirSync(DEMO_DIR, { recursive: true });
  process.stdout.write(`Starting ${COUNT} Nodes on 127.0.0.101–${101 + COUNT - 1} (logs in ${DEMO_DIR}) …\n`);
  const first = await startNode(0, undefined);
  const descriptor = await until('the first Node\'s descriptor', () => /descriptor: +(masq:\/\/\S+)/.exec(first.output)?.[1], 30_000);
  for (let i = 1; i < COUNT; i++) await startNode(i, descriptor);
  const mine = nodes[COUNT - 1] as DemoNode;
  await until('a route from your Node', () => {
    const r = spawnSync(MASQ_BIN, ['--ui-port', String(mine.uiPort), 'connection-status'], { encoding: 'utf8', timeout: 5000 });
    return r.stdout.includes('RouteFound') ? true : undefined;
  }, READY_TIMEOUT_MS);
  const proxy = `127.0.0.1:${mine.proxyPort}`;
  process.stdout.write(`
The demo network is up: ${COUNT} Nodes, routes of ${env.MASQ_MIN_HOPS ?? 3} hops.
Your Node's proxy:  ${proxy}   (HTTP proxy, CONNECT and SOCKS5)
  curl -x http://${proxy} http://example.com/
  curl --socks5-hostname ${proxy} https://example.com/
  (a server on this machine needs MASQ_EXIT_PRIVATE_DESTINATIONS=on make demo)
Browser: set the HTTP and HTTPS proxy (or SOCKS5) to ${proxy}.
Manage:  bin/masq --ui-port ${mine.uiPort}   (try: connection-status, neighborhood-graph, descriptor)
First Node: ${descriptor}
Stop:    Ctrl-C
`);
}

main().catch((e: unknown) => {
  process.stderr.write(`The demo could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  void stop(1);
});
