// One run: N virtual Nodes joining as the scenario says, over the simulated links and clock, measured at the end.
// Everything random comes from the seed, so a seed's run is the same event for event (its log hash says so).

import { createHash } from 'node:crypto';
import { importIdentity } from '../../src/crypto/index.js';
import { Engine } from './engine.js';
import { type Figure, type Joined, figures } from './measure.js';
import { DEFAULT_LINK_MODEL, type LinkModel, SimNetwork } from './network.js';
import { SimNode, type Target } from './node.js';
import { Random } from './random.js';
import { heapMark, scaleFigures } from './scale.js';
import { SignatureMemo } from './signatures.js';
import type { Scenario } from './scenarios.js';

/** 2023-11-14T22:13:20Z: any fixed start will do; record versions start at it. */
const START_MS = 1_700_000_000_000;
const CHAIN_ID = 2;
/** Events a run may take per Node before it is declared a storm. */
const EVENTS_PER_NODE = 20_000;

export interface RunOptions {
  nodes: number;
  seed: number;
  scenario: Scenario;
  link?: LinkModel;
}

export interface RunResult {
  figures: Figure[];
  /** Elapsed s → share of all N Nodes that have reached RouteFound. */
  curve: { s: number; share: number }[];
  /** sha256 of every link event, record and dial in order. */
  logHash: string;
  events: number;
  /** Signatures really checked (the rest were remembered checks of the same bytes). */
  signatureChecks: number;
}

const ipOf = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1}`;

export async function simulate(o: RunOptions): Promise<RunResult> {
  const sc = o.scenario;
  const heapBefore = heapMark();
  const random = new Random(o.seed);
  const keys = new Random(random.u32());
  const latencies = new Random(random.u32());
  const timers = new Random(random.u32());
  const engine = new Engine(START_MS, EVENTS_PER_NODE * o.nodes);
  const log = createHash('sha256');
  const net = new SimNetwork(engine, latencies, o.link ?? DEFAULT_LINK_MODEL, (line) => log.update(`${line}\n`));
  const signatures = new SignatureMemo();
  const jitter = (): number => timers.next();
  const failed: unknown[] = [];
  const joined: Joined[] = [];
  const introducers: Target[] = []; // the pool joining Nodes get descriptors from
  let joinAt = 0;
  for (let i = 0; i < o.nodes; i++) {
    const identity = importIdentity(`${keys.bytes(32).toString('base64url')},${keys.bytes(32).toString('base64url')}`);
    const introducer = i < sc.introducers;
    const accepts = introducer || random.next() >= sc.natShare;
    const initial = introducer ? [...introducers] : pick(random, introducers, sc.descriptorsPerNode);
    // Rate packs vary a little, so the cheapest route is a choice and not a tie broken by key.
    const rate = (base: bigint): bigint => base + BigInt(random.below(100));
    const node = new SimNode({
      identity, ip: ipOf(i), accepts, initial, chainId: CHAIN_ID, minHops: sc.minHops, engine, net, random: jitter, signatures,
      ratePack: { routingByteRate: rate(100n), routingServiceRate: rate(1000n), exitByteRate: rate(200n), exitServiceRate: rate(2000n) },
    });
    if (introducer || (accepts && sc.descriptorsFrom === 'earlier')) introducers.push({ ip: node.ip, x25519: node.key.slice(0, 64) });
    else joinAt += -Math.log(1 - random.next()) * sc.meanJoinGapMs;
    const at = Math.round(joinAt);
    engine.after(at, () => void node.start().catch((e: unknown) => failed.push(e)));
    joined.push({ node, at });
  }
  const curve: RunResult['curve'] = [];
  const routed = (): number => joined.filter((j) => j.node.routeFoundAt !== undefined).length;
  const lastJoin = joined[joined.length - 1]?.at ?? 0;
  const end = lastJoin + sc.settleMs;
  for (let t = 0; t <= end; t += sc.sampleMs) {
    await engine.run(t);
    if (failed.length > 0) throw failed[0];
    const share = routed() / o.nodes;
    curve.push({ s: t / 1000, share });
    if (share === 1 && t >= lastJoin) break;
  }
  return { figures: [...figures(joined, net, sc.minHops, engine.elapsed()), ...scaleFigures(joined, net, engine.elapsed(), heapBefore)], curve, logHash: log.digest('hex'), events: engine.events(), signatureChecks: signatures.checks };
}

/** `n` distinct items, in a random order. */
function pick<T>(random: Random, from: readonly T[], n: number): T[] {
  const rest = [...from];
  const out: T[] = [];
  while (out.length < n && rest.length > 0) out.push(...rest.splice(random.below(rest.length), 1));
  return out;
}
