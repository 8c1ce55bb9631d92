// The radio as Linux has it: iw for scans and the regulatory domain; hostapd, dnsmasq and wpa_supplicant as
// masq-wifi's own foreground children; systemd-networkd for wlan0's address in either role; nft for the hotspot's
// firewall. Why this stack and not NetworkManager: the image already runs systemd-networkd (and wpa_supplicant),
// and NetworkManager would be a second network stack beside it, resident all the time (docs/SETUP.md).

import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../system/index.js';
import { hotspotRuleset, HOTSPOT_TABLE } from './firewall.js';
import { parseIwScan, SCAN_LIMITS } from './iw-scan.js';
import { runTool, startLineProcess } from './processes.js';
import { type LineProcess, networkFacts, type Radio } from './radio.js';
import { writeNetworkFile, writePrivate } from './files.js';
import { dnsmasqArgs, dnsmasqConfProblem, hostapdConf, hotspotNetworkFile, MAX_WPA_CONF_BYTES, WIRELESS_NETWORK_FILE } from './render.js';

export interface LinuxRadioOptions {
  iface: string;
  /** A 0700 directory of masq-wifi's own for the programs' configuration files. */
  privateDir: string;
  /** /etc/wpa_supplicant/wpa_supplicant-wlan0.conf */
  savedPath: string;
  /** /etc/systemd/network/20-masq-wireless.network */
  wirelessNetworkPath: string;
  /** /run/systemd/network/10-masq-hotspot.network */
  hotspotNetworkPath: string;
  hotspot: { address: string; prefix: number };
  /** dnsmasq's configuration for the hotspot (the portal's DHCP and DNS). */
  dnsmasqConf(iface: string): string;
  log: Logger;
}

const TOOL_MS = 15_000;
const SCAN_MS = 20_000;
/** How long networkd may take to give wlan0 the hotspot's address once hostapd runs. */
const ADDRESS_WAIT_MS = 10_000;


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createLinuxRadio(o: LinuxRadioOptions): Radio {
  const file = (name: string): string => join(o.privateDir, name);
  let hostapd: LineProcess | undefined;
  let dnsmasq: LineProcess | undefined;

  const hasHotspotAddress = (): boolean => (networkInterfaces()[o.iface] ?? []).some((a) => a.address === o.hotspot.address);
  const reconfigure = async (): Promise<void> => {
    await runTool('networkctl', ['reload'], TOOL_MS);
    await runTool('networkctl', ['reconfigure', o.iface], TOOL_MS);
  };

  const radio: Radio = {
    present: () => existsSync(`/sys/class/net/${o.iface}`),
    mac() {
      try {
        return readFileSync(`/sys/class/net/${o.iface}/address`, 'utf8').slice(0, 64).trim();
      } catch (e) {
        o.log.debug(`No MAC address for ${o.iface}: ${(e as Error).message}`);
        return undefined;
      }
    },
    async scan(fromHotspot) {
      await runTool('ip', ['link', 'set', 'dev', o.iface, 'up'], TOOL_MS);
      // ap-force: scanning while the interface is an access point (drivers that cannot, refuse it).
      return parseIwScan(await runTool('iw', ['dev', o.iface, 'scan', ...(fromHotspot ? ['ap-force'] : [])], SCAN_MS, SCAN_LIMITS.maxBytes));
    },
    async setCountry(country) {
      await runTool('iw', ['reg', 'set', country], TOOL_MS);
    },
    async startHotspot(h, onLine, onExit) {
      writePrivate(file('hostapd.conf'), hostapdConf(h));
      const dns = o.dnsmasqConf(h.iface);
      const problem = dnsmasqConfProblem(dns);
      if (problem) throw new Error(problem);
      writePrivate(file('dnsmasq.conf'), dns);
      writePrivate(file('firewall.nft'), hotspotRuleset(h.iface));
      writeNetworkFile(o.hotspotNetworkPath, hotspotNetworkFile(h.iface, o.hotspot.address, o.hotspot.prefix));
      await runTool('nft', ['-f', file('firewall.nft')], TOOL_MS);
      hostapd = startLineProcess('hostapd', [file('hostapd.conf')], onLine, onExit, o.log);
      await reconfigure();
      for (let waited = 0; !hasHotspotAddress(); waited += 250) {
        if (waited >= ADDRESS_WAIT_MS) throw new Error(`${o.iface} did not get ${o.hotspot.address} from systemd-networkd within ${ADDRESS_WAIT_MS / 1000} s`);
        await sleep(250);
      }
      dnsmasq = startLineProcess('dnsmasq', dnsmasqArgs(file('dnsmasq.conf'), file('dnsmasq.leases')), onLine, onExit, o.log);
    },
    async stopHotspot() {
      const running = [dnsmasq, hostapd];
      dnsmasq = undefined;
      hostapd = undefined;
      await Promise.all(running.map((p) => p?.stop()));
      const tables = await runTool('nft', ['list', 'tables'], TOOL_MS);
      if (tables.includes(`inet ${HOTSPOT_TABLE}`)) await runTool('nft', ['delete', 'table', 'inet', HOTSPOT_TABLE], TOOL_MS);
      if (existsSync(o.hotspotNetworkPath)) {
        rmSync(o.hotspotNetworkPath);
        await reconfigure();
      }
    },
    async startClient(conf, onLine, onExit) {
      if (!existsSync(o.wirelessNetworkPath)) {
        writeNetworkFile(o.wirelessNetworkPath, WIRELESS_NETWORK_FILE);
        await runTool('networkctl', ['reload'], TOOL_MS);
      }
      writePrivate(file('wpa_supplicant.conf'), conf);
      return startLineProcess('wpa_supplicant', ['-i', o.iface, '-D', 'nl80211', '-c', file('wpa_supplicant.conf')], onLine, onExit, o.log);
    },
    address: () => networkFacts(networkInterfaces(), o.iface, o.hotspot.address).wifi.find((a) => a.includes('.')),
    readSaved() {
      if (!existsSync(o.savedPath)) return undefined;
      if (statSync(o.savedPath).size > MAX_WPA_CONF_BYTES) {
        o.log.warn(`${o.savedPath} is larger than ${MAX_WPA_CONF_BYTES} bytes: it is not used.`);
        return undefined;
      }
      return readFileSync(o.savedPath, 'utf8');
    },
    async writeSaved(conf) {
      writePrivate(o.savedPath, conf);
    },
  };
  return radio;
}
