// Composition root of the Node (`masq-node` without --initialization): configuration, store, identity, the mesh
// (every mode but zero-hop), UI server, proxy, and an orderly shutdown on SIGINT, SIGTERM or the UI's shutdown order.

import { PARAMS, parseParamArgs, readConfigFile, readEnv, type Resolution, resolveWithConfigFile, STORED_PARAMS } from '../config/index.js';
import { type Chain, findChain } from '../chains/index.js';
import type { Connector } from '../mesh/index.js';
import { type ProxyServer, createDirectExit, startProxy } from '../proxy/index.js';
import { type Store, openStore, readStoredRows } from '../store/index.js';
import { createLogCore, createLogger, describeError, type LogLevel, MasqError, onShutdownSignals, SystemdNotifier, systemEnvironment } from '../system/index.js';
import { startUiServer, type UiMessage, type UiServer } from '../ui/index.js';
import { loadIdentity } from './identity.js';
import { Books } from '../accountant/index.js';
import { type MeshNode, startMeshNode } from './mesh.js';
import { type NodeAccountant, startAccountant } from './accountant.js';
import { type AutomapStatus, PROTOCOL_NAMES } from '../automap/index.js';
import { createNodeUiHandler } from './ui-handlers.js';
import { checksumAddress } from '../wallet/index.js';

/** Exit codes, as in MASQ Node: 0 after an orderly stop, 1 for a configuration error. */
export const EXIT_OK = 0;
export const EXIT_CONFIG = 1;

function configurationError(lines: Array<[string, string]>): number {
  process.stderr.write(`Configuration error\n${lines.map(([p, why]) => `${p} - ${why}`).join('\n')}\n`);
  return EXIT_CONFIG;
}

async function configure(argv: readonly string[]): Promise<Resolution | number> {
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
  return r;
}

/** The port mapping for systemctl status, in a few words. */
function mappingWords(s: AutomapStatus | undefined): string {
  if (!s) return 'port mapping starting';
  return s.state === 'mapped' ? `public ${s.publicAddress}:${s.externalPort} via ${PROTOCOL_NAMES[s.protocol]}` : `port mapping failed: ${s.cause} (masq automap)`;
}

/** Why a Node maps no port on the router. */
function automapOff(mode: string, ip: string): string {
  if (mode !== 'standard') return `A ${mode} Node takes no connections, so it maps no port.`;
  return `This Node was given --ip ${ip}, so it maps no port: forward its clandestine port on the router by hand, or start it without --ip.`;
}

