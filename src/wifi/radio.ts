// The boundary between masq-wifi's decisions and the machine: the radio (scans, the hotspot's programs, the Wi-Fi
// client) and the files it keeps. radio-linux.ts drives the real tools; tests fake it with scripted lines.

import type { NetworkInterfaceInfo } from 'node:os';
import type { WifiNetwork } from './api.js';
import type { HotspotSettings } from './render.js';

/** A foreground program masq-wifi started; its stdout and stderr arrive line by line. */
export interface LineProcess {
  /** SIGTERM, then SIGKILL after a bounded wait; resolves once it has exited. */
  stop(): Promise<void>;
}

export type OnLine = (line: string) => void;
/** Called once when the program exits by itself (not after stop()). */
export type OnExit = (why: string) => void;

export interface Radio {
  /** Whether the Wi-Fi interface exists. */
  present(): boolean;
  /** Its MAC address, if it exists. */
  mac(): string | undefined;
  scan(fromHotspot: boolean): Promise<WifiNetwork[]>;
  setCountry(country: string): Promise<void>;
  /** hostapd and dnsmasq, the hotspot's address and its firewall. Resolves once all are up; throws if one fails. */
  startHotspot(h: HotspotSettings, onLine: OnLine, onExit: OnExit): Promise<void>;
  /** Stops them and removes the address and the firewall; harmless when the hotspot is not up. */
  stopHotspot(): Promise<void>;
  /** wpa_supplicant with this configuration text. */
  startClient(conf: string, onLine: OnLine, onExit: OnExit): Promise<LineProcess>;
  /** wlan0's IPv4 address as a client (from systemd-networkd's DHCP), if it has one. */
  address(): string | undefined;
  /** The saved wpa_supplicant configuration, if there is one. */
  readSaved(): string | undefined;
  /** Replaces it (root's alone, 0600). */
  writeSaved(conf: string): Promise<void>;
}

/** The box's addresses on networks other than the hotspot: on wired ports, and on the Wi-Fi as a client. */
export interface NetworkFacts {
  wired: string[];
  wifi: string[];
}

const WIRED = /^(eth|en|usb)/;

/** Usable addresses only: not loopback, not IPv4 link-local (no DHCP answer), not IPv6 link-local. */
function usable(a: NetworkInterfaceInfo): boolean {
  if (a.internal) return false;
  return a.family === 'IPv4' ? !a.address.startsWith('169.254.') : !/^fe[89ab]/i.test(a.address);
}

export function networkFacts(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>, wlan: string, hotspotAddress: string, ignored: ReadonlySet<string> = new Set()): NetworkFacts {
  const out: NetworkFacts = { wired: [], wifi: [] };
  for (const [name, list] of Object.entries(ifaces)) {
    if (ignored.has(name)) continue;
    for (const a of list ?? []) {
      if (!usable(a)) continue;
      if (name === wlan && a.address !== hotspotAddress) out.wifi.push(a.address);
      else if (WIRED.test(name)) out.wired.push(a.address);
    }
  }
  return out;
}
