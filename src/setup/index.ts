// Composition root of masq-setup: the setup page and dashboard, a UI-protocol client of the Daemon like masq. It
// listens on a socket systemd passes in (masq-setup.socket, port 80 without any privilege here) or on --port.

import { readFileSync } from 'node:fs';
import { networkInterfaces, hostname } from 'node:os';
import { join } from 'node:path';
import { DAEMON_UI_PORT, envName } from '../config/index.js';
import { createLogCore, createLogger, describeError, MasqError, onShutdownSignals, programDir, SYSTEM_CLOCK } from '../system/index.js';
import { readUiToken } from '../ui/index.js';
import { VERSION } from '../version.js';
import { createWifiClient, WIFI_SOCKET } from '../wifi/index.js';
import { defaultGateways, type DoorSettings, type Interfaces, type LanEntry, startLanEntry } from '../lan-entry/index.js';
import { BoxLink } from './box-link.js';
import { testChain } from './chain-test.js';
import { ownHostNames } from './guard.js';
import { chooseSockets, type PortFlags } from './sockets.js';
import { buildPageServer } from './server.js';
import { Sessions } from './sessions.js';
import { loadStaticFiles } from './static-files.js';
import { REAL_SYSTEM } from './system-stats.js';

const NAMES_MAX_AGE_MS = 2000;

interface Flags extends PortFlags {
  uiPort: number;
  webRoot: string;
}

export const USAGE = 'masq-setup [--port <port>] [--address <ip>] [--https-port <port>] [--dns-port <port>] [--ui-port <Daemon UI port>] [--web-root <dir>]';
const PORT_FLAGS = { '--port': 'port', '--ui-port': 'uiPort', '--https-port': 'httpsPort', '--dns-port': 'dnsPort' } as const;

function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv): Flags {
  const fromEnv = env[envName('ui-port')];
  const flags: Flags = { port: 80, address: '127.0.0.1', uiPort: fromEnv ? Number(fromEnv) : DAEMON_UI_PORT, webRoot: join(programDir(import.meta.url), 'web-setup') };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new MasqError('USAGE', `${name ?? ''} needs a value.`, `Usage: ${USAGE}`);
    if (name !== undefined && name in PORT_FLAGS) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new MasqError('USAGE', `${name} must be a port number, not '${value}'.`, `Usage: ${USAGE}`);
      flags[PORT_FLAGS[name as keyof typeof PORT_FLAGS]] = n;
    } else if (name === '--address') flags.address = value;
    else if (name === '--web-root') flags.webRoot = value;
    else throw new MasqError('USAGE', `masq-setup does not take '${name ?? ''}'.`, `Usage: ${USAGE}`);
  }
  return flags;
}

function interfaceAddresses(ifs: Interfaces): string[] {
  return Object.values(ifs).flatMap((list) => (list ?? []).map((a) => a.address));
}

/** The box's default gateways, where its own DNS queries go in the whole-home mode (read at most every few seconds). */
function gatewaysReader(): () => string[] {
  let at = -Infinity;
  let cached: string[] = [];
  return () => {
    if (Date.now() - at < NAMES_MAX_AGE_MS) return cached;
    at = Date.now();
    try {
      cached = defaultGateways(readFileSync('/proc/net/route', 'utf8').slice(0, 64 * 1024));
    } catch (e) {
      cached = [];
      process.stderr.write(`masq-setup: cannot read the routing table: ${describeError(e)}\n`);
    }
    return cached;
  };
}

