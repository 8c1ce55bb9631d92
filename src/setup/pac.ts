// The proxy auto-configuration file (PAC) devices of the home network fetch from the box: the box's own names and
// the private ranges go DIRECT, everything else through the box's proxy (HTTP proxy, else SOCKS5, on one port).
// Pure; the address and the port are checked before they go into the script, so nothing else can reach its code.

import { isIP } from 'node:net';
import { MasqError } from '../system/index.js';

export const PAC_CONTENT_TYPE = 'application/x-ns-proxy-autoconfig';

/** The ranges a device reaches without the box: its own network, loopback (the PAC's isInNet takes a mask). */
export const PAC_DIRECT_NETS: ReadonlyArray<readonly [network: string, mask: string]> = [
  ['10.0.0.0', '255.0.0.0'],
  ['172.16.0.0', '255.240.0.0'],
  ['192.168.0.0', '255.255.0.0'],
  ['127.0.0.0', '255.0.0.0'],
];

export interface PacTarget {
  /** The box's IPv4 address as the device reaches it. */
  address: string;
  proxyPort: number;
  /** The box's own names (masq-xxxx; its .local name is covered by the .local rule); others than host names are left out. */
  boxNames: readonly string[];
}

const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function pacScript(t: PacTarget): string {
  if (isIP(t.address) !== 4) throw new MasqError('USAGE', `The PAC file needs the box's IPv4 address, not '${t.address.slice(0, 60)}'.`, 'Open the PAC file at the box\'s IPv4 address, such as http://192.168.1.20/proxy.pac.');
  if (!Number.isInteger(t.proxyPort) || t.proxyPort < 1 || t.proxyPort > 65535) throw new MasqError('CONFIG_INVALID', `The proxy port ${t.proxyPort} is not a port.`, 'Set proxy-port to a number from 1 to 65535.');
  // A name no URL can carry (an odd host name) would match no host anyway; checked, nothing else reaches the code.
  const names = t.boxNames.map((n) => n.toLowerCase()).filter((n) => HOST_NAME.test(n));
  const proxy = `${t.address}:${t.proxyPort}`;
  // JSON.stringify of checked values: a quoted JavaScript string literal, whatever it holds.
  const own = JSON.stringify([...names, t.address]);
  return [
    `// The MASQ box's proxy for this network's devices: the box, local names and private ranges directly, the rest through ${proxy}.`,
    'function FindProxyForURL(url, host) {',
    '  host = host.toLowerCase();',
    `  var own = ${own};`,
    '  for (var i = 0; i < own.length; i++) if (host === own[i]) return "DIRECT";',
    '  if (isPlainHostName(host) || dnsDomainIs(host, ".local")) return "DIRECT";',
    // Addresses only: isInNet on a name would resolve it on the device, and the device's DNS would learn every site.
    '  if (/^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$/.test(host)) {',
    ...PAC_DIRECT_NETS.map(([net, mask]) => `    if (isInNet(host, ${JSON.stringify(net)}, ${JSON.stringify(mask)})) return "DIRECT";`),
    '  }',
    `  return ${JSON.stringify(`PROXY ${proxy}; SOCKS5 ${proxy}`)};`,
    '}',
    '',
  ].join('\n');
}
