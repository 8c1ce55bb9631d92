// dnsmasq's configuration for the hotspot: DHCP for the phones that join, and a DNS that answers every name with
// the box, so that every plain-HTTP probe a phone sends lands on the page's server (answer.ts). Pure: masq-wifi
// writes the text to a file and runs `dnsmasq --keep-in-foreground --conf-file=<file>`.

import { MasqError } from '../system/index.js';
import { CAPTIVE_API_URL, HOTSPOT_NET } from './hotspot-net.js';

export interface DnsmasqOptions {
  /** The hotspot's interface (wlan0). */
  iface: string;
  /** Where dnsmasq keeps its leases (absolute); left to the command line when absent (masq-wifi gives it there). */
  leaseFile?: string;
  /** Where dnsmasq writes its pid (absolute); left to the command line when absent. */
  pidFile?: string;
}

/** DHCP option 114 (RFC 8910, captive portal): where the RFC 8908 API is. */
export const DHCP_OPTION_CAPTIVE_PORTAL = 114;
/** Enough for the few names a phone asks for while it sets a box up. */
const CACHE_SIZE = 150;

// Linux's own limit (IFNAMSIZ - 1); no spaces, slashes or anything else a config line would take as syntax.
const IFACE = /^[A-Za-z0-9_.-]{1,15}$/;
// A path goes into a config line as is: only characters dnsmasq reads literally (no space, '#', quotes).
const PATH = /^\/[A-Za-z0-9_./-]{1,4095}$/;

function checked(what: string, value: string, pattern: RegExp, shape: string): string {
  if (!pattern.test(value) || value === '.' || value === '..' || value.split('/').includes('..')) {
    throw new MasqError('CONFIG_INVALID', `The hotspot's ${what} '${value.slice(0, 80)}' cannot go into dnsmasq's configuration.`, `Give ${shape}.`);
  }
  return value;
}

export function dnsmasqConfig(opts: DnsmasqOptions): string {
  const iface = checked('interface', opts.iface, IFACE, '1 to 15 letters, digits, \'.\', \'_\' or \'-\' (like wlan0)');
  const path = (what: string, value: string | undefined, key: string): string[] =>
    value === undefined ? [] : [`${key}=${checked(what, value, PATH, 'an absolute path of letters, digits, \'.\', \'_\', \'-\' and \'/\'')}`];
  const box = HOTSPOT_NET.address;
  return [
    '# The MASQ box\'s setup hotspot (written by masq-wifi; changes are lost).',
    // Only the hotspot: never the home LAN the box joins later, nor loopback (dnsmasq adds lo unless told not to).
    `interface=${iface}`,
    'except-interface=lo',
    'bind-interfaces',
    // No upstream and no local names: the hotspot leads nowhere but to the box.
    'no-resolv',
    'no-hosts',
    `cache-size=${CACHE_SIZE}`,
    // Every name is the box, for A queries. Every name is also answered here alone (local=), so a AAAA query gets
    // an empty answer rather than REFUSED: a phone does not wait on IPv6 it cannot use, nor take DNS as broken.
    `address=/#/${box}`,
    'local=/#/',
    `dhcp-range=${HOTSPOT_NET.dhcpFirst},${HOTSPOT_NET.dhcpLast},${prefixMask(HOTSPOT_NET.prefix)},${HOTSPOT_NET.leaseSeconds}`,
    `dhcp-option=option:router,${box}`,
    `dhcp-option=option:dns-server,${box}`,
    // RFC 8910: tells a phone at once where the RFC 8908 API is; the probes remain for the phones that ignore it.
    `dhcp-option=${DHCP_OPTION_CAPTIVE_PORTAL},"${CAPTIVE_API_URL}"`,
    // The only DHCP server here: a phone asking for an address from another network gets a NAK at once.
    'dhcp-authoritative',
    ...path('lease file', opts.leaseFile, 'dhcp-leasefile'),
    ...path('pid file', opts.pidFile, 'pid-file'),
    '',
  ].join('\n');
}

function prefixMask(prefix: number): string {
  const bits = 2 ** 32 - 2 ** (32 - prefix);
  return [24, 16, 8, 0].map((s) => Math.floor(bits / 2 ** s) % 256).join('.');
}
