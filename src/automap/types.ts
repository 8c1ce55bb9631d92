// What every port-mapping client offers, whatever protocol it speaks.

import type { MappingProtocol } from '../config/index.js';

// The protocols are the mapping-protocol parameter's values: the parameter table owns the list.
export { MAPPING_PROTOCOLS, type MappingProtocol } from '../config/index.js';

/** A TCP port mapping granted by the router. */
export interface Mapping {
  protocol: MappingProtocol;
  /** The router's external address as it reported it (may be private behind double NAT). */
  externalAddress: string;
  /** The port outside; routers may grant another than the internal one (PCP, NAT-PMP). */
  externalPort: number;
  internalPort: number;
  /** Granted lifetime; 0 = permanent (only IGD grants that). */
  lifetimeSec: number;
  router: string;
}

export interface MappingClient {
  readonly protocol: MappingProtocol;
  readonly router: string;
  /** The router's external IPv4 address. */
  externalAddress(): Promise<string>;
  /** Maps TCP internalPort (asking for the same external port) for lifetimeSec ≥ 1; the same call renews it. */
  map(internalPort: number, lifetimeSec: number): Promise<Mapping>;
  /** Removes a mapping this client made. */
  unmap(mapping: Mapping): Promise<void>;
}

export function checkLifetime(lifetimeSec: number): void {
  // Lifetime 0 deletes a PCP or NAT-PMP mapping; permanence is only ever what a router grants.
  if (!Number.isInteger(lifetimeSec) || lifetimeSec < 1 || lifetimeSec > 0xffff_ffff) throw new RangeError('lifetimeSec must be an integer from 1 to 2^32-1');
}
