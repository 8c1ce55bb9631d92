// Composition root of the Node (`masq-node` without --initialization): configuration, store, identity, wallets,
// the network (every mode but zero-hop), UI server, proxy, and an orderly shutdown on SIGINT, SIGTERM or the UI's
// shutdown order. Every start pushes its close on one stack, closed in reverse on a failed start and at shutdown.

import { ConfigError, forParam, type NodeConfig, nodeConfig, PARAMS, parseParamArgs, readConfigFile, readEnv, type Resolution, resolveWithConfigFile } from '../config/index.js';
import { backupSettings } from '../backup/index.js';
import { releaseFreedMemory } from '../crypto/index.js';
import type { Connector } from '../mesh/index.js';
import { networkInterfaces } from 'node:os';
import { localSource } from '../address-ranges/index.js';
import { createDirectExit, startProxy } from '../proxy/index.js';
import { type ConfigRow, type Store, openStore, readStoredRows } from '../store/index.js';
import { createLogCore, createLogger, describeError, type Logger, type LogLevel, MasqError, onShutdownSignals, returnMemoryAfterBursts, scavengeEarly, SYSTEM_CLOCK, SystemdNotifier, systemEnvironment } from '../system/index.js';
import { startUiServer, type UiMessage } from '../ui/index.js';
import { loadIdentity } from './identity.js';
import { Books } from '../accountant/index.js';
import { type Network, startNetwork } from './network.js';
import { type NodeAccountant, startAccountant } from './accountant.js';
import { type AutomapStatus, PROTOCOL_NAMES } from '../automap/index.js';
import { createNodeUiHandler } from './ui-handlers.js';
import { checksumAddress, Wallets } from '../wallet/index.js';
import { ResourceStack } from './resources.js';
import { proxyListening } from './lan.js';

/** Exit codes, as in MASQ Node: 0 after an orderly stop, 1 for a configuration error. */
export const EXIT_OK = 0;
export const EXIT_CONFIG = 1;

function configurationError(lines: ReadonlyArray<readonly [string, string]>): number {
  process.stderr.write(`Configuration error\n${lines.map(([p, why]) => `${p} - ${why}`).join('\n')}\n`);
  return EXIT_CONFIG;
}

/** The typed configuration, and the values it was resolved from (a backup keeps the given ones). */
interface Configured {
  c: NodeConfig;
  started: Resolution['values'];
}

async function configure(argv: readonly string[]): Promise<Configured | number> {
  let args;
  try {
    args = parseParamArgs(argv);
  } catch (e) {
    return configurationError([['command line', describeError(e)]]);
  }
  const env = readEnv(process.env);
  const r = await resolveWithConfigFile(
    [{ source: 'command line', status: 'Set', values: args.values }, { source: 'environment', status: 'Configured', values: env.values }],
    systemEnvironment('node'),
    { readConfigFile, readStoredRows },
    PARAMS,
  );
  if (r.errors.length > 0) return configurationError(r.errors);
  if (r.mode !== 'zero-hop') {
    const missing = (['blockchain-service-url', 'db-password'] as const).filter((n) => !r.values.get(n)?.value);
    if (missing.length > 0) {
      return configurationError(missing.map((n) => [n, `The following required argument was not provided: --${n} (or run with --neighborhood-mode zero-hop)`]));
    }
  }
  return { c: nodeConfig(r), started: r.values };
}

/** The port mapping for systemctl status, in a few words. */
function mappingWords(s: AutomapStatus | undefined): string {
  if (!s) return 'port mapping starting';
  return s.state === 'mapped' ? `public ${s.publicAddress}:${s.externalPort} via ${PROTOCOL_NAMES[s.protocol]}` : `port mapping failed: ${s.cause} (masq automap)`;
}

/** Why a Node maps no port on the router. */
function automapOff(c: NodeConfig): string {
  if (c.mode !== 'standard') return `A ${c.mode} Node takes no connections, so it maps no port.`;
  return `This Node was given --ip ${c.ip ?? ''}, so it maps no port: forward its clandestine port on the router by hand, or start it without --ip.`;
}

/** Opens the store (closed by `resources`), unlocked with the password when there is one. */
async function openUnlockedStore(c: NodeConfig, resources: ResourceStack): Promise<Store> {
  const store = await forParam('data-directory', () => openStore({ dataDir: c.dataDirectory, chain: c.chain.name }));
  resources.push('store', () => store.close());
  const password = c.dbPassword;
  if (password !== undefined) {
    await forParam('db-password', () => (store.hasPassword() ? store.unlock(password) : store.changePassword(undefined, password)));
  }
  // Given values become the defaults of later runs.
  const persist = Object.fromEntries(Object.entries(c.givenRows).filter(([row, v]) => v !== store.getConfig(row as ConfigRow)));
  if (Object.keys(persist).length > 0) await store.setConfig(persist);
  return store;
}

