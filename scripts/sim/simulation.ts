// One run: N virtual Nodes joining as the scenario says, over the simulated links and clock, then the scenario's
// script (churn, a partition) with every live Node's route looked at now and then, measured at the end.
// Everything random comes from the seed, so a seed's run is the same event for event (its log hash says so).

import { createHash } from 'node:crypto';
import { Engine } from './engine.js';
import { Collusion, ECLIPSE_EVERY_MS } from './hostile.js';
import { type Figure, type GrowthSample, figures, growthFigures, hostileFigures, probeFigures } from './measure.js';
import { DEFAULT_LINK_MODEL, type LinkModel, SimNetwork } from './network.js';
import { CHAIN_ID, Population } from './population.js';
import { type Probe, probe } from './probe.js';
import { Random } from './random.js';
import { heapMark, scaleFigures } from './scale.js';
import { layOut } from './script.js';
import { SignatureMemo } from './signatures.js';
import { HOUR_MS, type Scenario } from './scenarios.js';

/** 2023-11-14T22:13:20Z: any fixed start will do; record versions start at it. */
const START_MS = 1_700_000_000_000;
/** Events a run may take per Node and simulated hour before it is declared a storm. */
const EVENTS_PER_NODE_HOUR = 20_000;

export interface RunOptions {
  nodes: number;
  seed: number;
  scenario: Scenario;
  link?: LinkModel;
}

export interface RunResult {
  figures: Figure[];
  /** While the network grows: elapsed s → share of all N Nodes that have reached RouteFound. */
  curve: GrowthSample[];
  /** During the script: every live Node's route, now and then. */
  probes: Probe[];
  /** Moments of the script to mark on a chart. */
  marks: { s: number; label: string }[];
  /** sha256 of every link event, record and dial in order. */
  logHash: string;
  events: number;
  /** Signatures really checked (the rest were remembered checks of the same bytes). */
  signatureChecks: number;
}

/** Runs `f` every `ms` of simulated time from now on. */
function every(engine: Engine, ms: number, f: () => void): void {
  engine.after(ms, () => {
    f();
    every(engine, ms, f);
  });
}

export async function simulate(o: RunOptions): Promise<RunResult> {
  const sc = o.scenario;
  const heapBefore = heapMark();
  const random = new Random(o.seed);
  const keys = new Random(random.u32());
  const latencies = new Random(random.u32());
  const timers = new Random(random.u32());
  const scriptMs = sc.script.reduce((sum, s) => sum + s.ms, 0);
  const hours = Math.max(1, Math.ceil((sc.settleMs + scriptMs) / HOUR_MS));
  const engine = new Engine(START_MS, EVENTS_PER_NODE_HOUR * o.nodes * hours);
  const log = createHash('sha256');
  const net = new SimNetwork(engine, latencies, o.link ?? DEFAULT_LINK_MODEL, (line) => log.update(`${line}\n`));
  const signatures = new SignatureMemo();
  const failed: unknown[] = [];
  const collusion = sc.hostile ? new Collusion(CHAIN_ID, sc.hostile.clique) : undefined;
  const population = new Population({ scenario: sc, engine, net, signatures, random, keys, jitter: () => timers.next(), failed, ...(collusion ? { collusion } : {}) });
  let joinAt = 0;
  for (let i = 0; i < o.nodes; i++) {
    const { member, pooled } = population.spawn(i < sc.introducers);
    // As the first slice laid joins out (docs/SIMULATION.md, 'Limits'): the time moves on only after a Node that
    // does not join the pool, so Nodes given out as descriptors join together with the one before them.
    if (!pooled) joinAt += -Math.log(1 - random.next()) * sc.meanJoinGapMs;
    population.start(member, Math.round(joinAt));
  }
  const victim = population.victim;
  if (collusion && sc.hostile?.eclipse && victim) {
    const colluders = population.members.filter((m) => m.hostile).map((m) => m.node);
    every(engine, ECLIPSE_EVERY_MS, () => collusion.pressure(victim.node, colluders));
  }
  const run = async (t: number): Promise<void> => {
    await engine.run(t);
    if (failed.length > 0) throw failed[0];
  };
  const curve: RunResult['curve'] = [];
  const routed = (): number => population.members.filter((m) => m.node.routeFoundAt !== undefined).length;
  const lastJoin = Math.round(joinAt);
  const grown = lastJoin + sc.settleMs;
  for (let t = 0; t <= grown; t += sc.sampleMs) {
    await run(t);
    const share = routed() / o.nodes;
    curve.push({ s: t / 1000, share, bytes: net.bytesSentTotal() });
    if (sc.script.length === 0 && share === 1 && t >= lastJoin) break;
  }
  const laid = layOut(sc.script, { engine, net, population, random, nodes: o.nodes });
  const probes: Probe[] = [];
  const hostile = collusion ? (k: string): boolean => collusion.has(k) : undefined;
  const side = laid.cuts[0]?.side;
  for (let t = grown; sc.script.length > 0 && t <= laid.endMs; t += sc.probeMs) {
    await run(t);
    const live = population.live().map((m) => m.node);
    probes.push(probe(live, net, t, { minHops: sc.minHops, choices: laid.cuts.length === 0, ...(hostile ? { hostile } : {}), ...(side ? { side } : {}) }));
  }
  const live = population.live();
  return {
    figures: [
      ...figures(live, net, sc.minHops, engine.elapsed()),
      ...growthFigures(curve, o.nodes),
      ...probeFigures(probes, laid),
      ...(collusion && victim ? hostileFigures(live, victim, collusion) : []),
      ...scaleFigures(live, net, engine.elapsed(), heapBefore),
    ],
    curve, probes, marks: laid.marks, logHash: log.digest('hex'), events: engine.events(), signatureChecks: signatures.checks,
  };
}
