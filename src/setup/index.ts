// Composition root of masq-setup: the setup page and dashboard, a UI-protocol client of the Daemon like masq. It
// listens on a socket systemd passes in (masq-setup.socket, port 80 without any privilege here) or on --port.

import { networkInterfaces, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DAEMON_UI_PORT, envName } from '../config/index.js';
import { createLogCore, createLogger, describeError, MasqError, onShutdownSignals, SYSTEM_CLOCK } from '../system/index.js';
import { readUiToken } from '../ui/index.js';
import { VERSION } from '../version.js';
import { createWifiClient, WIFI_SOCKET } from '../wifi/index.js';
import { BoxLink } from './box-link.js';
import { testChain } from './chain-test.js';
import { ownHostNames } from './guard.js';
import { buildPageServer } from './server.js';
import { Sessions } from './sessions.js';
import { loadStaticFiles } from './static-files.js';
import { REAL_SYSTEM } from './system-stats.js';

/** systemd's first passed descriptor (sd_listen_fds). */
const SD_LISTEN_FDS_START = 3;
const LAN_REFRESH_MS = 30_000;
const NAMES_MAX_AGE_MS = 2000;

interface Flags {
  port: number;
  address: string;
  uiPort: number;
  webRoot: string;
}

export const USAGE = 'masq-setup [--port <port>] [--address <ip>] [--ui-port <Daemon UI port>] [--web-root <dir>]';

function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv): Flags {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromEnv = env[envName('ui-port')];
  const flags: Flags = { port: 80, address: '127.0.0.1', uiPort: fromEnv ? Number(fromEnv) : DAEMON_UI_PORT, webRoot: join(here, 'web-setup') };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new MasqError('USAGE', `${name ?? ''} needs a value.`, `Usage: ${USAGE}`);
    if (name === '--port' || name === '--ui-port') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw new MasqError('USAGE', `${name} must be a port number, not '${value}'.`, `Usage: ${USAGE}`);
      if (name === '--port') flags.port = n;
      else flags.uiPort = n;
    } else if (name === '--address') flags.address = value;
    else if (name === '--web-root') flags.webRoot = value;
    else throw new MasqError('USAGE', `masq-setup does not take '${name ?? ''}'.`, `Usage: ${USAGE}`);
  }
  return flags;
}

function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
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
  const refreshLan = async (): Promise<void> => {
    try {
      const r = await link.daemon('setup', { values: [] });
      lan = r.values.find((v) => v.name === 'setup-page-lan')?.value === 'on';
    } catch (e) {
      // Without the Daemon the page can do nothing for the LAN anyway; it stays on this machine only.
      lan = false;
      log.warn(`Cannot ask the Daemon whether the LAN may use the page: ${describeError(e)}`);
    }
  };
  await refreshLan();
  link.onBroadcast((b) => void (b.opcode === 'setup' && refreshLan()));
  const lanTimer = setInterval(() => void refreshLan(), LAN_REFRESH_MS);
  lanTimer.unref();
  // Asked per request, looked up at most every NAMES_MAX_AGE_MS: a box that just joined a network (from the
  // hotspot) answers under its new address at once.
  let names = ownHostNames(boxName, interfaceAddresses());
  let namesAt = Date.now();
  const currentNames = (): ReadonlySet<string> => {
    if (Date.now() - namesAt > NAMES_MAX_AGE_MS) {
      names = ownHostNames(boxName, interfaceAddresses());
      namesAt = Date.now();
    }
    return names;
  };

  const page = buildPageServer({
    link, sessions, clock: SYSTEM_CLOCK, log, boxName, version: VERSION, system: REAL_SYSTEM, diskPath: '/',
    testChain: (chain, url) => testChain(chain, url),
    // masq-wifi's socket: absent where it does not run (the .deb without appliance mode), and the page skips the step.
    wifi: createWifiClient(WIFI_SOCKET),
  }, { files, lan: () => lan, ownNames: currentNames });
  await page.app.ready();
  const activated = process.env.LISTEN_PID === String(process.pid) && process.env.LISTEN_FDS === '1';
  try {
    await new Promise<void>((resolve, reject) => {
      page.app.server.once('error', reject);
      if (activated) page.app.server.listen({ fd: SD_LISTEN_FDS_START }, resolve);
      else page.app.server.listen({ port: flags.port, host: flags.address }, resolve);
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    process.stderr.write(code === 'EADDRINUSE' ? `Port ${flags.port} is taken: give masq-setup another one with --port.\n` : code === 'EACCES' ? `Port ${flags.port} needs privileges: give a port above 1024 with --port, or run masq-setup.socket.\n` : `${describeError(e)}\n`);
    link.close();
    return 1;
  }
  const where = activated ? 'the socket systemd passed' : `http://${flags.address.includes(':') ? `[${flags.address}]` : flags.address}:${flags.port}/`;
  log.info(`Setup page listening on ${where}`);
  process.stdout.write(`setup page: ${where}\n`);
  await onShutdownSignals();
  clearInterval(lanTimer);
  page.closeStreams();
  await page.app.close();
  link.close();
  return 0;
}
