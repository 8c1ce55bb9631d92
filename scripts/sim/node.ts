// One virtual Node: the Node's own Neighborhood class (src/neighborhood/service.ts), started through its seams with
// the simulated links (links.ts), the engine's clock and timers, the run's random source and shared signature
// checks. Nothing of what the Neighborhood decides or does is in this file. A Node can leave (the class's close()),
// crash (its links drop first, without notice), start again with the same identity and the past neighbors it saved
// (as src/node does), and move to another address (as port mapping reports a new public IP).

import type { NodeIdentity } from '../../src/crypto/index.js';
import { Neighborhood, type NeighborhoodOptions, type PeerLinks, type PeersOptions, keyOf } from '../../src/neighborhood/index.js';
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
  /** The Node's links: SimLinks by default (a hostile Node's are others, scripts/sim/hostile.ts). */
  links?(ip: string, net: SimNetwork, p: PeersOptions): PeerLinks;
}

/** Asked of a Node that has not started. */
export class NotStartedError extends Error {
  constructor(key: string) {
    super(`the virtual Node ${key.slice(0, 8)} has not started`);
  }
}

export class SimNode {
  readonly key: string;
  /** Where it is now: an address change moves it. */
  ip: string;
  /** Elapsed ms when the Node first reached RouteFound. */
  routeFoundAt: number | undefined;
  /** Offences it saw (its debug log's "Offence by", its bans). */
  offences = 0;
  /** Between start() and leave() or crash(). */
  running = false;
  /** The descriptors it saved last (savePastNeighbors): what it starts through again. */
  private past: string[] = [];
  private started: Neighborhood | undefined;

  constructor(private readonly o: SimNodeOptions) {
    this.key = keyOf(o.identity.publicKey);
    this.ip = o.ip;
  }

  get neighborhood(): Neighborhood {
    if (!this.started) throw new NotStartedError(this.key);
    return this.started;
  }

  /** The first start goes through the descriptors given; a restart through the past neighbors, as src/node does. */
  async start(): Promise<void> {
    const o = this.o;
    const initial = this.past.length > 0 ? this.past : o.initial.map((t) => descriptorCodec.encode({ chain: CHAIN, key: Buffer.from(t.x25519, 'hex'), ip: t.ip, ports: [SIM_PORT] }));
    const ip = this.ip;
    const options: NeighborhoodOptions = {
      identity: o.identity, chain: CHAIN, chainId: o.chainId, mode: o.accepts ? 'standard' : 'originate-only',
      ...(o.accepts ? { ip } : {}), clandestinePort: SIM_PORT, earningWallet: Buffer.alloc(20), ratePack: o.ratePack,
      minHops: o.minHops, initialNeighbors: initial,
      savePastNeighbors: (descriptors) => {
        this.past = descriptors;
        return Promise.resolve();
      },
      log: this.logger(), linkMask: 'plain', clock: o.engine.clock,
      makePeers: (p) => (o.links ? o.links(ip, o.net, p) : new SimLinks(ip, o.net, p)), timers: o.engine.timers, random: o.random, openRecord: o.signatures.open,
    };
    const n = await Neighborhood.start(options);
    n.on('stage', (stage) => {
      if (stage === 'RouteFound' && this.routeFoundAt === undefined) this.routeFoundAt = o.engine.elapsed();
    });
    this.started = n;
    this.running = true;
  }

  /** A graceful stop: the Neighborhood closes its links, and its neighbors hear so. */
  async leave(): Promise<void> {
    this.running = false;
    await this.neighborhood.close();
  }

  /** The process dies: links drop without notice, then the Neighborhood's timers stop (it sends nothing more). */
  async crash(): Promise<void> {
    this.running = false;
    this.o.net.crash(this.key);
    await this.neighborhood.close();
  }

  /** Its public address changes: links drop, then the Node re-signs its record with the new one. */
  move(ip: string): void {
    this.ip = ip;
    this.o.net.move(this.key, ip);
    if (this.o.accepts) this.neighborhood.setPublicAddress(ip, SIM_PORT);
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
