// PCP client: MAP requests to the router's port 5351. A mapping keeps its nonce for renewal and deletion (the
// router refuses to touch a mapping for another nonce). PCP has no "what is my address" request: every MAP answer
// carries the address, so while a mapping is held, asking for the address renews it. Without one, it asks as MASQ
// does, with a deleting MAP of port 9; miniupnpd refuses that (it cannot delete what does not exist), so a caller
// should map first.

import { randomBytes } from 'node:crypto';
import { AutomapError } from './errors.js';
import { NONCE_BYTES, PCP_PORT, decodeMapResponse, encodeMapRequest, type PcpMapResponse } from './pcp.js';
import { checkLifetime, type Mapping, type MappingClient } from './types.js';
import { DEFAULT_UDP_TIMING, exchange, type UdpClientOptions } from './udp.js';

const PROBE_PORT = 9;

interface Held {
  nonce: Buffer;
  lifetimeSec: number;
}

export class PcpClient implements MappingClient {
  readonly protocol = 'pcp' as const;
  /** Mappings made by this client, by internal port, in the order they were made. */
  private readonly held = new Map<number, Held>();

  constructor(readonly router: string, private readonly opts: UdpClientOptions = {}) {}

  private request(internalPort: number, lifetimeSec: number, nonce: Buffer): Promise<PcpMapResponse> {
    const target = { router: this.router, port: this.opts.port ?? PCP_PORT };
    return exchange(target,
      (clientAddress) => encodeMapRequest({ clientAddress, nonce, internalPort, suggestedExternalPort: lifetimeSec === 0 ? 0 : internalPort, lifetimeSec }),
      (answer) => decodeMapResponse(answer, { nonce, internalPort }),
      this.opts.timing ?? DEFAULT_UDP_TIMING);
  }

  async externalAddress(): Promise<string> {
    const last = [...this.held].at(-1);
    if (last) return (await this.map(last[0], last[1].lifetimeSec)).externalAddress;
    const { externalAddress } = await this.request(PROBE_PORT, 0, randomBytes(NONCE_BYTES));
    if (externalAddress === '0.0.0.0') throw new AutomapError('refused', 'The router answered PCP without its external address.');
    return externalAddress;
  }

  async map(internalPort: number, lifetimeSec: number): Promise<Mapping> {
    checkLifetime(lifetimeSec);
    const nonce = this.held.get(internalPort)?.nonce ?? randomBytes(NONCE_BYTES);
    const answer = await this.request(internalPort, lifetimeSec, nonce);
    if (answer.lifetimeSec === 0 || answer.externalPort === 0) throw new AutomapError('refused', 'The router answered the PCP MAP request without granting a mapping.');
    this.held.set(internalPort, { nonce, lifetimeSec });
    return { protocol: 'pcp', router: this.router, externalAddress: answer.externalAddress, externalPort: answer.externalPort, internalPort, lifetimeSec: answer.lifetimeSec };
  }

  async unmap(mapping: Mapping): Promise<void> {
    const nonce = this.held.get(mapping.internalPort)?.nonce;
    if (!nonce) throw new AutomapError('refused', `No PCP mapping of port ${mapping.internalPort} was made by this client.`, 'Nothing to remove; it expires by itself.');
    await this.request(mapping.internalPort, 0, nonce);
    this.held.delete(mapping.internalPort);
  }
}
