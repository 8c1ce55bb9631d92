// The body of a gossipFailure link record: one byte saying why a Node turned our Debut down (MASQ's
// GossipFailure_0v1 variants, docs/MESH.md). Pure.

import { DecodeError } from '../wire/index.js';

export const GOSSIP_FAILURES = ['NoNeighbors', 'NoSuitableNeighbors', 'ManualRejection', 'Unknown'] as const;
export type GossipFailure = (typeof GOSSIP_FAILURES)[number];

export function encodeGossipFailure(f: GossipFailure): Buffer {
  return Buffer.from([GOSSIP_FAILURES.indexOf(f)]);
}

export function decodeGossipFailure(body: Buffer): GossipFailure {
  const f = body.length === 1 ? GOSSIP_FAILURES[body[0] as number] : undefined;
  if (!f) throw new DecodeError('gossip failure', 'must be one byte naming a known reason');
  return f;
}
