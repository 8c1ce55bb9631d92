// The lines of the radio's programs that masq-wifi acts on: a foreground wpa_supplicant prints its control events
// ("wlan0: CTRL-EVENT-…") on stdout at its default level, and hostapd the phones that come and go
// ("wlan0: AP-STA-CONNECTED <mac>"). Everything else they print is only logged.

export type WpaEvent = 'connected' | 'wrong-key' | 'not-found' | 'disconnected';

export const MAX_WPA_LINE = 1024;

export function parseWpaEvent(line: string): WpaEvent | undefined {
  if (line.length > MAX_WPA_LINE) return undefined;
  const m = /^(?:[\w.-]{1,32}: )?CTRL-EVENT-([A-Z-]{1,40})(?:\s|$)/.exec(line);
  if (!m) return undefined;
  switch (m[1]) {
    case 'CONNECTED': return 'connected';
    case 'NETWORK-NOT-FOUND': return 'not-found';
    case 'DISCONNECTED': return 'disconnected';
    // The network's name is quoted earlier on the line and may itself hold "reason=WRONG_KEY": only its end counts.
    case 'SSID-TEMP-DISABLED': return /\sreason=WRONG_KEY\s*$/.test(line) ? 'wrong-key' : undefined;
    default: return undefined;
  }
}

export type StationEvent = { joined: boolean; mac: string };

export function parseStationEvent(line: string): StationEvent | undefined {
  if (line.length > MAX_WPA_LINE) return undefined;
  const m = /^(?:[\w.-]{1,32}: )?AP-STA-(CONNECTED|DISCONNECTED) ([0-9a-f]{2}(?::[0-9a-f]{2}){5})(?:\s|$)/i.exec(line);
  return m ? { joined: m[1] === 'CONNECTED', mac: (m[2] as string).toLowerCase() } : undefined;
}
