// The whole-home DNS mode's doors on the box (lan-dns): its DNS server on port 53 and its ports 80 and 443, which
// hand the home's traffic to the Node's proxy (docs/LAN.md). masq-setup runs them: port 80 is also its page, and
// systemd hands it all three sockets (masq-setup.socket, masq-lan-entry.socket) so it needs no privilege.

import { type Server, type Socket, createServer } from 'node:net';
import { interfaceSubnets, localSourceRule } from '../address-ranges/index.js';
import type { Logger } from '../system/index.js';
import { type DnsDoor, type Listen, openDnsDoor } from './dns-door.js';
import { type DnsView, type Interfaces, defaultGateways, dnsView } from './dns-policy.js';
import { type DoorLimits, type DoorSettings, type Doors, createDoors } from './doors.js';
import { Upstream } from './upstream.js';

export { defaultGateways, type DoorSettings, type Interfaces, type Listen };

export interface LanEntryOptions {
  /** Port 80, shared with the setup page. */
  http: Listen;
  /** Port 443; without it (the .deb before masq-lan-entry.socket is on) the mode cannot serve HTTPS. */
  tls?: Listen;
  /** Port 53 (UDP). */
  dns?: Listen;
  settings(): DoorSettings;
  ownNames(): ReadonlySet<string>;
  interfaces(): Interfaces;
  /** DNS servers for the box's own queries (its default gateways). */
  upstreams(): string[];
  /** Hands a connection to the setup page's server. */
  page(socket: Socket): void;
  log: Logger;
  limits?: Partial<DoorLimits>;
  /** The port upstream servers answer on (53; tests use another). */
  upstreamPort?: number;
}

export interface LanEntry {
  /** Ports bound (for an fd, what systemd bound). */
  ports: { http: number; tls?: number; dns?: number };
  doors: Doors;
  close(): Promise<void>;
}

function listenTcp(listen: Listen, onConnection: (s: Socket) => void): Promise<Server> {
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const done = (): void => {
      server.off('error', reject);
      resolve(server);
    };
    if ('fd' in listen) server.listen({ fd: listen.fd }, done);
    else server.listen({ port: listen.port, host: listen.host }, done);
  });
}

const portOf = (s: Server): number => {
  const a = s.address();
  return typeof a === 'object' && a !== null ? a.port : 0;
};

/** How long a look at the box's network ports serves every query and connection (a port's new address shows by then). */
const PORTS_MAX_AGE_MS = 2000;

export async function startLanEntry(o: LanEntryOptions): Promise<LanEntry> {
  let seen: { at: number; view: DnsView } | undefined;
  const ports = (): DnsView => {
    if (!seen || Date.now() - seen.at > PORTS_MAX_AGE_MS) {
      const ifs = o.interfaces();
      seen = { at: Date.now(), view: dnsView(false, ifs, localSourceRule(interfaceSubnets(ifs))) };
    }
    return seen.view;
  };
  const local = (ip: string): boolean => ports().local(ip);
  const doors = createDoors({ settings: o.settings, ownNames: o.ownNames, local, page: o.page, log: o.log, ...(o.limits ? { limits: o.limits } : {}) });
  const upstream = new Upstream({ servers: o.upstreams, ...(o.upstreamPort ? { port: o.upstreamPort } : {}), onError: (e) => o.log.debug(`DNS upstream: ${e instanceof Error ? e.message : String(e)}`) });
  const servers: Server[] = [];
  let dns: DnsDoor | undefined;
  const close = async (): Promise<void> => {
    doors.close();
    upstream.close();
    await Promise.all([...servers.map((s) => new Promise<void>((r) => s.close(() => r()))), dns?.close()]);
  };
  try {
    servers.push(await listenTcp(o.http, (s) => doors.http(s)));
    if (o.tls) servers.push(await listenTcp(o.tls, (s) => doors.tls(s)));
    if (o.dns) dns = await openDnsDoor({ listen: o.dns, upstream, log: o.log, view: () => ({ ...ports(), on: o.settings().on }) });
  } catch (e) {
    await close();
    throw e;
  }
  const [http, tls] = servers;
  return { ports: { http: portOf(http as Server), ...(tls ? { tls: portOf(tls) } : {}), ...(dns ? { dns: dns.port } : {}) }, doors, close };
}
