// One virtual Node: the Node's own Neighborhood class (src/neighborhood/service.ts), started through its seams with
// the simulated links (links.ts), the engine's clock and timers, the run's random source and shared signature
// checks. Nothing of what the Neighborhood decides or does is in this file.

import type { NodeIdentity } from '../../src/crypto/index.js';
import { Neighborhood, type NeighborhoodOptions, keyOf } from '../../src/neighborhood/index.js';
import type { Logger } from '../../src/system/index.js';
import { type RatePack, descriptorCodec } from '../../src/wire/index.js';
import type { Engine } from './engine.js';
import { SimLinks } from './links.js';
import type { SimNetwork } from './network.js';
import type { SignatureMemo } from './signatures.js';

export const SIM_PORT = 5000;
const CHAIN = 'dev';

export interface Target {
  ip: string;
  x25519: string;
}

export interface SimNodeOptions {
  identity: NodeIdentity;
  ip: string;
  /** Standard mode; false: originate-only (behind NAT). */
  accepts: boolean;
  initial: Target[];
  chainId: number;
  minHops: number;
  ratePack: RatePack;
  engine: Engine;
  net: SimNetwork;
  random: () => number;
  signatures: SignatureMemo;
}

/** Asked of a Node that has not started. */
export class NotStartedError extends Error {
  constructor(key: string) {
    super(`the virtual Node ${key.slice(0, 8)} has not started`);
  }
}

export class SimNode {
  readonly key: string;
  readonly ip: string;
  /** Elapsed ms when the Node first reached RouteFound. */
  routeFoundAt: number | undefined;
  /** Offences it saw (its debug log's "Offence by", its bans). */
  offences = 0;
  private started: Neighborhood | undefined;

  constructor(private readonly o: SimNodeOptions) {
    this.key = keyOf(o.identity.publicKey);
    this.ip = o.ip;
  }

  get neighborhood(): Neighborhood {
    if (!this.started) throw new NotStartedError(this.key);
    return this.started;
  }

  async start(): Promise<void> {
    const o = this.o;
    const options: NeighborhoodOptions = {
      identity: o.identity, chain: CHAIN, chainId: o.chainId, mode: o.accepts ? 'standard' : 'originate-only',
      ...(o.accepts ? { ip: o.ip } : {}), clandestinePort: SIM_PORT, earningWallet: Buffer.alloc(20), ratePack: o.ratePack,
      minHops: o.minHops, initialNeighbors: o.initial.map((t) => descriptorCodec.encode({ chain: CHAIN, key: Buffer.from(t.x25519, 'hex'), ip: t.ip, ports: [SIM_PORT] })),
      savePastNeighbors: () => Promise.resolve(), log: this.logger(), linkMask: 'plain', clock: o.engine.clock,
      makePeers: (p) => new SimLinks(o.ip, o.net, p), timers: o.engine.timers, random: o.random, openRecord: o.signatures.open,
    };
    const n = await Neighborhood.start(options);
    n.on('stage', (stage) => {
      if (stage === 'RouteFound' && this.routeFoundAt === undefined) this.routeFoundAt = o.engine.elapsed();
    });
    this.started = n;
  }

  /** Discards the log but counts offences: punish() in service.ts logs each. */
  private logger(): Logger {
    const count = (m: string): void => {
      if (m.startsWith('Offence by') || m.startsWith('Banned ')) this.offences++;
    };
    const log: Logger = { error: count, warn: count, info: count, debug: count, trace: () => {}, child: () => log, enabled: () => false };
    return log;
  }
}
