// The one table of where browsers and systems hide their own encrypted DNS (DNS over HTTPS or TLS), which goes around
// the box's DNS server and so around the whole-home DNS mode, and how to turn it off, as current menus name the steps.
// Pure: the dashboard's LAN card lists it, docs/LAN.md says the same in prose, the unit test checks it.

export interface DohSteps {
  where: string;
  steps: string;
}

export const DOH_SETTINGS: readonly DohSteps[] = [
  { where: 'Firefox', steps: 'Settings → Privacy & Security → DNS over HTTPS: Off. (Firefox also turns it off by itself on networks that ask it to, but not always.)' },
  { where: 'Chrome on a computer', steps: 'Settings → Privacy and security → Security → Use secure DNS: off.' },
  { where: 'Edge', steps: 'Settings → Privacy, search, and services → Security → Use secure DNS to specify how to lookup the network address for websites: off.' },
  { where: 'Chrome on Android', steps: 'Settings → Privacy and security → Use secure DNS: Off.' },
  { where: 'Android (Private DNS)', steps: 'Settings → Network & internet → Private DNS: Off, or Automatic (Automatic falls back to the box).' },
  { where: 'iPhone, iPad and Mac', steps: 'Safari uses the system\'s DNS; remove any DNS profile under Settings → General → VPN & Device Management, and turn off iCloud Private Relay (Settings → your name → iCloud).' },
  { where: 'Windows 11', steps: 'Settings → Network & internet → your connection → DNS server assignment → Edit: Automatic (DHCP), or the box\'s address with DNS over HTTPS Off.' },
];

/** What the whole-home DNS mode cannot carry, said the same wherever it is said. */
export const DNS_MODE_LIMITS: readonly string[] = [
  'Only web traffic on ports 80 and 443 (TCP): other ports, and apps with other protocols, are not carried.',
  'Nothing but TCP: HTTP/3 (QUIC) finds no answer at the box and browsers fall back to TCP by themselves; games and calls over UDP are not carried.',
  'A browser or phone with its own encrypted DNS asks elsewhere and goes around the box: turn it off as listed.',
  'A site that pins its own addresses, or a device given an address without asking DNS, goes around the box.',
];
