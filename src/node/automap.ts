// A standard Node without --ip maps its clandestine port on the home router (src/automap): the keeper with the
// machine's default gateway, the three protocol clients, the protocol remembered in the store, and an ear for
// the router's address announcements.

import { type AutomapStatus, createClients, listenForAnnouncements, MappingKeeper, type MappingProtocol, readDefaultGateway } from '../automap/index.js';
import { storeRowOf } from '../config/index.js';
import type { Store } from '../store/index.js';
import { describeError, type Logger } from '../system/index.js';

export interface NodeAutomap {
  start(): Promise<AutomapStatus>;
  status(): AutomapStatus | undefined;
  close(): Promise<void>;
}

export function createNodeAutomap(o: {
  port: number;
  usual: MappingProtocol | undefined;
  lifetimeSec: number;
  store: Store;
  log: Logger;
  addressChanged(ip: string, port: number): void;
}): NodeAutomap {
  const log = o.log.child('Automap');
  const keeper = new MappingKeeper({
    internalPort: o.port,
    lifetimeSec: o.lifetimeSec,
    ...(o.usual ? { usual: o.usual } : {}),
    gateway: async () => {
      try {
        return (await readDefaultGateway())?.gateway;
      } catch (e) {
        // No routing table to read (an unusual sandbox): as good as no gateway, and said so.
        log.warn(`Cannot read the routing table: ${describeError(e)}`);
        return undefined;
      }
    },
    clients: (router) => createClients(router),
    remember: (protocol) => o.store.setConfig({ [storeRowOf('mapping-protocol')]: protocol }),
    addressChanged: o.addressChanged,
    log,
  });
  const ear = listenForAnnouncements((from) => keeper.announced(from), log);
  return {
    start: () => keeper.start(),
    status: () => keeper.status(),
    async close() {
      ear.close();
      await keeper.stop();
    },
  };
}
