// The files masq-wifi writes, made without I/O so tests read exactly what goes to disk: hostapd's configuration,
// wpa_supplicant's (the same file Raspberry Pi Imager's settings become, see src/imager/render.ts), and the
// systemd-networkd files that give wlan0 its address in either role. Keys only as 64-hex PSKs, never passphrases.

export interface HotspotSettings {
  iface: string;
  ssid: string;
  /** The 64-hex-digit PSK of the hotspot's passphrase. */
  psk: string;
  channel: number;
  /** Two letters, or '' while unset (the radio then keeps to the world regulatory domain). */
  country: string;
}

export function hostapdConf(h: HotspotSettings): string {
  const lines = [
    '# MASQ-Setup hotspot (masq-wifi writes this file at each start of the hotspot).',
    `interface=${h.iface}`, 'driver=nl80211', `ssid=${h.ssid}`, 'hw_mode=g', `channel=${h.channel}`,
    'auth_algs=1', 'wpa=2', 'wpa_key_mgmt=WPA-PSK', 'rsn_pairwise=CCMP', `wpa_psk=${h.psk}`,
    // Phones on the hotspot see the box and nothing of each other.
    'ap_isolate=1',
  ];
  if (h.country) lines.push(`country_code=${h.country}`, 'ieee80211d=1');
  return `${lines.join('\n')}\n`;
}

/** A network name wpa_supplicant reads back byte for byte: quoted when plain printable ASCII, else hex. */
export function wpaSsid(ssid: Buffer): string {
  return ssid.every((b) => b >= 0x20 && b < 0x7f && b !== 0x22) ? `"${ssid.toString('latin1')}"` : ssid.toString('hex');
}

export interface ClientNetwork {
  ssid: Buffer;
  /** 64-hex-digit PSK; absent for an open network. */
  psk?: string;
  hidden: boolean;
  country: string;
}

/** wpa_supplicant-wlan0.conf for one network. No ctrl_interface: nothing but masq-wifi drives this wpa_supplicant. */
export function wpaClientConf(n: ClientNetwork): string {
  const lines = ['# The Wi-Fi network joined from the setup page (masq-wifi).'];
  if (n.country) lines.push(`country=${n.country}`);
  lines.push('', 'network={', `\tssid=${wpaSsid(n.ssid)}`);
  if (n.hidden) lines.push('\tscan_ssid=1');
  // WPA2 and WPA2/WPA3 networks take the PSK; management frames protected when the access point can.
  if (n.psk === undefined) lines.push('\tkey_mgmt=NONE');
  else lines.push('\tkey_mgmt=WPA-PSK WPA-PSK-SHA256', `\tpsk=${n.psk}`, '\tieee80211w=1');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export const MAX_WPA_CONF_BYTES = 64 * 1024;

/**
 * The saved file as masq-wifi's wpa_supplicant runs it: without ctrl_interface lines (Imager writes one, and the
 * sandbox lets nobody create /run/wpa_supplicant; masq-wifi needs no control socket) and, for a file too large to
 * be a Wi-Fi configuration, nothing.
 */
export function clientCopy(saved: string): string | undefined {
  if (Buffer.byteLength(saved, 'utf8') > MAX_WPA_CONF_BYTES) return undefined;
  return saved.split('\n').filter((l) => !/^\s*ctrl_interface(_group)?=/.test(l)).join('\n');
}

/** Whether a saved file names a network to join at all. */
export function hasNetwork(saved: string): boolean {
  return /^\s*network=\{/m.test(saved.slice(0, MAX_WPA_CONF_BYTES));
}

/** wlan0 in hotspot mode: the hotspot's fixed address and nothing else (no DHCP client, no IPv6 link-local). */
export function hotspotNetworkFile(iface: string, address: string, prefix: number): string {
  return `# The MASQ-Setup hotspot's address (masq-wifi; removed when the hotspot goes down).
[Match]
Name=${iface}

[Link]
RequiredForOnline=no

[Network]
Address=${address}/${prefix}
DHCP=no
LinkLocalAddressing=no
IPv6AcceptRA=no
ConfigureWithoutCarrier=yes
`;
}

/** Wi-Fi as a client: DHCP, as Imager's settings have it (written only when the image's file is absent). */
export const WIRELESS_NETWORK_FILE = `# A Wi-Fi network joined with wpa_supplicant (masq-wifi, or Raspberry Pi Imager's settings): DHCP.
[Match]
Name=wlan*

[Network]
DHCP=yes
`;

/**
 * dnsmasq's command line. It would switch to user nobody and group dip, which needs CAP_SETUID and CAP_SETGID: the
 * unit grants neither (to any of its programs), so dnsmasq keeps its user (--user=root) and group (an empty
 * --group=), inside masq-wifi's sandbox with the network capabilities only. Measured with dnsmasq 2.90 under that
 * bounding set: the defaults fail ("failed to change group-id"), these start. No pid file and the leases in
 * masq-wifi's own directory (the sandbox's /run and /var/lib are read-only); its log on stderr, which masq-wifi reads.
 */
export function dnsmasqArgs(confPath: string, leasesPath: string): string[] {
  return ['--keep-in-foreground', `--conf-file=${confPath}`, '--pid-file=', '--user=root', '--group=', '--log-facility=-', `--dhcp-leasefile=${leasesPath}`];
}

/** The options dnsmasqArgs owns: a file's value would win over the command line's (measured), so the file must not set them. */
const OWNED_DNSMASQ_KEYS = /^[ \t]*(pid-file|user|group|log-facility|dhcp-leasefile|conf-file|conf-dir|keep-in-foreground)\b/m;

/** Why the portal's dnsmasq configuration cannot be used here, or undefined. */
export function dnsmasqConfProblem(text: string): string | undefined {
  const m = OWNED_DNSMASQ_KEYS.exec(text);
  return m ? `the hotspot's dnsmasq configuration sets ${m[1]}, which masq-wifi gives on dnsmasq's command line` : undefined;
}
