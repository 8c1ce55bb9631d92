// What Raspberry Pi Imager asked for, read from any of its files: one typed value that the planner turns into
// actions. Parsers fill what their file carries; mergeSettings joins the files' parts.

/** The files Imager writes to the boot partition (FAT) that carry settings. */
export const IMAGER_FILES = ['user-data', 'network-config', 'firstrun.sh'] as const;
export type ImagerFile = (typeof IMAGER_FILES)[number];

/** The groups Imager gives its user on Raspberry Pi OS; the applier keeps those that exist on the box. */
export const IMAGER_DEFAULT_GROUPS = ['users', 'adm', 'dialout', 'audio', 'netdev', 'video', 'plugdev', 'cdrom', 'games',
  'input', 'gpio', 'spi', 'i2c', 'render', 'sudo'] as const;

export interface ImagerUser {
  name: string;
  /** Groups asked for; the applier keeps those that exist and adds sudo and masq-admin. */
  groups: string[];
  shell: string;
  /** A crypt hash ($y$, $6$ or $5$); never a plain password. */
  passwordHash?: string;
  /** Password login off (cloud-init's lock_passwd, true unless said otherwise). */
  lockPassword: boolean;
  sshKeys: string[];
  /** sudo without a password (Imager's "passwordless sudo", cloud-init's sudo: ALL=(ALL) NOPASSWD:ALL). */
  passwordlessSudo: boolean;
}

/** How the Wi-Fi network is joined: open, a 64-hex-digit PSK, or a WPA passphrase of 8 to 63 characters. */
export type WifiKey = { kind: 'open' } | { kind: 'psk'; hex: string } | { kind: 'passphrase'; text: string };

export interface ImagerWifi {
  /** The SSID's octets (1 to 32). */
  ssid: Buffer;
  key: WifiKey;
  hidden: boolean;
}

export interface KeyboardLayout {
  layout: string;
  model?: string;
  variant?: string;
  options?: string;
}

export interface ImagerSettings {
  hostname?: string;
  users: ImagerUser[];
  /** false: ssh by key only (an sshd drop-in turns passwords off); true: passwords allowed (Debian's default). */
  sshPasswordAuthentication?: boolean;
  timezone?: string;
  keyboard?: KeyboardLayout;
  wifi?: ImagerWifi;
  /** The wireless regulatory country, two capital letters. */
  wifiCountry?: string;
  /** What was read but is not applied, and why: never a secret. */
  notes: string[];
}

export function emptySettings(): ImagerSettings {
  return { users: [], notes: [] };
}

/** Joins the files' settings: the first file that sets a value wins; users are joined by name, the first kept. */
export function mergeSettings(parts: readonly ImagerSettings[]): ImagerSettings {
  const out = emptySettings();
  for (const p of parts) {
    out.hostname ??= p.hostname;
    out.sshPasswordAuthentication ??= p.sshPasswordAuthentication;
    out.timezone ??= p.timezone;
    out.keyboard ??= p.keyboard;
    out.wifi ??= p.wifi;
    out.wifiCountry ??= p.wifiCountry;
    out.notes.push(...p.notes);
    for (const u of p.users) {
      if (out.users.some((o) => o.name === u.name)) out.notes.push(`user ${u.name} is set twice: the first is applied`);
      else out.users.push(u);
    }
  }
  return out;
}

/** The secret values a log line must never show (registered with the logger, which scrubs them). */
export function settingsSecrets(s: ImagerSettings): string[] {
  const out: string[] = [];
  for (const u of s.users) if (u.passwordHash) out.push(u.passwordHash);
  if (s.wifi?.key.kind === 'psk') out.push(s.wifi.key.hex);
  if (s.wifi?.key.kind === 'passphrase') out.push(s.wifi.key.text);
  return out;
}
