// When the hotspot is up, as a pure state machine: events (network facts, the page's join, its outcome, the time)
// in, the wanted mode and the actions that get there out. No timers and no I/O, so every path is tested with a
// clock the test sets. The rules: any network (a wired link with an address, or Wi-Fi with one) means online and no
// hotspot; no network for `delayMs` after boot or after the last loss brings the hotspot up; a join takes the
// hotspot down, and a failed one brings it back at once; while the hotspot is up and nobody is on it, the box looks
// now and then for its saved network (a router that boots slower than the box after a power cut).

import type { WifiMode } from './api.js';

export interface PolicyConfig {
  /** How long without any network before the hotspot comes up (the hotspot-delay parameter). */
  delayMs: number;
  /** How often an idle hotspot looks for the saved network. */
  lookMs: number;
}

export interface PolicyState {
  mode: WifiMode;
  /** wlan0 exists. */
  radio: boolean;
  /** A wired interface has an address. */
  wired: boolean;
  /** wlan0 is a client with an address. */
  wifi: boolean;
  /** wpa_supplicant's file names a network: the client runs whenever the hotspot is down. */
  saved: boolean;
  /** Since when the box has had no network (boot, or the last loss), ms. */
  offlineSince: number;
  /** Phones on the hotspot. */
  stations: number;
  /** When the idle hotspot last looked for the saved network, ms. */
  lastLook: number;
}

export type PolicyEvent =
  | { kind: 'radio'; present: boolean }
  | { kind: 'wired'; up: boolean }
  | { kind: 'wifi'; up: boolean }
  | { kind: 'stations'; count: number }
  | { kind: 'tick' }
  | { kind: 'join-requested' }
  | { kind: 'saved-in-range' }
  | { kind: 'join-finished'; joined: boolean };

export type PolicyAction =
  | 'hotspot-up' | 'hotspot-down'
  | 'client-up' | 'client-down'
  /** Try the network the page asked for (the manager holds the request). */
  | 'join'
  /** Try the saved network again, as a join without a request. */
  | 'join-saved'
  /** Scan from the hotspot for the saved network; `saved-in-range` comes back when it is there. */
  | 'look-for-saved';

export interface Step {
  state: PolicyState;
  actions: PolicyAction[];
}

export function initialPolicy(now: number, radio: boolean, saved: boolean): Step {
  return {
    state: { mode: 'waiting', radio, wired: false, wifi: false, saved, offlineSince: now, stations: 0, lastLook: now },
    actions: radio && saved ? ['client-up'] : [],
  };
}

const online = (s: PolicyState): boolean => s.wired || s.wifi;

/** After a change of network facts: online ends the hotspot; losing the last network starts the delay. */
function settle(s: PolicyState, now: number): Step {
  if (s.mode === 'joining') return { state: s, actions: [] };
  if (online(s)) {
    const actions: PolicyAction[] = s.mode === 'hotspot' ? ['hotspot-down', ...(s.radio && s.saved ? ['client-up' as const] : [])] : [];
    return { state: { ...s, mode: 'online' }, actions };
  }
  if (s.mode === 'online') return { state: { ...s, mode: 'waiting', offlineSince: now }, actions: [] };
  return { state: s, actions: [] };
}

export function step(s: PolicyState, e: PolicyEvent, now: number, c: PolicyConfig): Step {
  switch (e.kind) {
    case 'wired':
      return settle({ ...s, wired: e.up }, now);
    case 'wifi':
      return settle({ ...s, wifi: e.up }, now);
    case 'stations':
      return { state: { ...s, stations: Math.max(0, e.count) }, actions: [] };
    case 'radio': {
      if (e.present === s.radio) return { state: s, actions: [] };
      if (e.present) return { state: { ...s, radio: true }, actions: s.saved && s.mode !== 'joining' ? ['client-up'] : [] };
      // The radio went away (a dongle pulled): what ran on it is gone; the files and the firewall go too.
      const gone: PolicyState = { ...s, radio: false, wifi: false, stations: 0 };
      if (s.mode !== 'hotspot') return settle(gone, now);
      return { state: { ...gone, mode: online(gone) ? 'online' : 'waiting', offlineSince: now }, actions: ['hotspot-down'] };
    }
    case 'tick':
      if (s.mode === 'waiting' && s.radio && now - s.offlineSince >= c.delayMs) {
        return { state: { ...s, mode: 'hotspot', stations: 0, lastLook: now }, actions: ['client-down', 'hotspot-up'] };
      }
      if (s.mode === 'hotspot' && s.saved && s.stations === 0 && now - s.lastLook >= c.lookMs) {
        return { state: { ...s, lastLook: now }, actions: ['look-for-saved'] };
      }
      return { state: s, actions: [] };
    case 'saved-in-range':
      // Someone joined the hotspot meanwhile: they are setting the box up, so it stays.
      if (s.mode !== 'hotspot' || s.stations > 0) return { state: s, actions: [] };
      return { state: { ...s, mode: 'joining' }, actions: ['hotspot-down', 'join-saved'] };
    case 'join-requested':
      if (s.mode === 'joining' || !s.radio) return { state: s, actions: [] };
      return { state: { ...s, mode: 'joining', wifi: false }, actions: [s.mode === 'hotspot' ? 'hotspot-down' : 'client-down', 'join'] };
    case 'join-finished': {
      if (s.mode !== 'joining') return { state: s, actions: [] };
      // The join's wpa_supplicant stays as the client on success, and is stopped by the join on failure.
      if (e.joined) return { state: { ...s, mode: 'online', wifi: true, saved: true }, actions: [] };
      if (s.wired) return { state: { ...s, mode: 'online' }, actions: s.saved ? ['client-up'] : [] };
      return { state: { ...s, mode: 'hotspot', stations: 0, lastLook: now }, actions: ['hotspot-up'] };
    }
  }
}
