// The box as its home network's proxy (lan-consuming): where the proxy listens and whom it serves, read off the
// machine's network ports as they are at the Node's start. Pure: index.ts passes os.networkInterfaces() and the
// localSource of src/address-ranges.

import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { interfaceSubnets } from '../address-ranges/index.js';
import { ConfigError, type NodeConfig, PROXY_USER } from '../config/index.js';
import { HOTSPOT_NET } from '../portal/index.js';
import type { ProxyOptions } from '../proxy/index.js';

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

const ipv4 = (ifs: Interfaces): NetworkInterfaceInfo[] => Object.values(ifs).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4'));

/**
 * Every non-loopback IPv4 address of the machine's ports: where its LAN reaches it (a source outside the local
 * networks is refused and logged by the proxy). Never 0.0.0.0, never the setup hotspot's: its phones are there to
 * set the box up, and its firewall lets only the page through.
 */
export function lanAddresses(ifs: Interfaces): string[] {
  const serves = (i: NetworkInterfaceInfo): boolean => !i.internal && i.address !== '0.0.0.0' && i.address !== HOTSPOT_NET.address;
  return [...new Set(ipv4(ifs).filter(serves).map((i) => i.address))];
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