export async function runSetupPage(argv: readonly string[]): Promise<number> {
  const core = createLogCore('info');
  const log = createLogger(core, 'Setup');
  let flags: Flags;
  let files;
  try {
    flags = parseFlags(argv, process.env);
    files = loadStaticFiles(flags.webRoot);
  } catch (e) {
    process.stderr.write(`${describeError(e)}\n`);
    return 1;
  }
  const link = new BoxLink({ port: flags.uiPort, token: () => readUiToken(process.env), clock: SYSTEM_CLOCK });
  const sessions = new Sessions(SYSTEM_CLOCK);
  const boxName = hostname().toLowerCase();
  let lan = false;
  let entry: DoorSettings = { on: false, proxyPort: 0 };
  let daemonAnswers = true;
  const refreshLan = async (): Promise<void> => {
    try {
      const values = (await link.daemon('setup', { values: [] })).values;
      const value = (name: string): string | undefined => values.find((v) => v.name === name)?.value;
      lan = value('setup-page-lan') === 'on';
      entry = { on: value('lan-dns') === 'on', proxyPort: Number(value('proxy-port')) };
      daemonAnswers = true;
    } catch (e) {
      // Without the Daemon the page can do nothing for the LAN anyway; it stays on this machine only.
      lan = false;
      entry = { on: false, proxyPort: 0 };
      // Said once when the Daemon stops answering, not at every look.
      if (daemonAnswers) log.warn(`Cannot ask the Daemon whether the LAN may use the page: ${describeError(e)}`);
      daemonAnswers = false;
    }
  };
  await refreshLan();
  link.onBroadcast((b) => void (b.opcode === 'setup' && refreshLan()));
  // The page's guard and the doors ask at every connection and query: looked up again, in the background, when older
  // than a moment (the Daemon broadcasts no first setup, and a device should not wait for a change it just made).
  let settingsAt = Date.now();
  let refreshing: Promise<void> | undefined;
  const lookAgain = (): void => {
    if (Date.now() - settingsAt <= NAMES_MAX_AGE_MS || refreshing) return;
    settingsAt = Date.now();
    refreshing = refreshLan().finally(() => { refreshing = undefined; });
  };
  // Asked per request, looked up at most every NAMES_MAX_AGE_MS: a box that just joined a network (from the
  // hotspot) answers under its new address at once.
  let ifs = networkInterfaces();
  let names = ownHostNames(boxName, interfaceAddresses(ifs));
  let namesAt = Date.now();
  const fresh = (): void => {
    if (Date.now() - namesAt <= NAMES_MAX_AGE_MS) return;
    ifs = networkInterfaces();
    names = ownHostNames(boxName, interfaceAddresses(ifs));
    namesAt = Date.now();
  };
  const currentNames = (): ReadonlySet<string> => {
    fresh();
    return names;
  };

  let gate: LanEntry | undefined;
  const page = buildPageServer({
    link, sessions, clock: SYSTEM_CLOCK, log, boxName, version: VERSION, system: REAL_SYSTEM, diskPath: '/',
    testChain: (chain, url) => testChain(chain, url),
    // masq-wifi's socket: absent where it does not run (the .deb without appliance mode), and the page skips the step.
    wifi: createWifiClient(WIFI_SOCKET),
    dnsPorts: () => gate?.ports.tls !== undefined && gate.ports.dns !== undefined,
  }, { files, lan: () => { lookAgain(); return lan; }, ownNames: currentNames });
  await page.app.ready();
  const sockets = chooseSockets(process.env, process.pid, flags);
  try {
    gate = await startLanEntry({
      http: sockets.http, ...(sockets.tls ? { tls: sockets.tls } : {}), ...(sockets.dns ? { dns: sockets.dns } : {}),
      settings: () => { lookAgain(); return entry; }, ownNames: currentNames, interfaces: () => { fresh(); return ifs; }, upstreams: gatewaysReader(),
      page: (socket) => {
        page.app.server.emit('connection', socket);
        socket.resume();
      },
      log: log.child('LAN entry'),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(code === 'EADDRINUSE' ? `A port of masq-setup is taken (${describeError(e)}): give it other ones with --port, --https-port or --dns-port.\n` : code === 'EACCES' ? `Ports below 1024 need privileges (${describeError(e)}): give ports above 1024, or run masq-setup.socket.\n` : `${describeError(e)}\n`);
    link.close();
    return 1;
  }
  const where = sockets.passed ? 'the socket systemd passed' : `http://${flags.address.includes(':') ? `[${flags.address}]` : flags.address}:${gate.ports.http}/`;
  log.info(`Whole-home DNS mode doors: ${gate.ports.tls !== undefined ? `HTTPS on ${gate.ports.tls}` : 'no HTTPS port'}, ${gate.ports.dns !== undefined ? `DNS on ${gate.ports.dns}` : 'no DNS port'}`);
  log.info(`Setup page listening on ${where}`);
  process.stdout.write(`setup page: ${where}\n`);
  await onShutdownSignals();
  page.closeStreams();
  await gate.close();
  await page.app.close();
  link.close();
  return 0;
}
