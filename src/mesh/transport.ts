// What travels between neighbors, and the seam between the parts that use links. Every link record starts with one
// byte naming its kind (this table); the neighborhood owns the links (src/neighborhood/peers.ts) and the hopper and
// streams use them only through PeerTransport. Peers are named by the hex of their 64-byte public key.

import type { EventEmitter } from 'node:events';

export const RECORD_KINDS = {
  /** A Gossip message (src/wire/node-record.ts), one hop, from the neighbor itself. */
  gossip: 1,
  /** A neighbor turning down our Debut: [reason u8] (src/neighborhood). */
  gossipFailure: 2,
  /** A CORES cell (src/wire/cells.ts): stream set-up, data, flow control and tear-down along routes. */
  cell: 3,
} as const;

export type RecordKind = (typeof RECORD_KINDS)[keyof typeof RECORD_KINDS];

/** Each kind as the one-byte buffer its records start with. */
export const KIND_BYTES: Readonly<Record<RecordKind, Buffer>> = Object.freeze(Object.fromEntries(Object.values(RECORD_KINDS).map((k) => [k, Buffer.from([k])])) as Record<RecordKind, Buffer>);

/** Checked for every record a link carries: a set made once, not the table's values listed per record. */
const KNOWN_KINDS: ReadonlySet<number> = new Set(Object.values(RECORD_KINDS));

export function isRecordKind(n: number): n is RecordKind {
  return KNOWN_KINDS.has(n);
}

export interface PeerTransportEvents {
  /** One record from a linked peer; `remoteIp` is the TCP source address. */
  record: [peer: string, kind: RecordKind, body: Buffer, remoteIp: string];
  /** A link to the peer came up (either direction). */
  up: [peer: string, remoteIp: string];
  /** The last link to the peer closed. */
  down: [peer: string];
}

export interface PeerTransport extends EventEmitter<PeerTransportEvents> {
  /**
   * Sends one record on the peer's link, its body whole or in parts (written as they are, not joined). False when
   * no link is up; throws for a record above the link limit.
   */
  send(peer: string, kind: RecordKind, body: Buffer | readonly Buffer[]): boolean;
  /** True while the link's write buffer is above its high-water mark: stop sending until drained(). */
  congested(peer: string): boolean;
  /** Resolves when the peer's link can take more (or is gone). */
  drained(peer: string): Promise<void>;
  /** Stops / restarts reading from a peer, so a relay can pass backpressure upstream. */
  pause(peer: string): void;
  resume(peer: string): void;
  isLinked(peer: string): boolean;
  /** A link to the peer, dialing its known address when none is up; rejects with a MasqError when it cannot. */
  ensure(peer: string): Promise<void>;
}
