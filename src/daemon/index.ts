// Composition root of the Daemon (`masq-node --initialization`).

import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_UI_PORT, envName, readConfigFile, readEnv } from '../config/index.js';
import { readStoredRows } from '../store/index.js';
import { createLogCore, createLogger, describeError, type Logger, onShutdownSignals, systemEnvironment } from '../system/index.js';
import { newUiToken, startUiServer, writeUiTokenFile } from '../ui/index.js';
import { IssueBanner } from './banner.js';
import { Daemon } from './daemon.js';
import { ChildLauncher, type Launcher, findFreePort, waitForUi } from './launcher.js';
import { readPastNeighbors } from './past-neighbors.js';
import { SystemdCredsSealer } from './sealer.js';
import { SetupState } from './setup-state.js';
import type { SystemFile } from './ssh-desk.js';
import { APPLIER_DIRECTORY, MADE_FILE, STATUS_FILE } from '../ssh-keys/index.js';
import { DirectoryState, MemoryState, type StateStore, stateDirectoryPath } from './state-dir.js';
import { DEFAULT_RUNTIME_DIRECTORY, SystemdLauncher } from './systemd-launcher.js';

const LAUNCHERS = ['child', 'systemd'] as const;
const USAGE = 'The Daemon takes only --initialization, --ui-port <port>, --launcher child|systemd, --state-directory <dir> and --setup-code-seed <file>';
const MAX_SEED_BYTES = 4096;
/** What the ssh opcodes read: the accounts, and what masq-ssh-access.service made and did. */
const SYSTEM_FILES: Record<SystemFile, string> = {
  passwd: '/etc/passwd', group: '/etc/group', made: join(APPLIER_DIRECTORY, MADE_FILE), status: join(APPLIER_DIRECTORY, STATUS_FILE),
};
/** Far more than any of those holds: a larger one is not read. */
const MAX_SYSTEM_FILE_BYTES = 4 * 1024 * 1024;