async function openUnlockedStore(dataDir: string, chain: string, password: string | undefined): Promise<Store> {
  const store = await openStore({ dataDir, chain });
  if (password === undefined) return store;
  try {
    if (store.hasPassword()) await store.unlock(password);
    else await store.changePassword(undefined, password);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

export async function runNode(argv: readonly string[]): Promise<number> {
  const r = await configure(argv);
  if (typeof r === 'number') return r;
  const value = (name: string): string => r.values.get(name)?.value ?? '';
  const core = createLogCore(value('log-level') as LogLevel);
  for (const p of PARAMS) if (p.secret && value(p.name)) core.secrets.add(value(p.name));
  const log = createLogger(core, 'Node');

  let store: Store;
  try {
    store = await openUnlockedStore(value('data-directory'), r.chain, value('db-password') || undefined);
  } catch (e) {
    return configurationError([[e instanceof MasqError && e.code === 'STORE_WRONG_PASSWORD' ? 'db-password' : 'data-directory', describeError(e)]]);
  }
  const persist: Record<string, string> = {};
  // Given values become the defaults of later runs.
  for (const p of STORED_PARAMS) {
    const v = r.values.get(p.name);
    if (v && v.value !== '' && v.status !== 'Default' && v.value !== store.getConfig(p.storeRow)) persist[p.storeRow] = v.value;
  }
  if (Object.keys(persist).length > 0) await store.setConfig(persist);
  const identity = await loadIdentity(store, (value('new-public-key') || undefined) as 'on' | 'off' | undefined, log);
  log.info(`Node key ${identity.encryptionPublic.toString('base64url')}`);

  const exit = r.mode === 'consume-only'
    ? undefined
    : createDirectExit({ dnsServers: value('dns-servers').split(','), allowPrivate: value('exit-private-destinations') === 'on', log: log.child('Exit') });
  let meshNode: MeshNode | undefined;
  let accountant: NodeAccountant | undefined;
  const books = new Books(store.books());
  let stopReason: ((why: string) => void) | undefined;
  const stopped = new Promise<string>((resolve) => { stopReason = resolve; });
  const broadcastRef: { fn: (m: UiMessage, e?: number) => void } = { fn: () => undefined };
  const handler = createNodeUiHandler({
    store,
    descriptor: () => meshNode?.neighborhood.descriptor(),
    connectionStage: () => meshNode?.neighborhood.stage() ?? 'NotConnected',
    neighborhoodGraph: () => meshNode?.neighborhood.graphDot() ?? 'digraph db {\n}',
    automapStatus: () => meshNode?.automap?.status() ?? { state: 'off', summary: automapOff(r.mode, value('ip')) },
    settingChanged: (name, v) => {
      if (name === 'min-hops' && v) meshNode?.neighborhood.setMinHops(Number(v));
      if (name === 'gas-price' && v) accountant?.setGasPrice(Number(v));
    },
    broadcast: (m, e) => broadcastRef.fn(m, e),
    shutdown: (why) => stopReason?.(why),
    // The accountant reads the wallets at every scan; the mesh signs payer proofs with the key it started with.
    walletsChanged: (earning) => log.info(`Wallets updated: earning wallet ${checksumAddress(earning)}`),
    books,
    scan: (name) => {
      if (!accountant) throw new MasqError('USAGE', 'A zero-hop Node has no blockchain service to scan.', 'Run the Node in another neighborhood mode with a blockchain-service-url.');
      return accountant.scan(name);
    },
  });
  // The UI comes first so a UI that connects at once hears every connectionChange of the mesh starting up.
  let ui: UiServer;
  try {
    ui = await startUiServer({ port: Number(value('ui-port')), log: log.child('UI'), onMessage: handler, ...(value('ui-token') ? { token: value('ui-token') } : {}) });
  } catch (e) {
    await store.close();
    return configurationError([['ui-port', describeError(e)]]);
  }
  broadcastRef.fn = ui.broadcast;
  let proxy: ProxyServer;
  try {
    if (r.mode !== 'zero-hop') {
      meshNode = await startMeshNode({
        mode: r.mode, chain: r.chain, chainId: (findChain(r.chain) as Chain).chainId, identity, store, books, value, log,
        ...(exit ? { exit } : {}),
      });
      meshNode.neighborhood.on('stage', (stage) => ui.broadcast({ opcode: 'connectionChange', payload: { stage } }));
      const acct = startAccountant({
        chain: r.chain, store, books, value, log,
        gasPriceConfigured: (r.values.get('gas-price')?.status ?? 'Default') !== 'Default',
      });
      accountant = acct;
      // Payments a crash left unsettled are settled first, scans or not (payments.ts).
      acct.scan('pendingpayables').catch((e: unknown) => log.warn(`Settling earlier payments failed: ${describeError(e)}; the pending-payable scan tries again`));
      // The scans start once the Node has a neighbor. MASQ waits for RouteFound, so a relay that never finds a route
      // of its own never sees what it earned (docs/PAYMENTS.md, 'Scans').
      const startScans = (stage: string): void => void (stage !== 'NotConnected' && acct.startScans());
      startScans(meshNode.neighborhood.stage());
      meshNode.neighborhood.on('stage', startScans);
    }
  } catch (e) {
    await ui.close();
    await store.close();
    const param = e instanceof MasqError && e.code === 'PORT_IN_USE' ? 'clandestine-port' : e instanceof MasqError && e.code === 'CONFIG_INVALID' ? 'ip' : 'neighbors';
    return configurationError([[param, describeError(e)]]);
  }
  try {
    proxy = await startProxy({
      host: value('proxy-address'),
      port: Number(value('proxy-port')),
      connector: meshNode?.mesh.connector ?? (exit as Connector),
      log: log.child('Proxy'),
    });
  } catch (e) {
    await meshNode?.close();
    await ui.close();
    await store.close();
    return configurationError([[e instanceof MasqError && e.code === 'CONFIG_INVALID' ? 'proxy-address' : 'proxy-port', describeError(e)]]);
  }
  const neighborhood = meshNode?.neighborhood;
  const LEVEL_NAMES: Partial<Record<LogLevel, string>> = { error: 'Error', warn: 'Warn', info: 'Info' };
  core.listeners.add((level, component, msg) => {
    const logLevel = LEVEL_NAMES[level];
    if (logLevel) ui.broadcast({ opcode: 'logBroadcast', payload: { msg: `${component}: ${msg}`, logLevel } });
  });

  const mapped = meshNode?.automap?.status();
  const proxyAt = `${proxy.address.host.includes(':') ? `[${proxy.address.host}]` : proxy.address.host}:${proxy.address.port}`;
  process.stdout.write(
    `MASQ Node ready in ${r.mode} mode (process ${process.pid})\n` +
    `  proxy:          ${proxyAt}  (HTTP proxy, CONNECT and SOCKS5: curl -x http://${proxyAt} … or --socks5-hostname ${proxyAt})\n` +
    `  UI port:        ${ui.port}\n` +
    (neighborhood ? `  descriptor:     ${neighborhood.descriptor() ?? (r.mode === 'standard' ? '(none until the port is mapped: masq automap)' : '(none: this Node accepts no connections)')}\n` : '') +
    (mapped ? `  port mapping:   ${mapped.summary}${mapped.state === 'failed' ? ` ${mapped.fix}` : ''}\n` : '') +
    `  data directory: ${value('data-directory')}\n`,
  );
  log.info(`Ready: proxy on ${proxyAt}, UI on 127.0.0.1:${ui.port}`);
  const systemd = SystemdNotifier.create({
    env: process.env,
    pid: process.pid,
    log: log.child('systemd'),
    status: () => ({
      mode: r.mode,
      proxy: proxyAt,
      ...(neighborhood ? { stage: neighborhood.stage(), neighbors: neighborhood.db.fullNeighbors(neighborhood.publicKeyHex).length } : {}),
      ...(meshNode?.automap ? { mapping: mappingWords(meshNode.automap.status()) } : {}),
    }),
  });
  // Not awaited: systemd hearing late must never hold the Node up.
  void systemd?.ready();
  // The neighbor count has no event of its own; the watchdog beat samples it, a stage change sends it at once.
  neighborhood?.on('stage', () => void systemd?.refresh());

  const why = await Promise.race([stopped, onShutdownSignals().then((s) => `signal ${s}`)]);
  log.info(`Shutting down (${why})`);
  await systemd?.stopping();
  await proxy.close(5000);
  await accountant?.close();
  await meshNode?.close();
  await ui.close();
  await store.close();
  process.stdout.write('MASQ Node stopped\n');
  return EXIT_OK;
}
