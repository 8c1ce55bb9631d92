// Signed node records and databases for the neighborhood unit tests.

import { type NodeIdentity, generateIdentity } from '../../src/crypto/identity.js';
import type { Opened } from '../../src/neighborhood/acceptor.js';
import { NeighborhoodDatabase, keyOf } from '../../src/neighborhood/database.js';
import { type NodeAddress, type NodeRecord, signRecord } from '../../src/wire/node-record.js';

export const CHAIN_ID = 2;
export const RATES = { routingByteRate: 1n, routingServiceRate: 10n, exitByteRate: 2n, exitServiceRate: 20n };

export interface TestNode {
  id: NodeIdentity;
  key: string;
  ip: string;
}

let next = 1;
export function testNode(): TestNode {
  const id = generateIdentity();
  return { id, key: keyOf(id.publicKey), ip: `10.0.0.${next++ % 250}` };
}

export interface RecordOptions {
  version?: number;
  neighbors?: TestNode[];
  accepts?: boolean;
  /** true: the node's own address; a NodeAddress: that one; absent: none. */
  address?: true | NodeAddress;
  ratePack?: typeof RATES;
}

export function opened(n: TestNode, o: RecordOptions = {}): Opened {
  const record: NodeRecord = {
    publicKey: n.id.publicKey, version: o.version ?? 1, earningWallet: Buffer.alloc(20, 1), ratePack: o.ratePack ?? RATES,
    acceptsConnections: o.accepts ?? true, routesData: true, neighbors: (o.neighbors ?? []).map((x) => x.id.publicKey),
  };
  const address = o.address === true ? { ip: n.ip, ports: [5000] } : o.address;
  return { signed: { ...signRecord(n.id, CHAIN_ID, record), ...(address ? { address } : {}) }, record };
}

/** A database whose root is `root` listing `rootNeighbors`, holding the other records given. */
export function database(root: TestNode, rootNeighbors: TestNode[], others: Opened[]): NeighborhoodDatabase {
  const db = new NeighborhoodDatabase(root.key);
  const r = opened(root, { neighbors: rootNeighbors, address: true });
  db.setRoot(r.signed, r.record, 0);
  for (const o of others) db.update(o.signed, o.record, 0);
  return db;
}
