// UPnP IGD client: discovers the router's device by SSDP, reads its description, then drives the WAN connection
// service with SOAP over bounded HTTP. The service found is kept until a call to it cannot reach the router.

import { discoverIgd, type DiscoveryOptions } from './discover.js';
import { AutomapError } from './errors.js';
import { httpCall, HTTP_TIMEOUT_MS } from './http.js';
import {
  UpnpFault, addPortMappingRequest, deletePortMappingRequest, externalAddressOf, getExternalAddressRequest, parseDescription,
  parseSoapResponse, wantsPermanentLease, type IgdService, type SoapAction, type SoapRequest,
} from './igd.js';
import { SSDP_PORT } from './ssdp.js';
import { checkLifetime, type Mapping, type MappingClient } from './types.js';
import { localAddressToward } from './udp.js';

export interface IgdClientOptions extends DiscoveryOptions {
  httpTimeoutMs?: number;
}

export class IgdClient implements MappingClient {
  readonly protocol = 'igdp' as const;
  private service: IgdService | undefined;

  constructor(readonly router: string, private readonly opts: IgdClientOptions = {}) {}

  private async findService(): Promise<IgdService> {
    if (this.service) return this.service;
    const { location } = await discoverIgd(this.router, this.opts);
    const answer = await httpCall(location, { method: 'GET', timeoutMs: this.opts.httpTimeoutMs ?? HTTP_TIMEOUT_MS });
    if (answer.status !== 200) throw new AutomapError('malformed', `The router's device description at ${location} answered HTTP ${answer.status}.`);
    this.service = parseDescription(answer.body, location);
    return this.service;
  }

  private async call(action: SoapAction, build: (serviceType: string) => SoapRequest): Promise<Map<string, string>> {
    const service = await this.findService();
    const { soapAction, body } = build(service.serviceType);
    try {
      const answer = await httpCall(service.controlUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset="utf-8"', SOAPAction: soapAction },
        body,
        timeoutMs: this.opts.httpTimeoutMs ?? HTTP_TIMEOUT_MS,
      });
      return parseSoapResponse(answer.status, answer.body, action);
    } catch (e) {
      // The router may have restarted on another port; discover again next time.
      if (e instanceof AutomapError && e.reason === 'no-answer') this.service = undefined;
      throw e;
    }
  }

  async externalAddress(): Promise<string> {
    return externalAddressOf(await this.call('GetExternalIPAddress', getExternalAddressRequest));
  }

  async map(internalPort: number, lifetimeSec: number): Promise<Mapping> {
    checkLifetime(lifetimeSec);
    const externalAddress = await this.externalAddress();
    // NewInternalClient must be the address the router sees us at; many routers refuse mappings for other hosts.
    const client = await localAddressToward(this.router, SSDP_PORT);
    const add = (lease: number) => this.call('AddPortMapping', (type) => addPortMappingRequest(type, internalPort, client, lease));
    let granted = lifetimeSec;
    try {
      await add(lifetimeSec);
    } catch (e) {
      if (!(e instanceof UpnpFault) || !wantsPermanentLease(e, lifetimeSec)) throw e;
      granted = 0;
      await add(0);
    }
    return { protocol: 'igdp', router: this.router, externalAddress, externalPort: internalPort, internalPort, lifetimeSec: granted };
  }

  async unmap(mapping: Mapping): Promise<void> {
    await this.call('DeletePortMapping', (type) => deletePortMappingRequest(type, mapping.externalPort));
  }
}
