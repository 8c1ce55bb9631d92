// The neighborhood subsystem's entry: the service, and what its users name.

export { type ConnectionStage, Neighborhood, type NeighborhoodOptions, type OwnRoute, PROBE_PAYLOAD_BYTES } from './service.js';
export { type ExitReport } from './exits.js';
export { MAX_DEGREE } from './acceptor.js';
export { keyOf, shortKey } from './database.js';
export type { PeerLinks, PeersOptions } from './peers.js';
export type { RoundTrip } from './routes.js';
