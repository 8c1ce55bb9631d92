// NAT-PMP client: requests to the router's port 5351. The map answer carries no address, so a mapping asks for
// the external address first.

import { AutomapError } from './errors.js';
import { decodeAddressResponse, decodeMapResponse, encodeAddressRequest, encodeMapRequest, type PmpMapResponse } from './natpmp.js';
import { PCP_PORT } from './pcp.js';
import { checkLifetime, type Mapping, type MappingClient } from './types.js';
import { DEFAULT_UDP_TIMING, exchange, type UdpClientOptions } from './udp.js';

export class PmpClient implements MappingClient {
  readonly protocol = 'pmp' as const;

  constructor(readonly router: string, private readonly opts: UdpClientOptions = {}) {}

  private ask<T>(request: Buffer, decode: (answer: Buffer) => T): Promise<T> {
    return exchange({ router: this.router, port: this.opts.port ?? PCP_PORT }, () => request, decode, this.opts.timing ?? DEFAULT_UDP_TIMING);
  }

  private request(internalPort: number, suggestedExternalPort: number, lifetimeSec: number): Promise<PmpMapResponse> {
    return this.ask(encodeMapRequest(internalPort, suggestedExternalPort, lifetimeSec), (a) => decodeMapResponse(a, internalPort));
  }

  async externalAddress(): Promise<string> {
    return (await this.ask(encodeAddressRequest(), decodeAddressResponse)).externalAddress;
  }

  async map(internalPort: number, lifetimeSec: number): Promise<Mapping> {
    checkLifetime(lifetimeSec);
    const externalAddress = await this.externalAddress();
    const answer = await this.request(internalPort, internalPort, lifetimeSec);
    if (answer.lifetimeSec === 0 || answer.externalPort === 0) throw new AutomapError('refused', 'The router answered the NAT-PMP map request without granting a mapping.');
    return { protocol: 'pmp', router: this.router, externalAddress, externalPort: answer.externalPort, internalPort, lifetimeSec: answer.lifetimeSec };
  }

  async unmap(mapping: Mapping): Promise<void> {
    // RFC 6886 §3.4: lifetime 0 and suggested external port 0 delete the mapping.
    await this.request(mapping.internalPort, 0, 0);
  }
}
