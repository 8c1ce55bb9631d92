// The run's Nodes: who they are (identity, address, NAT, rate pack, honest or hostile), whose descriptors a new
// Node is given, and the lifecycle events a script asks for: join, leave, crash, restart, address change. Every
// choice is drawn from the run's seeded generators in a fixed order, so the same seed makes the same Nodes.

import { type NodeIdentity, importIdentity } from '../../src/crypto/index.js';
import type { RatePack } from '../../src/wire/index.js';
import type { Engine } from './engine.js';
import type { Collusion } from './hostile.js';
import type { SimNetwork } from './network.js';
import { SimNode, type Target } from './node.js';
import type { Random } from './random.js';
import type { Scenario } from './scenarios.js';
import type { SignatureMemo } from './signatures.js';

export const CHAIN_ID = 2;

export interface Member {
  node: SimNode;
  /** Elapsed ms when it first started. */
  at: number;
  hostile: boolean;
}

export interface PopulationOptions {
  scenario: Scenario;
  engine: Engine;
  net: SimNetwork;
  signatures: SignatureMemo;
  /** Decisions: NAT, descriptors, rate packs, join gaps, whom an event hits. */
  random: Random;
  /** Identities. */
  keys: Random;
  /** The Nodes' redial jitter. */
  jitter: () => number;
  /** Present when the scenario has hostile Nodes. */
  collusion?: Collusion;
  /** Errors of Node starts and stops, which run outside any await of the caller. */
  failed: unknown[];
}

const ipOf = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1}`;

/** `n` distinct items, in a random order. */
export function pick<T>(random: Random, from: readonly T[], n: number): T[] {
  const rest = [...from];
  const out: T[] = [];
  while (out.length < n && rest.length > 0) out.push(...rest.splice(random.below(rest.length), 1));
  return out;
}

export class Population {
  /** Every Node the run has started, in order. */
  readonly members: Member[] = [];
  /** Standard Nodes whose descriptors joining Nodes are given (see Scenario.descriptorsFrom). */
  private readonly pool: Target[] = [];
  /** The honest Node the hostile ones eclipse: the last honest standard Node to join while the network grows. */
  victim: Member | undefined;
  private addresses = 0;

  constructor(private readonly o: PopulationOptions) {}

  live(): Member[] {
    return this.members.filter((m) => m.node.running);
  }

  /**
   * Makes the next Node (not started yet). While the network grows it is given descriptors from the pool, and
   * `pooled` tells whether its own joins the pool; a later join (churn) is given live standard Nodes' descriptors.
   */
  spawn(introducer: boolean, later = false): { member: Member; pooled: boolean } {
    const { random, scenario: sc } = this.o;
    const identity = this.identity();
    const hostile = !introducer && sc.hostile !== undefined && random.next() < sc.hostile.share;
    const accepts = introducer || random.next() >= sc.natShare || hostile;
    const initial = introducer ? [...this.pool] : pick(random, later ? this.liveTargets() : this.pool, sc.descriptorsPerNode);
    const node = this.node(identity, accepts, initial, this.ratePack(hostile ? sc.hostile?.ratePercent ?? 100 : 100), hostile);
    const member: Member = { node, at: 0, hostile };
    const pooled = !later && (introducer || (accepts && sc.descriptorsFrom === 'earlier'));
    if (pooled) this.pool.push(this.targetOf(member));
    if (!later && !introducer && !hostile && accepts) this.victim = member;
    this.members.push(member);
    return { member, pooled };
  }

  /** Starts a Node made by spawn() `inMs` from now. */
  start(m: Member, inMs: number): void {
    m.at = this.o.engine.elapsed() + inMs;
    this.o.engine.after(inMs, () => this.run(m.node.start()));
  }

  /** A live Node leaves (gracefully) or crashes. */
  depart(m: Member, crash: boolean): void {
    this.run(crash ? m.node.crash() : m.node.leave());
  }

  restart(m: Member): void {
    if (!m.node.running) this.run(m.node.start());
  }

  /** A standard Node's public address changes. */
  move(m: Member): void {
    m.node.move(ipOf(this.addresses++));
  }

  private run(p: Promise<void>): void {
    p.catch((e: unknown) => this.o.failed.push(e));
  }

  private identity(): NodeIdentity {
    const k = this.o.keys;
    return importIdentity(`${k.bytes(32).toString('base64url')},${k.bytes(32).toString('base64url')}`);
  }

  /** Rate packs vary a little, so the cheapest route is a choice and not a tie broken by key. */
  private ratePack(percent: number): RatePack {
    const rate = (base: bigint): bigint => (base * BigInt(percent)) / 100n + BigInt(this.o.random.below(100));
    return { routingByteRate: rate(100n), routingServiceRate: rate(1000n), exitByteRate: rate(200n), exitServiceRate: rate(2000n) };
  }

  private node(identity: NodeIdentity, accepts: boolean, initial: Target[], ratePack: RatePack, hostile: boolean): SimNode {
    const { engine, net, signatures, jitter, collusion, scenario } = this.o;
    const links = hostile && collusion ? collusion.enlist(identity) : undefined;
    return new SimNode({
      identity, ip: ipOf(this.addresses++), accepts, initial, chainId: CHAIN_ID, minHops: scenario.minHops, engine, net, random: jitter, signatures, ratePack,
      ...(links ? { links } : {}),
    });
  }

  private targetOf(m: Member): Target {
    return { ip: m.node.ip, x25519: m.node.key.slice(0, 64) };
  }

  private liveTargets(): Target[] {
    return this.live().filter((m) => m.node.neighborhood.descriptor() !== undefined).map((m) => this.targetOf(m));
  }
}
