// A MASQ network in network namespaces: `startMeshLab(sandbox, n)` gives n standard-mode Node processes, one per
// host on a LAN, joined through the first one's descriptor, plus a web server host. Tests drive the Nodes with the
// real `masq` and `curl` inside each namespace, so nothing of the network is visible from the root namespace.

import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Host, type Lan, createLan } from './netns.js';
import { MASQ, MASQ_NODE, type Result, type Sandbox, type Tracked, waitFor } from './processes.js';

export const CLANDESTINE_PORT = 7777;
export const UI_PORT = 5333;
export const PROXY_PORT = 5380;
export const WEB_PORT = 8080;
/** Bytes of /big on the web server. */
export const BIG_BYTES = 10 * 1024 * 1024;

// The web server: /big is BIG_BYTES of a fixed pattern, /slow/<n> sends n bytes at about 1 MB/s, anything else
// echoes the request line; every connection's peer address is printed, so a test can tell which Node exited.
const WEB_SERVER = `
const http = require('node:http');
const crypto = require('node:crypto');
const block = crypto.createHash('sha512').update('masq').digest();
function pattern(n) { const b = Buffer.alloc(n); for (let i = 0; i < n; i += block.length) block.copy(b, i); return b; }
const big = pattern(${BIG_BYTES});
http.createServer((req, res) => {
  console.log('peer ' + req.socket.remoteAddress + ' ' + req.url);
  if (req.url === '/big') return res.end(big);
  const slow = /^\\/slow\\/(\\d+)$/.exec(req.url);
  if (slow) {
    let left = Number(slow[1]);
    res.setHeader('content-length', left);
    const t = setInterval(() => {
      const n = Math.min(left, 64 * 1024);
      left -= n;
      res.write(pattern(n));
      if (left === 0) { clearInterval(t); res.end(); }
    }, 64);
    res.on('close', () => clearInterval(t));
    return;
  }
  res.end('you asked for ' + req.url + '\\n');
}).listen(${WEB_PORT}, '0.0.0.0', () => console.log('listening'));
`;

export function bigSha256(): string {
  const block = createHash('sha512').update('masq').digest();
  const b = Buffer.alloc(BIG_BYTES);
  for (let i = 0; i < BIG_BYTES; i += block.length) block.copy(b, i);
  return createHash('sha256').update(b).digest('hex');
}

export interface LabNode {
  index: number;
  host: Host;
  dataDir: string;
  /** The MASQ_* variables it was started with (its wallets among them). */
  env: NodeJS.ProcessEnv;
  process: Tracked;
  /** Runs `masq <args>` against this Node inside its namespace. */
  masq(...args: string[]): Promise<Result>;
  /** Runs curl inside the Node's namespace with the Node's proxy; `mode` picks HTTP proxy, CONNECT or SOCKS5. */
  curl(path: string, mode?: 'http' | 'connect' | 'socks5', extra?: string[]): Promise<Result>;
  /** Starts the Node again with the same data directory (and without --neighbors unless given). */
  restart(neighbors?: string): Promise<void>;
  /** Stops the Node with SIGTERM (or kills it) and waits. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface MeshLab {
  lan: Lan;
  nodes: LabNode[];
  web: { host: Host; process: Tracked; url(path: string): string; peers(): string[] };
  /** Hosts of the LAN without a Node (MeshLabOptions.spareHosts), after the web host. */
  spares: Host[];
  descriptor: string;
  /** Waits until `masq connection-status` of the Node says RouteFound. */
  routeFound(node: LabNode, timeoutMs?: number): Promise<void>;
}

export interface MeshLabOptions {
  minHops?: number;
  /** Extra MASQ_* variables for every Node. */
  env?: NodeJS.ProcessEnv;
  /** Nodes (by index, not the first) that run in a mode other than standard; they get no --ip. */
  modes?: Record<number, 'originate-only' | 'consume-only'>;
  /** Extra variables for one Node (by index), e.g. a funded consuming key; they win over the lab's. */
  nodeEnv?: Record<number, NodeJS.ProcessEnv>;
  prefix?: string;
  /** More hosts on the LAN, without a Node: a box and a phone join later, and no Node left the mesh for them. */
  spareHosts?: number;
  /** Runs once the LAN and web host exist, before any Node starts; what it returns joins every Node's variables. */
  beforeNodes?: (web: Host) => Promise<NodeJS.ProcessEnv>;
  /**
   * Public-looking addresses for standard Nodes (by index), e.g. from a country of the IP-to-country table: each
   * such host gets the address beside its LAN one, every Node's host a route to it on the LAN, and the Node runs
   * with --ip set to it. Only inside the lab's namespaces.
   */
  publicAddresses?: Record<number, string>;
}

/** Gives the hosts their public-looking addresses, reachable from every Node's host over the LAN. */
async function addPublicAddresses(lan: Lan, count: number, addresses: Record<number, string>): Promise<void> {
  const ok = async (host: Host, args: string[]): Promise<void> => {
    const r = await host.exec('ip', args);
    if (r.code !== 0) throw new Error(`ip ${args.join(' ')} in ${host.ns}: ${r.stderr.trim()}`);
  };
  for (const [index, address] of Object.entries(addresses)) {
    const owner = lan.hosts[Number(index)] as Host;
    await ok(owner, ['addr', 'add', `${address}/32`, 'dev', 'eth0']);
    for (const h of lan.hosts.slice(0, count)) if (h !== owner) await ok(h, ['route', 'add', `${address}/32`, 'dev', 'eth0']);
  }
}

