// The files firstrun.sh writes with here-documents, read as data: wpa_supplicant.conf (the Wi-Fi network),
// /etc/default/keyboard, and the user's authorized_keys.

import { invalid } from './errors.js';
import type { ImagerWifi, KeyboardLayout, WifiKey } from './settings.js';
import * as check from './validate.js';

const FILE = 'firstrun.sh';

export interface WpaFacts {
  country?: string;
  wifi?: ImagerWifi;
}

/** ssid="text", ssid=hex:… (Imager 2.0.10 on) or wpa_supplicant's bare hex. */
function ssidValue(v: string): Buffer {
  const quoted = /^"(.*)"$/.exec(v);
  if (quoted) return Buffer.from(quoted[1] ?? '', 'utf8');
  const hex = /^(?:hex:)?((?:[0-9A-Fa-f]{2})+)$/.exec(v);
  if (!hex) throw invalid(FILE, 'the Wi-Fi network name in wpa_supplicant.conf is neither quoted text nor hex.', 'Write the file again with Raspberry Pi Imager.');
  return Buffer.from(hex[1] ?? '', 'hex');
}

/** psk=64 hex digits, or psk="passphrase" (Imager 1.6); key_mgmt=NONE is an open network. */
function pskValue(v: string | undefined, open: boolean): WifiKey {
  if (open) return { kind: 'open' };
  const quoted = v === undefined ? undefined : /^"(.*)"$/.exec(v);
  return check.wifiKey(FILE, quoted ? quoted[1] : v);
}

export function readWpaConf(lines: readonly string[]): WpaFacts {
  const out: WpaFacts = {};
  const net = new Map<string, string>();
  let inNetwork = false;
  let networks = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === 'network={') {
      inNetwork = true;
      networks += 1;
    } else if (line === '}') inNetwork = false;
    else {
      const kv = /^([a-z_]+)=(.*)$/.exec(line);
      if (!kv) continue;
      const [, k = '', v = ''] = kv;
      if (!inNetwork && k === 'country') out.country = check.country(FILE, v);
      if (inNetwork && networks === 1 && !net.has(k)) net.set(k, v);
    }
  }
  const ssid = net.get('ssid');
  if (ssid !== undefined) {
    out.wifi = {
      ssid: check.ssid(FILE, ssidValue(ssid)),
      key: pskValue(net.get('psk'), net.get('key_mgmt') === 'NONE'),
      hidden: net.get('scan_ssid') === '1',
    };
  }
  return out;
}

export function readKeyboardFile(lines: readonly string[]): KeyboardLayout | undefined {
  const vars: Record<string, string> = {};
  for (const raw of lines) {
    const m = /^(XKB[A-Z]+)="([^"]*)"$/.exec(raw.trim());
    if (m) vars[m[1] ?? ''] = m[2] ?? '';
  }
  if (!vars.XKBLAYOUT) return undefined;
  return check.keyboard(FILE, vars.XKBLAYOUT, { model: vars.XKBMODEL, variant: vars.XKBVARIANT, options: vars.XKBOPTIONS });
}

/** Key lines; Imager 1.9 wrapped each in single quotes inside printf, which are not part of the key. */
export function readKeyLines(lines: readonly string[]): string[] {
  return lines.map((l) => l.trim().replace(/^'(.*)'$/, '$1')).filter((l) => l !== '').map((k) => check.sshKey(FILE, k));
}
