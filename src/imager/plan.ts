// Settings → the list of things to do to the box, in order, without doing any. On the running box (live) the plan
// also names the commands that make the settings take effect in this boot (the hostname, the Wi-Fi unit).

import { ssidForLog } from './render.js';
import type { ImagerSettings, ImagerUser, ImagerWifi, KeyboardLayout } from './settings.js';

export type Action =
  | { kind: 'hostname'; name: string }
  | { kind: 'user'; user: ImagerUser }
  | { kind: 'authorized-keys'; user: string; keys: string[] }
  | { kind: 'sudoers'; user: string }
  | { kind: 'ssh-password-auth'; allowed: boolean }
  | { kind: 'timezone'; zone: string }
  | { kind: 'keyboard'; keyboard: KeyboardLayout }
  | { kind: 'wifi'; wifi: ImagerWifi; country?: string }
  | { kind: 'run'; what: string; command: string; args: string[] };

/** The box's Wi-Fi manager, which joins the network in wpa_supplicant's file (or opens the setup hotspot). */
export const WIFI_UNIT = 'masq-wifi.service';

export interface Plan {
  actions: Action[];
  notes: string[];
}

function userActions(u: ImagerUser): Action[] {
  const out: Action[] = [{ kind: 'user', user: u }];
  if (u.sshKeys.length > 0) out.push({ kind: 'authorized-keys', user: u.name, keys: u.sshKeys });
  if (u.passwordlessSudo) out.push({ kind: 'sudoers', user: u.name });
  return out;
}

export function planActions(s: ImagerSettings, opts: { live: boolean }): Plan {
  const actions: Action[] = [];
  const notes = [...s.notes];
  if (s.hostname) {
    actions.push({ kind: 'hostname', name: s.hostname });
    if (opts.live) actions.push({ kind: 'run', what: `the running hostname ${s.hostname}`, command: 'hostname', args: [s.hostname] });
  }
  for (const u of s.users) actions.push(...userActions(u));
  if (s.sshPasswordAuthentication !== undefined) {
    actions.push({ kind: 'ssh-password-auth', allowed: s.sshPasswordAuthentication });
    if (!s.sshPasswordAuthentication && !s.users.some((u) => u.sshKeys.length > 0)) {
      notes.push('ssh is by key only but no user has a key: ssh logins fail until one is added (the setup page still works)');
    }
  }
  if (s.timezone) actions.push({ kind: 'timezone', zone: s.timezone });
  if (s.keyboard) actions.push({ kind: 'keyboard', keyboard: s.keyboard });
  if (s.wifi) {
    actions.push({ kind: 'wifi', wifi: s.wifi, country: s.wifiCountry });
    if (!s.wifiCountry) notes.push('no wireless country is given: the radio keeps to the world regulatory domain');
    // Written while the manager may already run (a live apply): it reads the file again when restarted.
    if (opts.live) actions.push({ kind: 'run', what: `the Wi-Fi manager ${WIFI_UNIT}`, command: 'systemctl', args: ['try-restart', '--no-block', WIFI_UNIT] });
  }
  return { actions, notes };
}

/** One line for the journal: what the action does, never a secret. */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'hostname': return `hostname ${a.name}`;
    case 'user': return `user ${a.user.name} (${a.user.passwordHash && !a.user.lockPassword ? 'password set' : 'password login locked'}, shell ${a.user.shell})`;
    case 'authorized-keys': return `${a.keys.length} ssh key(s) for ${a.user}`;
    case 'sudoers': return `sudo without a password for ${a.user}`;
    case 'ssh-password-auth': return a.allowed ? 'ssh password logins allowed' : 'ssh by public key only';
    case 'timezone': return `time zone ${a.zone}`;
    case 'keyboard': return `keyboard layout ${a.keyboard.layout}`;
    case 'wifi': return `Wi-Fi network ${ssidForLog(a.wifi.ssid)} (${a.wifi.key.kind === 'open' ? 'open' : 'WPA'}${a.wifi.hidden ? ', hidden' : ''}, country ${a.country ?? 'not set'})`;
    case 'run': return a.what;
  }
}