export async function startMeshLab(sandbox: Sandbox, count: number, opts: MeshLabOptions = {}): Promise<MeshLab> {
  const lan = await createLan(sandbox, count + 1 + (opts.spareHosts ?? 0), { prefix: opts.prefix ?? 'mqmesh' });
  const webHost = lan.hosts[count] as Host;
  if (opts.publicAddresses) await addPublicAddresses(lan, count, opts.publicAddresses);
  const web = webHost.spawn(process.execPath, ['-e', WEB_SERVER]);
  await waitFor('the web server', () => web.output().includes('listening'), 10_000);
  const root = sandbox.tempDir('masq-mesh-');
  const env: NodeJS.ProcessEnv = {
    MASQ_CHAIN: 'dev', MASQ_NEIGHBORHOOD_MODE: 'standard', MASQ_DB_PASSWORD: 'lab-password',
    MASQ_BLOCKCHAIN_SERVICE_URL: 'http://127.0.0.1:8545', MASQ_EXIT_PRIVATE_DESTINATIONS: 'on', MASQ_LOG_LEVEL: 'info',
    MASQ_CLANDESTINE_PORT: String(CLANDESTINE_PORT), MASQ_UI_PORT: String(UI_PORT), MASQ_PROXY_PORT: String(PROXY_PORT),
    ...(opts.minHops ? { MASQ_MIN_HOPS: String(opts.minHops) } : {}),
    ...opts.env,
    ...(await opts.beforeNodes?.(webHost)),
  };
  const nodes: LabNode[] = [];
  const makeNode = (index: number, neighbors?: string): LabNode => {
    const host = lan.hosts[index] as Host;
    const mode = opts.modes?.[index];
    // Each Node pays with its own consuming wallet and is paid into its own earning wallet, so the books of
    // different Nodes can be compared.
    const nodeEnv = {
      ...env, MASQ_CONSUMING_PRIVATE_KEY: randomBytes(32).toString('hex'), MASQ_EARNING_WALLET: `0x${randomBytes(20).toString('hex')}`,
      ...opts.nodeEnv?.[index],
    };
    const spawnNode = (dataDir: string, again?: string): Tracked => host.spawn(MASQ_NODE, [
      ...(mode ? ['--neighborhood-mode', mode] : ['--ip', opts.publicAddresses?.[index] ?? host.address]),
      '--data-directory', dataDir, ...(again ? ['--neighbors', again] : []),
    ], nodeEnv);
    const dataDir = join(root, `node-${index}`);
    const node: LabNode = {
      index, host, dataDir, env: nodeEnv,
      process: spawnNode(dataDir, neighbors),
      masq: (...args) => host.exec(MASQ, ['--ui-port', String(UI_PORT), ...args], { timeoutMs: 15_000 }),
      curl: (path, mode = 'http', extra = []) => {
        const proxy = mode === 'socks5' ? ['--socks5-hostname', `127.0.0.1:${PROXY_PORT}`] : ['-x', `http://127.0.0.1:${PROXY_PORT}`, ...(mode === 'connect' ? ['--proxytunnel'] : [])];
        return host.exec('curl', ['-sS', '--max-time', '60', ...proxy, ...extra, `http://${webHost.address}:${WEB_PORT}${path}`], { timeoutMs: 70_000 });
      },
      async restart(again) {
        node.process = spawnNode(dataDir, again);
        await waitFor(`Node ${index} to be ready again`, () => node.process.output().includes('MASQ Node ready'), 20_000);
      },
      async stop(signal = 'SIGTERM') {
        node.process.child.kill(signal);
        await node.process.exited;
      },
    };
    return node;
  };
  const first = makeNode(0);
  nodes.push(first);
  const descriptor = await waitFor('the first Node\'s descriptor', () => /descriptor: +(masq:\/\/\S+)/.exec(first.process.output())?.[1], 20_000);
  for (let i = 1; i < count; i++) nodes.push(makeNode(i, descriptor));
  for (const n of nodes) await waitFor(`Node ${n.index} to be ready`, () => n.process.output().includes('MASQ Node ready') || n.process.child.exitCode !== null, 20_000);
  for (const n of nodes) if (n.process.child.exitCode !== null) throw new Error(`Node ${n.index} exited:\n${n.process.output()}`);
  return {
    lan, nodes, descriptor, spares: lan.hosts.slice(count + 1),
    web: {
      host: webHost, process: web,
      url: (path) => `http://${webHost.address}:${WEB_PORT}${path}`,
      peers: () => [...web.output().matchAll(/^peer (\S+) /gm)].map((m) => (m[1] as string).replace(/^::ffff:/, '')),
    },
    async routeFound(node, timeoutMs = 30_000) {
      await waitFor(`Node ${node.index} to find a route`, async () => (await node.masq('connection-status')).stdout.includes('RouteFound'), timeoutMs, 500)
        .catch(async (e: unknown) => {
          // What the Node knows and said: enough to tell a missing neighbor from an unroutable graph.
          const graph = (await node.masq('neighborhood-graph')).stdout;
          throw new Error(`${String(e)}\n${graph}\n${node.process.output().split('\n').filter((l) => !l.includes('Node/UI')).slice(-40).join('\n')}`);
        });
    },
  };
}
