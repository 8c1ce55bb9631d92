// Making a mapping: one client per protocol, and the first protocol that works.

import { AutomapError } from './errors.js';
import { IgdClient, type IgdClientOptions } from './igd-client.js';
import { protocolOrder, type Attempt } from './order.js';
import { PcpClient } from './pcp-client.js';
import { PmpClient } from './pmp-client.js';
import type { Mapping, MappingClient, MappingProtocol } from './types.js';
import type { UdpClientOptions } from './udp.js';

export interface ClientOptions {
  /** PCP and NAT-PMP: the router's port (5351) and retransmission timing. */
  udp?: UdpClientOptions;
  /** UPnP IGD: where SSDP searches go, discovery and HTTP timeouts. */
  igd?: IgdClientOptions;
}

/** One client per protocol for the router at `router` (an IPv4 address, normally the default gateway). */
export function createClients(router: string, opts: ClientOptions = {}): Record<MappingProtocol, MappingClient> {
  return { pcp: new PcpClient(router, opts.udp), pmp: new PmpClient(router, opts.udp), igdp: new IgdClient(router, opts.igd) };
}

/**
 * Tries the protocols in order (the usual one first) until one maps the port. Every failure is an AutomapError
 * kept in `attempts`; anything else is a bug and is thrown.
 */
export async function mapFirst(clients: Record<MappingProtocol, MappingClient>, usual: MappingProtocol | undefined, internalPort: number, lifetimeSec: number): Promise<{ mapping?: Mapping; attempts: Attempt[] }> {
  const attempts: Attempt[] = [];
  for (const protocol of protocolOrder(usual)) {
    try {
      return { mapping: await clients[protocol].map(internalPort, lifetimeSec), attempts };
    } catch (error) {
      if (!(error instanceof AutomapError)) throw error;
      attempts.push({ protocol, error });
    }
  }
  return { attempts };
}
