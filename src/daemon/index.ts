// Composition root of the Daemon (`masq-node --initialization`).

import { DAEMON_UI_PORT, envName, readConfigFile, readEnv } from '../config/index.js';
import { readStoredRows } from '../store/index.js';
import { createLogCore, createLogger, describeError, onShutdownSignals, systemEnvironment } from '../system/index.js';
import { newUiToken, startUiServer, writeUiTokenFile } from '../ui/index.js';
import { Daemon } from './daemon.js';
import { ChildLauncher, type Launcher, findFreePort, waitForUi } from './launcher.js';
import { SetupState } from './setup-state.js';
import { DEFAULT_RUNTIME_DIRECTORY, SystemdLauncher } from './systemd-launcher.js';

const LAUNCHERS = ['child', 'systemd'] as const;

export async function runDaemon(argv: readonly string[]): Promise<number> {
  const core = createLogCore('info');
  const log = createLogger(core, 'Daemon');
  const fromEnv = process.env[envName('ui-port')];
  let uiPort = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : DAEMON_UI_PORT;
  let launcherName: string = 'child';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--ui-port') {
      uiPort = Number(argv[++i]);
    } else if (argv[i] === '--launcher') {
      launcherName = argv[++i] ?? '';
    } else if (argv[i] !== '--initialization') {
      // Anything else is a Node parameter, which belongs in the setup, not on the Daemon's command line.
      process.stderr.write(`The Daemon takes only --initialization, --ui-port <port> and --launcher child|systemd, not '${argv[i]}'. Give Node parameters with masq setup.\n`);
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
  const setup = new SetupState(systemEnvironment('daemon'), env.values, { readConfigFile, readStoredRows });
  let launcher: Launcher;
  let uiToken: string | undefined;
  let server;
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
      launcher = new ChildLauncher(
        { execPath: process.execPath, execArgv: process.execArgv, script: process.argv[1] ?? '' },
        { stdout: process.stdout, stderr: process.stderr },
      );
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
  });
  try {
    server = await startUiServer({ port: uiPort, log, onMessage: (c, m) => daemon.handle(c, m), onConnect: (c) => daemon.greet(c), ...(token ? { token } : {}) });
  } catch (e) {
    process.stderr.write(`${describeError(e)}\n`);
    return 1;
  }
  broadcast = server.broadcast;
  log.info(`MASQ Daemon listening for UIs on 127.0.0.1:${server.port}`);
  process.stdout.write(`MASQ Daemon: UI port ${server.port} (ws://127.0.0.1:${server.port}, masq --ui-port ${server.port})\n`);
  await onShutdownSignals();
  log.info('Daemon shutting down');
  await daemon.stopNode(10_000);
  await server.close();
  return 0;
}
