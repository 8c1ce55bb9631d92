// What a received Gossip is, by MASQ's rules (docs/MESH.md): the first matching kind wins, in the order Debut, Pass,
// Introduction, Standard; anything else is malformed and its sender is a candidate for a ban. Pure.

import type { NodeAddress, NodeRecord } from '../wire/index.js';
import { keyOf } from './database.js';

export interface ReceivedRecord {
  record: NodeRecord;
  address?: NodeAddress;
}

export interface GossipContext {
  localKey: string;
  localIp?: string;
  /** IP address the Gossip came from. */
  sourceIp: string;
  /** Key of the linked Node it came from: its own record alone is never a Pass (it may carry a new address). */
  sourceKey?: string;
  known(key: string): boolean;
}

export type GossipKind =
  | { kind: 'debut'; node: ReceivedRecord }
  | { kind: 'pass'; target: NodeAddress }
  | { kind: 'introduction'; introducer: ReceivedRecord; introducee: ReceivedRecord }
  | { kind: 'standard' }
  | { kind: 'malformed'; reason: string };

const hasPorts = (a: NodeAddress | undefined): a is NodeAddress => a !== undefined && a.ports.length > 0;

export function classifyGossip(records: readonly ReceivedRecord[], ctx: GossipContext): GossipKind {
  if (records.length === 0) return { kind: 'malformed', reason: 'empty Gossip' };
  const [only] = records;
  if (records.length === 1 && only) {
    const key = keyOf(only.record.publicKey);
    if (key !== ctx.localKey && !ctx.known(key)) {
      if (only.record.acceptsConnections) {
        if (!only.address) return { kind: 'malformed', reason: 'a Debut from a Node that accepts connections needs its address' };
        if (only.address.ports.length === 0) return { kind: 'malformed', reason: 'a Debut address needs a port' };
        if (only.address.ip === ctx.sourceIp) return { kind: 'debut', node: only };
      } else {
        if (only.address) return { kind: 'malformed', reason: 'a Node that accepts no connections may not give an address' };
        return { kind: 'debut', node: only };
      }
    }
    if (hasPorts(only.address) && only.address.ip !== ctx.sourceIp && key !== ctx.sourceKey) return { kind: 'pass', target: only.address };
  }
  if (records.length === 2) {
    const [a, b] = records as [ReceivedRecord, ReceivedRecord];
    const [introducer, introducee] = a.address?.ip === ctx.sourceIp ? [a, b] : [b, a];
    if (
      introducer.address?.ip === ctx.sourceIp && keyOf(introducer.record.publicKey) !== ctx.localKey && introducer.address.ip !== ctx.localIp
      && hasPorts(introducee.address) && introducee.address.ip !== ctx.sourceIp && !ctx.known(keyOf(introducee.record.publicKey))
      && keyOf(introducee.record.publicKey) !== ctx.localKey
    ) {
      return { kind: 'introduction', introducer, introducee };
    }
  }
  const ips = new Set<string>();
  for (const r of records) {
    if (keyOf(r.record.publicKey) === ctx.localKey) return { kind: 'malformed', reason: 'Gossip may not carry our own record' };
    if (!r.address) continue;
    if (r.address.ip === ctx.localIp) return { kind: 'malformed', reason: `a record claims our address ${r.address.ip}` };
    if (ips.has(r.address.ip)) return { kind: 'malformed', reason: `two records claim ${r.address.ip}` };
    ips.add(r.address.ip);
  }
  return { kind: 'standard' };
}
