// The text of each file the settings become on the box, made without I/O so tests read exactly what is written.

import type { ImagerWifi, KeyboardLayout } from './settings.js';

/** Where the files go, relative to the root being set up. */
export const PATHS = {
  hostname: 'etc/hostname',
  hosts: 'etc/hosts',
  sshdDropIn: 'etc/ssh/sshd_config.d/10-masq-imager.conf',
  sudoersDir: 'etc/sudoers.d',
  localtime: 'etc/localtime',
  timezone: 'etc/timezone',
  zoneinfo: 'usr/share/zoneinfo',
  keyboard: 'etc/default/keyboard',
  keyboardPackage: 'var/lib/dpkg/info/keyboard-configuration.list',
  wpaConf: 'etc/wpa_supplicant/wpa_supplicant-wlan0.conf',
  wirelessNetwork: 'etc/systemd/network/20-masq-wireless.network',
} as const;

/** /etc/hosts with the box's own name on 127.0.1.1 (sudo and others want it resolvable without DNS). */
export function hostsFile(current: string | undefined, name: string): string {
  const kept = (current ?? '127.0.0.1\tlocalhost\n').split('\n').filter((l) => !/^127\.0\.1\.1\s/.test(l));
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return `${[...kept, `127.0.1.1\t${name}`].join('\n')}\n`;
}

export const SSHD_KEY_ONLY = `# Raspberry Pi Imager asked for ssh by public key only (masq-firstboot-imager).
PasswordAuthentication no
KbdInteractiveAuthentication no
`;

export function sudoersRule(user: string): string {
  return `# Raspberry Pi Imager asked for sudo without a password (masq-firstboot-imager).\n${user} ALL=(ALL) NOPASSWD:ALL\n`;
}

export function sudoersFile(user: string): string {
  return `${PATHS.sudoersDir}/90-masq-imager-${user}`;
}

export function keyboardFile(k: KeyboardLayout): string {
  return `XKBMODEL="${k.model ?? 'pc105'}"\nXKBLAYOUT="${k.layout}"\nXKBVARIANT="${k.variant ?? ''}"\nXKBOPTIONS="${k.options ?? ''}"\n\nBACKSPACE="guess"\n`;
}

/** wpa_supplicant quotes a name only when it is plain text; anything else goes as hex. */
function ssidLine(ssid: Buffer): string {
  const text = ssid.toString('utf8');
  const plain = Buffer.from(text, 'utf8').equals(ssid) && !ssid.some((b) => b < 0x20 || b === 0x7f || b === 0x22 || b === 0x5c);
  return plain ? `\tssid="${text}"` : `\tssid=${ssid.toString('hex')}`;
}

export function wpaSupplicantConf(wifi: ImagerWifi, country: string | undefined): string {
  const lines = ['# Written from Raspberry Pi Imager\'s settings (masq-firstboot-imager).', 'ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev'];
  if (country) lines.push(`country=${country}`);
  lines.push('', 'network={', ssidLine(wifi.ssid));
  if (wifi.hidden) lines.push('\tscan_ssid=1');
  if (wifi.key.kind === 'open') lines.push('\tkey_mgmt=NONE');
  // WPA3 (SAE) needs the passphrase; a 64-hex-digit PSK joins WPA2. Management frames protected when the AP can.
  else if (wifi.key.kind === 'psk') lines.push('\tkey_mgmt=WPA-PSK WPA-PSK-SHA256', `\tpsk=${wifi.key.hex}`, '\tieee80211w=1');
  // wpa_supplicant ends a quoted value at its last quote, so a quote inside the passphrase needs no escape.
  else lines.push('\tkey_mgmt=WPA-PSK WPA-PSK-SHA256 SAE', `\tpsk="${wifi.key.text}"`, '\tieee80211w=1');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export const WIRELESS_NETWORK = `# The Wi-Fi network set with Raspberry Pi Imager (masq-wifi joins it): DHCP, like the wired ports.
[Match]
Name=wlan*

[Network]
DHCP=yes
`;

/** The SSID for a log line: printable, never a secret. */
export function ssidForLog(ssid: Buffer): string {
  return JSON.stringify(ssid.toString('utf8')).slice(0, 80);
}
