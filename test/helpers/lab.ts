// A Daemon in a temp home, with its own ports, ready for masq commands.

import { join } from 'node:path';
import { MASQ, MASQ_NODE, type Sandbox, type Tracked, freePort, run, waitFor } from './processes.js';

export interface Lab {
  home: string;
  uiPort: number;
  proxyPort: number;
  dataDir: string;
  daemon: Tracked;
  masq(...args: string[]): ReturnType<typeof run>;
}

export async function startDaemon(sandbox: Sandbox, extraEnv: Record<string, string> = {}): Promise<Lab> {
  const home = sandbox.tempDir();
  const dataDir = join(home, 'data');
  const uiPort = await freePort();
  const proxyPort = await freePort();
  const env = {
    HOME: home, XDG_STATE_HOME: join(home, '.local', 'state'), MASQ_DATA_DIRECTORY: dataDir, MASQ_NEIGHBORHOOD_MODE: 'zero-hop',
    MASQ_PROXY_PORT: String(proxyPort), MASQ_EXIT_PRIVATE_DESTINATIONS: 'on', ...extraEnv,
  };
  // Detached: the clean-up kills its whole process group, the Node it launched included.
  const daemon = sandbox.spawn(MASQ_NODE, ['--initialization', '--ui-port', String(uiPort)], env, true);
  await waitFor('the Daemon to listen', () => daemon.output().includes(`UI port ${uiPort}`));
  return {
    home, uiPort, proxyPort, dataDir: `${dataDir}/base-mainnet`, daemon,
    masq: (...args) => run(MASQ, ['--ui-port', String(uiPort), ...args], { HOME: home }),
  };
}