interface Started {
  /** Resolves with why the Node should stop (the UI's shutdown order). */
  stopped: Promise<string>;
}

/** Starts the Node's parts in order, each pushing its close on `resources`. */
async function startNode({ c, started: startValues }: Configured, core: ReturnType<typeof createLogCore>, log: Logger, resources: ResourceStack): Promise<Started> {
  const clock = SYSTEM_CLOCK;
  const store = await openUnlockedStore(c, resources);
  const identity = await loadIdentity(store, c.newPublicKey, log);
  log.info(`Node key ${identity.encryptionPublic.toString('base64url')}`);
  // The one owner of the wallets: the payer and the accountant ask it at each use. A locked store (zero-hop
  // without a password) keeps no secrets, so it holds no consuming key.
  const wallets = new Wallets(c, { getConfig: (n) => store.getConfig(n), getSecret: (n) => (store.isUnlocked() ? store.getSecret(n) : undefined) });
  const exit = c.mode === 'consume-only'
    ? undefined
    : createDirectExit({ dnsServers: [...c.dnsServers], allowPrivate: c.exitPrivateDestinations, log: log.child('Exit') });
  let network: Network | undefined;
  let accountant: NodeAccountant | undefined;
  const books = new Books(store.books());
  let stopReason: ((why: string) => void) | undefined;
  const stopped = new Promise<string>((resolve) => { stopReason = resolve; });
  const broadcastRef: { fn: (m: UiMessage, e?: number) => void } = { fn: () => undefined };
  const handler = createNodeUiHandler({
    store,
    linkMask: c.linkMask,
    descriptor: () => network?.neighborhood.descriptor(),
    connectionStage: () => network?.neighborhood.stage() ?? 'NotConnected',
    neighborhoodGraph: () => network?.neighborhood.graphDot() ?? 'digraph db {\n}',
    automapStatus: () => network?.automap?.status() ?? { state: 'off', summary: automapOff(c) },
    settingChanged: (name, v) => {
      if (name === 'min-hops' && v) network?.neighborhood.setMinHops(Number(v));
      if (name === 'gas-price' && v) accountant?.setGasPrice(Number(v));
    },
    broadcast: (m, e) => broadcastRef.fn(m, e),
    shutdown: (why) => stopReason?.(why),
    walletsChanged: (earning) => {
      wallets.reload();
      log.info(`Wallets updated: earning wallet ${checksumAddress(earning)}`);
    },
    books,
    backup: { settings: () => backupSettings(startValues, (row) => store.getConfig(row)), nodePublicKey: identity.publicKey, clock },
    exitLocation: {
      apply: (loc) => network?.neighborhood.setExitLocation(loc),
      report: (loc) => network?.neighborhood.exitReport() ?? { counts: [], missing: loc.groups.flat() },
    },
    scan: (name) => {
      if (!accountant) throw new MasqError('USAGE', 'A zero-hop Node has no blockchain service to scan.', 'Run the Node in another neighborhood mode with a blockchain-service-url.');
      return accountant.scan(name);
    },
  });
  // The UI comes first so a UI that connects at once hears every connectionChange of the network starting up.
  const ui = await forParam('ui-port', () => startUiServer({ port: c.uiPort, log: log.child('UI'), onMessage: handler, ...(c.uiToken ? { token: c.uiToken } : {}) }));
  resources.push('UI server', () => ui.close());
  broadcastRef.fn = ui.broadcast;
  if (c.mode !== 'zero-hop') {
    const started = await startNetwork({ config: { ...c, mode: c.mode }, identity, store, wallets, books, clock, log, ...(exit ? { exit } : {}) });
    network = started;
    resources.push('network', () => started.close());
    started.neighborhood.on('stage', (stage) => ui.broadcast({ opcode: 'connectionChange', payload: { stage } }));
    const acct = await forParam('blockchain-service-url', () => startAccountant({ config: c, books, wallets, clock, log }));
    accountant = acct;
    resources.push('accountant', () => acct.close());
    // Payments a crash left unsettled are settled first, scans or not (payments.ts).
    acct.scan('pendingpayables').catch((e: unknown) => log.warn(`Settling earlier payments failed: ${describeError(e)}; the pending-payable scan tries again`));
    // The scans start once the Node has a neighbor. MASQ waits for RouteFound, so a relay that never finds a route
    // of its own never sees what it earned (docs/PAYMENTS.md, 'Scans').
    const startScans = (stage: string): void => void (stage !== 'NotConnected' && acct.startScans());
    startScans(started.neighborhood.stage());
    started.neighborhood.on('stage', startScans);
  }
  // The proxy names which of its two parameters a listen failure is about.
  const { lan, ...listening } = proxyListening(c, networkInterfaces(), localSource);
  if (c.lanConsuming && lan.length === 0) log.warn('lan-consuming is on, but this machine has no IPv4 address on a network yet: the proxy serves this machine only until the Node restarts on a network');
  const proxy = await forParam('proxy-port', () => startProxy({ ...listening, trustLoopback: c.lanDns, port: c.proxyPort, connector: network?.streams.connector ?? (exit as Connector), log: log.child('Proxy') }));
  resources.push('proxy', () => proxy.close(5000));
  const neighborhood = network?.neighborhood;
  const LEVEL_NAMES: Partial<Record<LogLevel, string>> = { error: 'Error', warn: 'Warn', info: 'Info' };
  core.listeners.add((level, component, msg) => {
    const logLevel = LEVEL_NAMES[level];
    if (logLevel) ui.broadcast({ opcode: 'logBroadcast', payload: { msg: `${component}: ${msg}`, logLevel } });
  });

  const mapped = network?.automap?.status();
  const proxyAt = `${proxy.address.host.includes(':') ? `[${proxy.address.host}]` : proxy.address.host}:${proxy.address.port}`;
  // Where the local network reaches the proxy too, for the ready message and systemctl status.
  const proxyWhere = [proxyAt, ...lan.map((a) => `${a}:${proxy.address.port}`)].join(', ');
  process.stdout.write(
    `MASQ Node ready in ${c.mode} mode (process ${process.pid})\n` +
    `  proxy:          ${proxyAt}  (HTTP proxy, CONNECT and SOCKS5: curl -x http://${proxyAt} … or --socks5-hostname ${proxyAt})\n` +
    (c.lanConsuming ? `  local network:  ${lan.length > 0 ? lan.map((a) => `${a}:${proxy.address.port}`).join(', ') : '(no address yet)'}  (lan-consuming; password ${c.proxyPassword !== undefined ? 'on' : 'off'}; devices: http://<this machine>/proxy.pac)\n` : '') +
    `  UI port:        ${ui.port}\n` +
    (neighborhood ? `  descriptor:     ${neighborhood.descriptor() ?? (c.mode === 'standard' ? '(none until the port is mapped: masq automap)' : '(none: this Node accepts no connections)')}\n` : '') +
    (mapped ? `  port mapping:   ${mapped.summary}${mapped.state === 'failed' ? ` ${mapped.fix}` : ''}\n` : '') +
    `  data directory: ${c.dataDirectory}\n`,
  );
  log.info(`Ready: proxy on ${proxyWhere}, UI on 127.0.0.1:${ui.port}`);
  // What start-up and each burst of traffic freed goes back to the system once the Node is quiet again.
  resources.push('memory return', returnMemoryAfterBursts({
    trim: releaseFreedMemory,
    cpuMicros: () => { const u = process.cpuUsage(); return u.user + u.system; },
    every: (ms, f) => { const t = setInterval(f, ms).unref(); return () => clearInterval(t); },
  }));
  const automap = network?.automap;
  const systemd = SystemdNotifier.create({
    env: process.env,
    pid: process.pid,
    log: log.child('systemd'),
    status: () => ({
      mode: c.mode,
      proxy: proxyWhere,
      ...(neighborhood ? { stage: neighborhood.stage(), neighbors: neighborhood.db.fullNeighbors(neighborhood.publicKeyHex).length } : {}),
      ...(automap ? { mapping: mappingWords(automap.status()) } : {}),
    }),
  });
  if (systemd) {
    // Told first at shutdown: systemd hears "stopping" before anything closes.
    resources.push('systemd notifier', () => systemd.stopping());
    // Not awaited: systemd hearing late must never hold the Node up.
    void systemd.ready();
    // The neighbor count has no event of its own; the watchdog beat samples it, a stage change sends it at once.
    neighborhood?.on('stage', () => void systemd.refresh());
  }
  return { stopped };
}

export async function runNode(argv: readonly string[]): Promise<number> {
  scavengeEarly();
  const configured = await configure(argv);
  if (typeof configured === 'number') return configured;
  const { c } = configured;
  const core = createLogCore(c.logLevel);
  for (const s of c.secrets) core.secrets.add(s);
  const log = createLogger(core, 'Node');
  const resources = new ResourceStack((m) => log.warn(m));
  let node: Started;
  try {
    node = await startNode(configured, core, log, resources);
  } catch (e) {
    await resources.closeAll();
    if (e instanceof ConfigError) return configurationError([[e.param, e.reason]]);
    throw e;
  }
  const why = await Promise.race([node.stopped, onShutdownSignals().then((s) => `signal ${s}`)]);
  log.info(`Shutting down (${why})`);
  await resources.closeAll();
  process.stdout.write('MASQ Node stopped\n');
  return EXIT_OK;
}
