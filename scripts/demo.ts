// `make demo`: a small MASQ network on this machine's loopback addresses, in the foreground; Ctrl-C stops it.
// The last Node is yours: its proxy is printed once it can find routes. MASQ_* variables reach every Node
// (e.g. MASQ_EXIT_PRIVATE_DESTINATIONS=on, MASQ_MIN_HOPS=2); MASQ_DEMO_NODES sets how many (at least 6) and
// MASQ_DEMO_DIR where their data and logs go (default .masq-demo/, emptied at each start).

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { NETWORK_DEFAULTS, type Network, startNetwork } from '../test/helpers/loopback-network.js';
import { ROOT } from '../test/helpers/processes.js';

const DEMO_DIR = process.env.MASQ_DEMO_DIR ?? join(ROOT, '.masq-demo');
const COUNT = Math.max(6, Number(process.env.MASQ_DEMO_NODES ?? 7) || 7);
const ROUTE_TIMEOUT_MS = 90_000;

let network: Network | undefined;
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await network?.stop();
  process.stdout.write('Demo network stopped.\n');
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  rmSync(DEMO_DIR, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...NETWORK_DEFAULTS, ...process.env };
  process.stdout.write(`Starting ${COUNT} Nodes on 127.0.0.101–${100 + COUNT} (logs in ${DEMO_DIR}) …\n`);
  network = await startNetwork({
    count: COUNT, dir: DEMO_DIR, env, lastProxyPort: Number(process.env.MASQ_PROXY_PORT ?? 5380),
    onUnexpectedExit: (node, code) => {
      process.stderr.write(`Node ${node.index + 1} (${node.ip}) stopped with code ${code}; its log: ${node.logFile}\n${node.output().slice(-2000)}`);
      void stop(1);
    },
  });
  const mine = network.nodes[COUNT - 1];
  if (!mine) throw new Error('no Nodes started');
  await network.routeFound(mine, ROUTE_TIMEOUT_MS);
  const proxy = `127.0.0.1:${mine.proxyPort}`;
  process.stdout.write(`
The demo network is up: ${COUNT} Nodes, routes of ${env.MASQ_MIN_HOPS ?? 3} hops.
Your Node's proxy:  ${proxy}   (HTTP proxy, CONNECT and SOCKS5)
  curl -x http://${proxy} http://example.com/
  curl --socks5-hostname ${proxy} https://example.com/
  (a server on this machine or your LAN needs MASQ_EXIT_PRIVATE_DESTINATIONS=on make demo)
Browser: set the HTTP and HTTPS proxy (or SOCKS5) to ${proxy}.
Manage:  bin/masq --ui-port ${mine.uiPort}   (try: connection-status, neighborhood-graph, descriptor)
Join it: masq-node --neighbors ${network.descriptor} …
Stop:    Ctrl-C
`);
}

main().catch((e: unknown) => {
  process.stderr.write(`The demo could not start: ${e instanceof Error ? e.message : String(e)}\n`);
  void stop(1);
});
