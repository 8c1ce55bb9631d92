// What a Node's neighborhood holds per record, in process: Gossip messages of one signed record each (8 neighbors,
// as a Node in a busy neighborhood lists) decoded and kept, as the database keeps them, with short-lived small
// buffers made between two messages as a Node's cells and frames make them. The figure is the memory the kept
// records keep alive (every distinct buffer under them, whole) beside the bytes of their fields: a field that is a
// slice of a message or of a Buffer pool slab keeps all of it.

import { randomBytes } from 'node:crypto';
import { generateIdentity } from '../src/crypto/identity.js';
import { decodeGossip, decodeRecord, encodeGossip, type NodeRecord, signRecord, type SignedRecord } from '../src/wire/node-record.js';
import type { Emit } from './common.js';

const RECORDS = 2000;
const NEIGHBORS = 8;
/** Short-lived buffers between two Gossip messages, and their size. */
const TRAFFIC = 50;
const TRAFFIC_BYTES = 100;

/** Every Buffer field of what is kept (records and signed records: flat objects and arrays of Buffers). */
function buffers(kept: Array<SignedRecord | NodeRecord>): Buffer[] {
  return kept.flatMap((k) => Object.values(k).flatMap((v: unknown) => (Array.isArray(v) ? v : [v])).filter((v): v is Buffer => Buffer.isBuffer(v)));
}

export function recordFigures(emit: Emit): void {
  const owner = generateIdentity();
  const neighbors = Array.from({ length: NEIGHBORS }, () => generateIdentity().publicKey);
  const messages = Array.from({ length: RECORDS }, (_, i) => encodeGossip([signRecord(owner, 2, {
    publicKey: owner.publicKey, version: i, earningWallet: randomBytes(20),
    ratePack: { routingByteRate: 1n, routingServiceRate: 1n, exitByteRate: 1n, exitServiceRate: 1n },
    acceptsConnections: true, routesData: true, neighbors,
  })]));
  const kept: Array<SignedRecord | NodeRecord> = [];
  for (const m of messages) {
    const [s] = decodeGossip(m) as [SignedRecord];
    kept.push(s, decodeRecord(s.signed));
    for (let i = 0; i < TRAFFIC; i++) Buffer.from(randomBytes(TRAFFIC_BYTES));
  }
  const fields = buffers(kept);
  const held = new Set(fields.map((b) => b.buffer));
  const heldBytes = [...held].reduce((n, b) => n + b.byteLength, 0);
  const fieldBytes = fields.reduce((n, b) => n + b.length, 0);
  emit('neighborhood_record_held_bytes', heldBytes / RECORDS, 'bytes');
  emit('neighborhood_record_field_bytes', fieldBytes / RECORDS, 'bytes');
  emit('neighborhood_record_held_ratio', heldBytes / fieldBytes, 'ratio');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { emitLine } = await import('./common.js');
  recordFigures(emitLine);
}
