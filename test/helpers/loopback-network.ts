// A MASQ network of Node processes on this machine's loopback addresses (127.0.0.101, .102, …), for `make demo`
// and `make bench`. The first Node starts alone; the others join through its descriptor. Values that must differ
// per Node (address, ports, data directory, neighbors) go on each command line; everything else comes from the
// environment given, so MASQ_* variables of the caller reach every Node.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type WriteStream, createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MASQ, MASQ_NODE, freePort, run, waitFor } from './processes.js';

/**
 * What a non-zero-hop Node insists on; the mesh itself does not use the blockchain service (payments do). Every
 * Node gets one consuming wallet, made for this run, to sign its routes' payer proofs with.
 */
export const NETWORK_DEFAULTS: Readonly<Record<string, string>> = {
  MASQ_CHAIN: 'dev',
  MASQ_CONSUMING_PRIVATE_KEY: randomBytes(32).toString('hex'),
  MASQ_BLOCKCHAIN_SERVICE_URL: 'http://127.0.0.1:8545',
  MASQ_DB_PASSWORD: 'loopback-network',
  MASQ_NEIGHBORHOOD_MODE: 'standard',
  MASQ_LOG_LEVEL: 'info',
};

export interface NetworkNode {
  index: number;
  ip: string;
  uiPort: number;
  proxyPort: number;
  child: ChildProcess;
  /** Everything the Node printed, stdout and stderr. */
  output(): string;
  logFile: string;
}

export interface NetworkOptions {
  count: number;
  /** Where data directories and logs go (created). */
  dir: string;
  /** The environment of every Node (the caller's MASQ_* variables over NETWORK_DEFAULTS, typically). */
  env: NodeJS.ProcessEnv;
  /** Proxy port of the last Node; others get free ports. */
  lastProxyPort?: number;
  /** Called when a Node exits while the network is not being stopped. */
  onUnexpectedExit(node: NetworkNode, code: number | null): void;
}

export interface Network {
  nodes: NetworkNode[];
  /** The first Node's descriptor, which the others joined through. */
  descriptor: string;
  /** Resolves once `masq connection-status` of the Node says RouteFound; rejects after timeoutMs. */
  routeFound(node: NetworkNode, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startNetwork(o: NetworkOptions): Promise<Network> {
  mkdirSync(o.dir, { recursive: true });
  const nodes: NetworkNode[] = [];
  const logs: WriteStream[] = [];
  let stopping = false;
  const start = async (index: number, neighbors?: string): Promise<NetworkNode> => {
    const ip = `127.0.0.${101 + index}`;
    const proxyPort = index === o.count - 1 && o.lastProxyPort ? o.lastProxyPort : await freePort();
    const uiPort = await freePort();
    const args = ['--ip', ip, '--clandestine-port', String(await freePort('0.0.0.0')), '--ui-port', String(uiPort), '--proxy-port', String(proxyPort), '--data-directory', join(o.dir, `node-${index + 1}`)];
    if (neighbors) args.push('--neighbors', neighbors);
    const logFile = join(o.dir, `node-${index + 1}.log`);
    const log = createWriteStream(logFile);
    logs.push(log);
    const child = spawn(MASQ_NODE, args, { env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (b: Buffer) => { out += b.toString(); log.write(b); });
    // Start-up errors come on stderr: kept too, so a Node that stops at once can say why.
    child.stderr?.on('data', (b: Buffer) => { out += b.toString(); log.write(b); });
    const node: NetworkNode = { index, ip, uiPort, proxyPort, child, output: () => out, logFile };
    child.once('exit', (code) => { if (!stopping) o.onUnexpectedExit(node, code); });
    nodes.push(node);
    return node;
  };
  const stop = async (): Promise<void> => {
    stopping = true;
    for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGTERM');
    await Promise.all(nodes.map((n) => (n.child.exitCode === null && n.child.signalCode === null ? new Promise((r) => n.child.once('exit', r)) : undefined)));
    for (const l of logs) l.end();
  };
  try {
    const first = await start(0);
    const descriptor = await waitFor('the first Node\'s descriptor', () => /descriptor: +(masq:\/\/\S+)/.exec(first.output())?.[1], 30_000, 250);
    for (let i = 1; i < o.count; i++) await start(i, descriptor);
    return {
      nodes, descriptor, stop,
      routeFound: (node, timeoutMs) => waitFor(`a route from Node ${node.index + 1}`, async () => {
        const r = await run(MASQ, ['--ui-port', String(node.uiPort), 'connection-status'], {}, 5000);
        return r.stdout.includes('RouteFound');
      }, timeoutMs, 250).then(() => undefined, async (e: unknown) => {
        // What the Node knows and said: enough to tell a missing neighbor from a graph without a route.
        const graph = (await run(MASQ, ['--ui-port', String(node.uiPort), 'neighborhood-graph'], {}, 5000)).stdout;
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n${graph}\n${node.output().split('\n').slice(-30).join('\n')}`);
      }),
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
