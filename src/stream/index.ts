// Streams over routes, end to end: the originator's end (originator.ts, giving the Connector the proxy uses in
// every mode but zero-hop) and the exit's end (exit-end.ts). startStreams wires them to a circuit switch from
// src/hopper and sends each OPEN where its slot says: to a relay (hopper), to the exit end, or back to the
// originator. The switch and relaying themselves live in src/hopper.

import { COMPONENT, EphemeralPool, generateEphemeralKey, type NodeIdentity } from '../crypto/index.js';
import { type RelayCounters, Switch, relayOpen } from '../hopper/index.js';
import type { Connector, PeerTransport } from '../mesh/index.js';
import type { RoundTrip } from '../neighborhood/index.js';
import type { Logger } from '../system/index.js';
import { DESTROY_REASON, ownCopy } from '../wire/index.js';
import { type ExitCounters, exitOpen } from './exit-end.js';
import { Originator, type RouteFn } from './originator.js';
import type { PayerPolicy } from './payer.js';

export interface StreamOptions {
  identity: NodeIdentity;
  transport: PeerTransport;
  /** A round trip for a new stream from this Node, or undefined when none exists now. */
  route: RouteFn;
  /** The only countries our routes may exit in, when the exit location limits them. */
  requiredExitCountries?(): readonly string[] | undefined;
  /** What a round trip was drawn from (Neighborhood.routeStamp): given, round trips are prepared ahead of requests. */
  routeStamp?(rt: RoundTrip): string;
  /** How this Node reaches targets when it is the exit; undefined = refuses to exit (consume-only). */
  exit?: Connector;
  /** Whether this Node relays for others (standard, originate-only). */
  relays: boolean;
  penalize(peer: string, reason: string): void;
  /** Signs this Node's routes and checks the proofs of the streams it carries. */
  payer: PayerPolicy;
  /** Hears what this Node served, per paying wallet (20 bytes), when a relayed circuit or an exit stream ends. */
  charges?: ServiceCharges;
  log: Logger;
  openTimeoutMs?: number;
}

export interface ServiceCharges {
  relayed(payerWallet: Buffer, bytes: number): void;
  exited(payerWallet: Buffer, bytes: number): void;
  /** A stream this Node originated ended: what it sent and received over the round trip. */
  consumed(rt: RoundTrip, bytesOut: number, bytesIn: number): void;
}

export interface StreamService {
  /** Opens streams over routes: the Connector the proxy uses in every mode but zero-hop. */
  connector: Connector;
  /** Counts for benchmarks and status: streams originated/exited/relayed now, cells relayed, bytes relayed. */
  stats(): { originating: number; exiting: number; relaying: number; cellsRelayed: number; bytesRelayed: number };
  /** DESTROYs everything, clears timers, unsubscribes. */
  close(): void;
}

export const DEFAULT_OPEN_TIMEOUT_MS = 10_000;

export function startStreams(o: StreamOptions): StreamService {
  const relayed: RelayCounters = { relaying: 0, cells: 0, bytes: 0 };
  const exits: ExitCounters = { exiting: 0 };
  const log = o.log;
  const sw: Switch = new Switch(o.identity, o.transport, (opened) => {
    // Relays and exits work only for a payer who proved it holds the paying wallet (MASQ: "Refusing to route …
    // without paying wallet"); the originator's own slot needs no proof.
    if (opened.record.component !== COMPONENT.originator && !o.payer.accepts(opened.record.payer)) {
      log.debug(`Refusing a stream from ${opened.from.slice(0, 12)} without a valid payer proof`);
      return sw.destroy(opened.from, opened.circuit, DESTROY_REASON.refused);
    }
    // Kept until the stream ends: its own copy, so that it does not keep the OPEN's buffers alive.
    const wallet = ownCopy(opened.record.payer.subarray(0, 20));
    switch (opened.record.component) {
      case COMPONENT.relay:
        if (!o.relays) return sw.destroy(opened.from, opened.circuit, DESTROY_REASON.refused);
        return relayOpen(sw, opened, relayed, log, (bytes) => o.charges?.relayed(wallet, bytes));
      case COMPONENT.exit:
        return exitOpen(sw, opened, o.exit, exits, log, (bytes) => o.charges?.exited(wallet, bytes));
      case COMPONENT.originator:
        return originator.backOpen(opened);
    }
  }, o.penalize, log);
  // Slot keys (four routes' worth) and two round trips made ahead, one per spare turn of the event loop.
  const spare = (fn: () => void): void => void setImmediate(fn).unref();
  const ephemeral = new EphemeralPool({ size: 24, generate: generateEphemeralKey, defer: spare });
  const ahead = o.routeStamp && { stamp: o.routeStamp, now: () => performance.now(), defer: spare };
  const originator = new Originator({
    sw, route: o.route, ephemeral: () => ephemeral.take(), payer: o.payer, log,
    ...(o.requiredExitCountries ? { requiredExitCountries: o.requiredExitCountries } : {}),
    ...(ahead ? { ahead } : {}),
    charge: (rt, out, inn) => o.charges?.consumed(rt, out, inn),
    openTimeoutMs: o.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS,
  });
  return {
    connector: originator.connector,
    stats: () => ({
      originating: originator.originating,
      exiting: exits.exiting,
      relaying: relayed.relaying,
      cellsRelayed: relayed.cells,
      bytesRelayed: relayed.bytes,
    }),
    close() {
      ephemeral.close();
      originator.close();
      sw.close();
    },
  };
}

export { createPayerPolicy } from './payer.js';
export { ROUTE_RETRIES } from './originator.js';
