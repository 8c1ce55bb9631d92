// What this Node tells others (docs/MESH.md, 'Gossip'): a custom Gossip per neighbor, its Debut, and the replies
// to a Debut (Introduction, Pass). Pure: reads the database only.

import { MAX_GOSSIP_RECORDS, type SignedRecord } from '../wire/index.js';
import type { NeighborhoodDatabase } from './database.js';

const GOSSIP_HEADER_BYTES = 2;

/** Bytes a record takes inside an encoded Gossip (see the layout in src/wire/node-record.ts). */
function encodedSize(s: SignedRecord): number {
  return 2 + s.signed.length + s.signature.length + 1 + (s.address ? 5 + 2 * s.address.ports.length : 0);
}

function withAddress(db: NeighborhoodDatabase, key: string, reveal: boolean): SignedRecord | undefined {
  const e = db.get(key);
  if (!e) return undefined;
  return reveal && e.address ? { ...e.signed, address: e.address } : { signed: e.signed.signed, signature: e.signed.signature };
}

/**
 * The Gossip for one neighbor: every known Node someone references, except the target itself, nearest to us first,
 * within the record and byte limits. A Node's address is revealed only if it accepts connections and it is us or
 * the target already lists it, so Gossip does not map the network's addresses for whoever receives it.
 */
export function gossipFor(db: NeighborhoodDatabase, target: string, maxBytes: number): SignedRecord[] {
  const targetLists = new Set(db.halfNeighbors(target));
  const out: SignedRecord[] = [];
  let bytes = GOSSIP_HEADER_BYTES;
  for (const key of nearestFirst(db)) {
    if (key === target) continue;
    const e = db.get(key);
    if (!e) continue;
    const s = withAddress(db, key, e.record.acceptsConnections && (key === db.rootKey || targetLists.has(key)));
    if (!s || bytes + encodedSize(s) > maxBytes) continue;
    out.push(s);
    bytes += encodedSize(s);
    if (out.length === MAX_GOSSIP_RECORDS) break;
  }
  return out;
}

/** Our root, then the Nodes referenced by known records in breadth-first order from it. */
function nearestFirst(db: NeighborhoodDatabase): string[] {
  const order = [db.rootKey];
  const seen = new Set(order);
  const visit = (from: string): void => {
    for (const n of db.halfNeighbors(from)) {
      if (!seen.has(n)) {
        seen.add(n);
        order.push(n);
      }
    }
  };
  for (let i = 0; i < order.length; i++) visit(order[i] as string);
  // Referenced by a record we hold but not connected to us: still part of what we know.
  for (const k of db.keys()) visit(k);
  return order;
}

/** Our own record; with our address in standard mode (the root entry holds one only then). */
export function debutGossip(db: NeighborhoodDatabase): SignedRecord[] {
  return [withAddress(db, db.rootKey, true) as SignedRecord];
}

/** Introduction: us (with our address) and a full neighbor the debutant should Debut to next. */
export function introductionGossip(db: NeighborhoodDatabase, introducee: string): SignedRecord[] {
  const other = withAddress(db, introducee, true);
  return other ? [...debutGossip(db), other] : debutGossip(db);
}

/** Pass: only the record and address of the Node the debutant should try instead of us. */
export function passGossip(db: NeighborhoodDatabase, target: string): SignedRecord[] {
  const s = withAddress(db, target, true);
  return s ? [s] : [];
}
