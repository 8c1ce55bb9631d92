// `iw dev wlan0 scan` output → the networks in range, as the page lists them: one entry per name (the strongest
// signal heard for it), strongest first, hidden names left out. iw prints one "BSS <mac>" block per access point,
// with tab-indented fields; the security is read from its RSN and WPA elements and the Privacy capability bit.

import type { WifiNetwork, WifiSecurity } from './api.js';

/** Bounds: a scan in a dense city block is a few hundred access points; more is not a scan we trust. */
export const SCAN_LIMITS = { maxBytes: 1 << 20, maxLineLength: 1024, maxNetworks: 64 } as const;

interface Bss {
  ssid?: Buffer;
  signal?: number;
  privacy: boolean;
  rsn: boolean;
  wpa: boolean;
  akms: string[];
}

/** iw escapes every byte that is not printable ASCII (and a backslash, and a space at either end) as \xNN. */
export function decodeIwSsid(text: string): Buffer | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      const hex = /^x([0-9a-fA-F]{2})/.exec(text.slice(i + 1, i + 4));
      if (!hex) return undefined;
      bytes.push(parseInt(hex[1] as string, 16));
      i += 3;
    } else if (c >= 0x20 && c < 0x7f) {
      bytes.push(c);
    } else {
      return undefined;
    }
  }
  return bytes.length <= 32 ? Buffer.from(bytes) : undefined;
}

/** The name as text, or undefined when it is hidden (empty or all zero bytes) or not UTF-8 (it could not be sent back). */
function ssidText(ssid: Buffer | undefined): string | undefined {
  if (!ssid || ssid.every((b) => b === 0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(ssid);
  } catch {
    return undefined; // Not UTF-8: the page could not name it in JSON, so it is not offered (documented above).
  }
}

function securityOf(b: Bss): WifiSecurity {
  if (b.akms.some((a) => a.includes('802.1X'))) return 'enterprise';
  if (b.rsn) {
    const sae = b.akms.some((a) => /(^|\/)SAE\b|OWE/.test(a));
    const psk = b.akms.length === 0 || b.akms.some((a) => /(^|\/)PSK\b/.test(a));
    if (sae && psk) return 'wpa2/wpa3';
    return sae ? 'wpa3' : 'wpa2';
  }
  if (b.wpa) return 'wpa';
  return b.privacy ? 'wep' : 'open';
}

export function parseIwScan(output: string): WifiNetwork[] {
  const all: Bss[] = [];
  let cur: Bss | undefined;
  let element: 'rsn' | 'wpa' | undefined;
  for (const raw of output.slice(0, SCAN_LIMITS.maxBytes).split('\n')) {
    if (raw.length > SCAN_LIMITS.maxLineLength) continue;
    if (raw.startsWith('BSS ')) {
      cur = { privacy: false, rsn: false, wpa: false, akms: [] };
      all.push(cur);
      element = undefined;
      continue;
    }
    if (!cur) continue;
    const line = raw.trim();
    // A field at one tab ends the element (RSN:, WPA:) whose "* ..." lines are indented deeper.
    if (/^\t[^\t]/.test(raw) && !line.startsWith('*')) element = undefined;
    let m: RegExpExecArray | null;
    if (raw.startsWith('\tSSID:')) cur.ssid = decodeIwSsid(raw.slice(6).replace(/^ /, ''));
    else if ((m = /^signal: (-?[0-9]{1,3}(?:\.[0-9]{1,2})?) dBm$/.exec(line))) cur.signal = Math.round(Number(m[1]));
    else if (/^capability:/.test(line)) cur.privacy = /\bPrivacy\b/.test(line);
    else if (/^RSN:/.test(line)) { cur.rsn = true; element = 'rsn'; }
    else if (/^WPA:/.test(line)) { cur.wpa = true; element = 'wpa'; }
    // The first suite line shares the element's line ("RSN:\t * Version: 1") only for the version, never the AKMs.
    if (element && (m = /\* Authentication suites: (.*)$/.exec(line))) cur.akms.push(...(m[1] as string).split(' ').filter((a) => a !== ''));
  }
  const best = new Map<string, WifiNetwork>();
  for (const b of all) {
    const ssid = ssidText(b.ssid);
    if (ssid === undefined || b.signal === undefined) continue;
    const had = best.get(ssid);
    if (!had || b.signal > had.signalDbm) best.set(ssid, { ssid, signalDbm: b.signal, security: securityOf(b) });
  }
  return [...best.values()].sort((a, b) => b.signalDbm - a.signalDbm || a.ssid.localeCompare(b.ssid)).slice(0, SCAN_LIMITS.maxNetworks);
}
