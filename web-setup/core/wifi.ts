// The Wi-Fi step's words and numbers, apart from the DOM: signal bars from dBm, how a network is protected, what a
// join's outcome means to the user, and when the answer of a status poll is the outcome of the attempt it waits for.

import type { JoinResult, WifiSecurity, WifiStatus } from '../../src/setup/api.js';

/** A status poll every 2 s, each given up after 5 s (the hotspot is down while the box tries), for 3 minutes at most. */
export const JOIN_POLL = { everyMs: 2000, requestMs: 5000, forMs: 180_000 } as const;

/** dBm thresholds of 4, 3, 2 and 1 bars (phones draw about the same). */
const BAR_FLOORS = [-55, -67, -75, -85] as const;
const BAR_WORDS = ['very weak', 'weak', 'fair', 'good', 'excellent'] as const;

export function signalBars(dbm: number): number {
  const i = BAR_FLOORS.findIndex((floor) => dbm >= floor);
  return i === -1 ? 0 : BAR_FLOORS.length - i;
}

export const signalWords = (dbm: number): string => `Signal ${BAR_WORDS[signalBars(dbm)] ?? ''} (${Math.round(dbm)} dBm)`;

const SECURITY: Record<WifiSecurity, string> = {
  open: 'Open', wep: 'WEP', wpa: 'WPA', wpa2: 'WPA2', wpa3: 'WPA3', 'wpa2/wpa3': 'WPA2/WPA3', enterprise: 'Enterprise',
};

export const securityLabel = (s: WifiSecurity): string => SECURITY[s] ?? String(s);

/** Why the box cannot join a network of this kind from the page, if it cannot. */
export function unsupported(s: WifiSecurity): { message: string; fix: string } | undefined {
  if (s === 'wep') return { message: 'The box does not join WEP networks: that protection is broken.', fix: 'Switch the router to WPA2 or WPA3, or connect the box with a cable.' };
  if (s === 'enterprise') return { message: 'This network asks for a user name as well (enterprise Wi-Fi), which the box cannot give.', fix: 'Choose another network, or connect the box with a cable.' };
  return undefined;
}

/** What an attempt's outcome means, in the words the page shows. */
export function outcomeWords(r: JoinResult): string {
  switch (r.outcome) {
    case 'joined': return `Joined ${r.ssid} as ${r.address ?? 'an address the router chose'} — ${r.name}`;
    case 'wrong-password': return `The password for ${r.ssid} was not accepted. Check it and try again.`;
    case 'not-found': return `${r.ssid} was not found. Is it in range, and is the name exactly right (case matters)?`;
    case 'no-lease': return `The box joined ${r.ssid} but got no address (DHCP). Check the router.`;
    default: return r.message;
  }
}

/**
 * The outcome of the attempt at `ssid` (any, when the page did not start it), once a status holds it: a lastJoin that is not the one seen before the
 * attempt (`before`, its `at`), for that network, while the box no longer tries. The box's clock is not the phone's,
 * so only the box's own times are compared.
 */
export function attemptOutcome(s: WifiStatus, ssid: string | undefined, before: number | undefined): JoinResult | undefined {
  const r = s.lastJoin;
  return r && r.at !== before && (ssid === undefined || r.ssid === ssid) && s.mode !== 'joining' ? r : undefined;
}

/** What happens when the box tries a network, told before it does: it has one radio, so the hotspot goes. */
export function joinExplanation(ssid: string, s: Pick<WifiStatus, 'hotspot' | 'name'>): string[] {
  return [
    `The box leaves its hotspot to try ${ssid}.`,
    `If it joins, ${s.hotspot.ssid} disappears: connect your phone back to ${ssid} and open http://${s.name}/ (the page will tell you the box's address there).`,
    `If it cannot join, ${s.hotspot.ssid} comes back in about a minute: reconnect to it and this page tells you what went wrong.`,
  ];
}
