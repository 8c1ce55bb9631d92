// masq-wifi: the box's Wi-Fi and hotspot manager (root, masq-wifi.service). With no network a while after boot, or
// after losing every network, it opens the WPA2 hotspot MASQ-Setup-XXXX; the setup page (masq-setup, unprivileged)
// asks it over a unix socket for the networks in range and to join one, and it reports the outcome. This file
// composes it: the parameter, the state, the radio, the manager and the API, and their orderly stop.

import { execFile } from 'node:child_process';
import { hostname, networkInterfaces } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { readConfigFile, readEnv } from '../config/index.js';
import { BACKGROUND_TIMERS, createLogCore, createLogger, describeError, onShutdownSignals, SYSTEM_CLOCK } from '../system/index.js';
import { WIFI_SOCKET } from './api.js';
import { parseSetupCodeOutput, type SetupCodeAnswer } from './hotspot-code.js';
import { hotspotSsid } from './identity.js';
import { JOIN_LIMITS } from './join.js';
import { WifiManager } from './manager.js';
import { networkFacts } from './radio.js';
import { createLinuxRadio } from './radio-linux.js';
import { closeServer, createWifiServer, listenUnix } from './server.js';
import { hotspotDelayMs, hotspotIgnored, ROOT_CONFIG } from './settings.js';
import { loadState, saveState, STATE_FILE } from './state-file.js';

export * from './api.js';
export { createWifiClient } from './client.js';
export { WifiError } from './errors.js';

export const USAGE = 'masq-wifi [--show-hotspot]';

export interface WifiProgramIo {
  /** The hotspot's fixed network (the portal's HOTSPOT_NET). */
  hotspotNet: { address: string; prefix: number };
  /** dnsmasq's configuration for the hotspot (the portal's DHCP and DNS for the captive page). */
  dnsmasqConf(iface: string): string;
}

const IFACE = 'wlan0';
const SETUP_CODE_MS = 15_000;

/** `masq setup-code` as root (the Daemon answers root): the code, or that the box is claimed. */
function askSetupCode(): Promise<SetupCodeAnswer> {
  return new Promise((resolve, reject) => {
    execFile('masq', ['setup-code'], { timeout: SETUP_CODE_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 }, (err, stdout) => {
      if (err) reject(new Error(`masq setup-code failed: ${err.message.split('\n')[0] ?? ''}`));
      else {
        try {
          resolve(parseSetupCodeOutput(stdout));
        } catch (e) {
          reject(e);
        }
      }
    });
  });
}

export async function runWifi(argv: readonly string[], io: WifiProgramIo): Promise<number> {
  const core = createLogCore('info');
  const log = createLogger(core, 'wifi');
  const stateDir = process.env.STATE_DIRECTORY?.split(':')[0] || '/var/lib/masq-wifi';
  const runtimeDir = process.env.RUNTIME_DIRECTORY?.split(':')[0] || dirname(WIFI_SOCKET);
  const radio = createLinuxRadio({
    iface: IFACE, privateDir: join(runtimeDir, 'radio'), hotspot: io.hotspotNet, dnsmasqConf: io.dnsmasqConf, log,
    savedPath: `/etc/wpa_supplicant/wpa_supplicant-${IFACE}.conf`,
    wirelessNetworkPath: '/etc/systemd/network/20-masq-wireless.network',
    hotspotNetworkPath: '/run/systemd/network/10-masq-hotspot.network',
  });
  if (argv.length === 1 && argv[0] === '--show-hotspot') {
    const code = loadState(stateDir).hotspotCode;
    const ssid = hotspotSsid(hostname(), radio.mac());
    process.stdout.write(code ? `Hotspot ${ssid}, passphrase ${code}\n` : `Hotspot ${ssid}: its passphrase is not chosen yet (the box's setup code, once the hotspot first comes up).\n`);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`Usage: ${USAGE}\n`);
    return 2;
  }
  // The hotspot is how an owner without a cable reaches a box whose configuration went wrong: a bad file costs
  // the parameter, never the hotspot.
  let delayMs = hotspotDelayMs({}, {});
  let ignored: string[] = [];
  let fileValues: Record<string, string> = {};
  try {
    fileValues = readConfigFile(ROOT_CONFIG);
  } catch (e) {
    log.error(`${ROOT_CONFIG}: ${describeError(e)} The hotspot's defaults are used.`);
  }
  const envValues = readEnv(process.env).values;
  try {
    delayMs = hotspotDelayMs(fileValues, envValues);
  } catch (e) {
    log.error(`hotspot-delay: ${describeError(e)} The default, ${delayMs / 1000} s, is used.`);
  }
  try {
    ignored = hotspotIgnored(fileValues, envValues);
  } catch (e) {
    log.error(`hotspot-ignore: ${describeError(e)} Every port counts as a network.`);
  }
  const ignoredSet = new Set(ignored);
  const manager = new WifiManager({
    radio, clock: SYSTEM_CLOCK, timers: BACKGROUND_TIMERS, log, hostname: hostname(), iface: IFACE,
    hotspotAddress: io.hotspotNet.address,
    facts: () => networkFacts(networkInterfaces(), IFACE, io.hotspotNet.address, ignoredSet),
    state: { load: () => loadState(stateDir), save: (s) => saveState(stateDir, s) },
    statePath: join(stateDir, STATE_FILE),
    hideSecret: (s) => core.secrets.add(s),
    setupCode: askSetupCode,
    policy: { delayMs, lookMs: 5 * 60_000 },
    join: JOIN_LIMITS,
    tickMs: 2000, retryMs: 30_000, channel: 6, scanMaxAgeMs: 30_000, answerGraceMs: 1000,
  });
  const server = createWifiServer(manager, log);
  await listenUnix(server, join(runtimeDir, basename(WIFI_SOCKET)));
  manager.start();
  log.info(`masq-wifi is up: the hotspot opens after ${delayMs / 1000} s without any network.`);
  const sig = await onShutdownSignals();
  log.info(`${sig}: stopping the radio's programs.`);
  await manager.stop();
  await closeServer(server);
  return 0;
}