/** A file's text, or undefined when it is absent (silently) or unreadable or too large (logged). */
function readSmallFile(path: string, log: Logger): string | undefined {
  try {
    if (statSync(path).size > MAX_SYSTEM_FILE_BYTES) {
      log.warn(`${path} is larger than ${MAX_SYSTEM_FILE_BYTES} bytes; it is not read`);
      return undefined;
    }
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`Cannot read ${path}: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * The owner's own setup code: the first line of the seed file that is neither blank nor a # comment (the image
 * ships the file with comments saying how). Undefined when there is no such file.
 */
export function readSeedFile(path: string, log: Logger): string | undefined {
  let text: string;
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(MAX_SEED_BYTES);
      text = buf.subarray(0, readSync(fd, buf, 0, MAX_SEED_BYTES, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`Cannot read the setup code seed file ${path}: ${(e as Error).message}; a random code is used`);
    return undefined;
  }
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  if (line === undefined) log.info(`The setup code seed file ${path} holds no code; a random code is used`);
  return line;
}

export async function runDaemon(argv: readonly string[]): Promise<number> {
  const core = createLogCore('info');
  const log = createLogger(core, 'Daemon');
  const fromEnv = process.env[envName('ui-port')];
  let uiPort = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : DAEMON_UI_PORT;
  let launcherName: string = 'child';
  let stateFlag: string | undefined;
  let seedFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--ui-port') {
      uiPort = Number(argv[++i]);
    } else if (argv[i] === '--launcher') {
      launcherName = argv[++i] ?? '';
    } else if (argv[i] === '--state-directory' || argv[i] === '--setup-code-seed') {
      const value = argv[i + 1];
      if (value === undefined || value === '' || value.startsWith('--')) {
        process.stderr.write(`${argv[i]} needs a path.\n`);
        return 1;
      }
      if (argv[i] === '--state-directory') stateFlag = value;
      else seedFile = value;
      i++;
    } else if (argv[i] !== '--initialization') {
      // Anything else is a Node parameter, which belongs in the setup, not on the Daemon's command line.
      process.stderr.write(`${USAGE}, not '${argv[i]}'. Give Node parameters with masq setup.\n`);
      return 1;
    }
  }
  if (!(LAUNCHERS as readonly string[]).includes(launcherName)) {
    process.stderr.write(`--launcher must be child (the Node as a child process) or systemd (masq-node.service), not '${launcherName}'.\n`);
    return 1;
  }
  if (!Number.isInteger(uiPort) || uiPort < 1025 || uiPort > 65535) {
    process.stderr.write(`The Daemon's UI port (--ui-port or MASQ_UI_PORT) must be between 1025 and 65535.\n`);
    return 1;
  }
  const env = readEnv(process.env);
  for (const name of env.unknown) log.warn(`Ignoring ${name}: no parameter has that name`);
  const setup = new SetupState(systemEnvironment('daemon'), env.values, { readConfigFile, readStoredRows, readPastNeighbors });
  let launcher: Launcher;
  let uiToken: string | undefined;
  let server;
  let state: StateStore;
  try {
    state = new DirectoryState(stateDirectoryPath(stateFlag, process.env));
    log.info(`Daemon state directory: ${state.where}`);
  } catch (e) {
    // Refusing to run would only make systemd restart it again and again; without the box's state it still works.
    log.error(`${describeError(e)} Until then nothing is kept across restarts of the Daemon: the setup code, the claim and the setup live in memory only.`);
    state = new MemoryState();
  }
  try {
    if (launcherName === 'systemd') {
      const runtimeDirectory = process.env.RUNTIME_DIRECTORY || DEFAULT_RUNTIME_DIRECTORY;
      const systemd = new SystemdLauncher({ runtimeDirectory });
      await systemd.stopLeftover();
      // A fresh token per Daemon start: a token read earlier by someone since removed from masq-admin dies with it.
      uiToken = newUiToken();
      const warning = writeUiTokenFile(runtimeDirectory, uiToken);
      if (warning) log.warn(warning);
      launcher = systemd;
    } else {
      const child = new ChildLauncher(
        { execPath: process.execPath, execArgv: process.execArgv, script: process.argv[1] ?? '' },
        { stdout: process.stdout, stderr: process.stderr },
        state, log,
      );
      launcher = child;
    }
  } catch (e) {
    process.stderr.write(`${describeError(e)}\n`);
    return 1;
  }
  const token = uiToken;
  let broadcast: (m: Parameters<Daemon['handle']>[1], except?: number) => void = () => undefined;
  const daemon = new Daemon({
    setup, launcher, log, broadcast: (m, e) => broadcast(m, e), findFreePort,
    waitForUi: (port, ms, alive) => waitForUi(port, ms, alive, token),
    ...(token ? { uiToken: token } : {}),
    state,
    sealer: new SystemdCredsSealer(),
    // Only under systemd (RuntimeDirectory=masq): /etc/issue.d/masq-setup.issue links to it.
    banner: new IssueBanner(process.env.RUNTIME_DIRECTORY || undefined, (m) => log.warn(m)),
    ...(seedFile !== undefined ? { readSetupCodeSeed: () => readSeedFile(seedFile, log) } : {}),
    readSystemFile: (file) => readSmallFile(SYSTEM_FILES[file], log),
  });
  try {
    server = await startUiServer({ port: uiPort, log, onMessage: (c, m) => daemon.handle(c, m), onConnect: (c) => daemon.greet(c), ...(token ? { token } : {}) });
  } catch (e) {
    process.stderr.write(`${describeError(e)}\n`);
    return 1;
  }
  broadcast = server.broadcast;
  // Only once the UI port is ours: a second Daemon started by mistake must not stop the first one's Node.
  if (launcher instanceof ChildLauncher) await launcher.stopLeftover();
  // After the UI server too: a port already taken must not leave a Node started by itself behind.
  await daemon.init();
  log.info(`MASQ Daemon listening for UIs on 127.0.0.1:${server.port}`);
  process.stdout.write(`MASQ Daemon: UI port ${server.port} (ws://127.0.0.1:${server.port}, masq --ui-port ${server.port})\n`);
  await onShutdownSignals();
  log.info('Daemon shutting down');
  await daemon.stopNode(10_000);
  await server.close();
  return 0;
}
