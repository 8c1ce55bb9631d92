// Automap: the Node maps its port on the home router with PCP, NAT-PMP or UPnP IGD and learns its public address.
// Entry file: the client interface, the three clients, the first-that-works attempt over them, and the keeper.

export type { Mapping, MappingClient, MappingProtocol } from './types.js';
export { MAPPING_PROTOCOLS } from './types.js';
export { AutomapError, type AutomapReason } from './errors.js';
export { classify, protocolOrder, renewAt, PROTOCOL_NAMES, type Attempt, type AutomapStatus, type FailedStatus, type MappedStatus, type Outcome } from './order.js';
export { parseDefaultGateway, readDefaultGateway, type DefaultGateway } from './gateway.js';
export { IgdClient, type IgdClientOptions } from './igd-client.js';
export { PcpClient } from './pcp-client.js';
export { PmpClient } from './pmp-client.js';
export type { UdpClientOptions } from './udp.js';
export { type ClientOptions, createClients, mapFirst } from './map-first.js';
export { DEFAULT_UDP_TIMING, type UdpTiming } from './udp.js';

export { listenForAnnouncements } from './announcements.js';
export { MappingKeeper } from './keeper.js';
