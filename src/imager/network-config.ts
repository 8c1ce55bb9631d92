// cloud-init's network-config as Imager writes it: netplan version 2, under `network:` (2.x) or at the top (1.x),
// with one Wi-Fi interface, its regulatory domain and one access point (SSID, password or PSK, hidden).

import { invalid } from './errors.js';
import { emptySettings, type ImagerSettings, type ImagerWifi } from './settings.js';
import * as check from './validate.js';
import { isMap, loadYamlMap, type YamlMap } from './yaml-input.js';

const FILE = 'network-config';

/**
 * The SSID's octets. Imager 2.0.10 on writes bytes outside printable ASCII as \xHH escapes, which YAML reads as
 * code points U+0080–U+00FF, one per byte; older versions wrote the UTF-8 text itself. Code points that are all
 * below U+0100 and, read as bytes, make valid UTF-8 were escapes; anything else is the text.
 */
export function ssidOctets(name: string): Buffer {
  const bytes = Buffer.from(name, 'latin1');
  const allBytes = [...name].every((c) => c.codePointAt(0)! < 0x100);
  // Valid UTF-8 survives a round trip; a bad sequence comes back as U+FFFD and differs.
  if (allBytes && bytes.some((b) => b >= 0x80) && Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)) return bytes;
  return Buffer.from(name, 'utf8');
}

function accessPoint(ap: YamlMap, name: string): ImagerWifi {
  const auth = isMap(ap.auth) ? ap.auth : {};
  const password = ap.password ?? auth.password;
  if (auth['key-management'] === 'none' && password !== undefined) {
    throw invalid(FILE, 'an open network (key-management: none) also has a password.', 'Leave out one of the two.');
  }
  if (ap.hidden !== undefined && typeof ap.hidden !== 'boolean') throw invalid(FILE, 'hidden is not true or false.', 'Write hidden: true for a hidden network.');
  return { ssid: check.ssid(FILE, ssidOctets(name)), key: check.wifiKey(FILE, password), hidden: ap.hidden === true };
}

function wifiInterface(iface: YamlMap, s: ImagerSettings): void {
  if (iface['regulatory-domain'] !== undefined) s.wifiCountry = check.country(FILE, iface['regulatory-domain']);
  const aps = iface['access-points'];
  if (!isMap(aps)) throw invalid(FILE, 'the Wi-Fi interface has no access-points mapping.', 'Give the network name under access-points:.');
  const names = Object.keys(aps);
  const first = names[0];
  if (first === undefined) throw invalid(FILE, 'access-points is empty.', 'Give the network name under access-points:.');
  const ap = aps[first] ?? {};
  if (!isMap(ap)) throw invalid(FILE, 'an access point is not a mapping.', 'Write password: (and hidden:) under the network name.');
  s.wifi = accessPoint(ap, first);
  if (names.length > 1) s.notes.push(`network-config: ${names.length - 1} more access point(s) not applied: one network is joined`);
}

export function parseNetworkConfig(source: string): ImagerSettings {
  const top = loadYamlMap(FILE, source);
  const net = isMap(top.network) ? top.network : top;
  if (net.version !== 2) throw invalid(FILE, 'it is not netplan version 2.', 'Write version: 2, as Raspberry Pi Imager does.');
  const s = emptySettings();
  if (net.ethernets !== undefined) s.notes.push('network-config: ethernets are not applied: every wired port uses DHCP already');
  const wifis = net.wifis;
  if (wifis === undefined || wifis === null) return s;
  if (!isMap(wifis)) throw invalid(FILE, 'wifis is not a mapping.', 'Write wifis: with the interface (wlan0) below it.');
  // Imager 1.x writes renderer: inside wifis, beside the interface.
  const ifaces = Object.entries(wifis).filter(([k]) => k !== 'renderer');
  const first = ifaces[0];
  if (!first) return s;
  if (!isMap(first[1])) throw invalid(FILE, `the Wi-Fi interface ${first[0].slice(0, 16)} is not a mapping.`, 'Write its settings below it.');
  wifiInterface(first[1], s);
  if (ifaces.length > 1) s.notes.push('network-config: only the first Wi-Fi interface is applied (as wlan0)');
  return s;
}
