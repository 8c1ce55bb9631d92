// The box as its home network's proxy (lan-consuming): where the proxy listens and whom it serves, read off the
// machine's network ports as they are at the Node's start. Pure: index.ts passes os.networkInterfaces() and the
// localSource of src/address-ranges.

import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { isPrivateAddress } from '../address-ranges/index.js';
import { ConfigError, type NodeConfig, PROXY_USER } from '../config/index.js';
import { HOTSPOT_NET } from '../portal/index.js';
import type { ProxyOptions } from '../proxy/index.js';

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const ipv4 = (ifs: Interfaces): NetworkInterfaceInfo[] => Object.values(ifs).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4'));

const toInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const toDotted = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

/**
 * Every non-loopback IPv4 address of the machine's ports: where its LAN reaches it (a source outside the local
 * networks is refused and logged by the proxy). Never 0.0.0.0, never the setup hotspot's: its phones are there to
 * set the box up, and its firewall lets only the page through.
 */
export function lanAddresses(ifs: Interfaces): string[] {
  const serves = (i: NetworkInterfaceInfo): boolean => !i.internal && i.address !== '0.0.0.0' && i.address !== HOTSPOT_NET.address;
  return [...new Set(ipv4(ifs).filter(serves).map((i) => i.address))];
}

/**
 * The IPv4 networks of the machine's ports as network/prefix, loopback's included (this machine's own clients). A
 * network outside the private ranges on a port (a server's uplink, a public block) is the internet, not a home
 * network, and is left out.
 */
export function interfaceSubnets(ifs: Interfaces): string[] {
  const nets = ipv4(ifs).map((i) => {
    const prefix = i.netmask.split('.').reduce((n, part) => n + Number(part).toString(2).replace(/0/g, '').length, 0);
    const network = toDotted(prefix === 0 ? 0 : (toInt(i.address) & toInt(i.netmask)) >>> 0);
    return { cidr: `${network}/${prefix}`, local: i.internal || isPrivateAddress(network) };
  });
  return [...new Set(nets.filter((n) => n.local).map((n) => n.cidr))];
}

/** How the proxy is started: its ProxyOptions of listening and admission, and the LAN addresses among them. */
export interface ProxyListening extends Pick<ProxyOptions, 'host' | 'hosts' | 'sourceAllowed' | 'credentials'> {
  lan: string[];
}

export function proxyListening(
  c: Pick<NodeConfig, 'lanConsuming' | 'proxyAddress' | 'proxyPassword'>,
  ifs: Interfaces,
  localSource: (ip: string, subnets: readonly string[]) => boolean,
): ProxyListening {
  if (!c.lanConsuming) return { host: c.proxyAddress, lan: [] };
  if (isIP(c.proxyAddress) !== 4) {
    throw new ConfigError('proxy-address', `With lan-consuming on, proxy-address must be an IPv4 address of this machine, not ${c.proxyAddress}. Set it to 127.0.0.1: the local network's addresses are added by themselves.`);
  }
  if (c.proxyAddress === '0.0.0.0') {
    throw new ConfigError('proxy-address', 'With lan-consuming on, proxy-address must not be 0.0.0.0: that would open the proxy on every address, public ones too. Set it to 127.0.0.1: the local network\'s addresses are added by themselves.');
  }
  const lan = lanAddresses(ifs).filter((a) => a !== c.proxyAddress);
  const subnets = interfaceSubnets(ifs);
  return {
    host: c.proxyAddress,
    hosts: [c.proxyAddress, ...lan],
    sourceAllowed: (ip) => localSource(ip, subnets),
    ...(c.proxyPassword !== undefined ? { credentials: { user: PROXY_USER, password: c.proxyPassword } } : {}),
    lan,
  };
}
