// Scenarios as data: who joins when, through whom, how long the run lasts, and what happens once the network has
// grown (a script of steps: churn, a partition, waiting) and who is hostile.

/** Simulated hour, ms. */
export const HOUR_MS = 3_600_000;

/** What happens after the network has grown, one step after the other. */
export type Step =
  /** Time passes. */
  | { kind: 'wait'; ms: number }
  /**
   * For `ms`: live Nodes depart at `perHour` × N per hour (a `crashShare` of them crash, the rest leave; a
   * `restartShare` of them start again `restartAfterMs` later with the same identity), new Nodes join at the rate
   * that keeps N, and `movesPerHour` × N standard Nodes per hour change address.
   */
  | { kind: 'churn'; ms: number; perHour: number; crashShare: number; restartShare: number; restartAfterMs: number; movesPerHour: number }
  /** A random `share` of the live Nodes is cut from the rest for `ms`, then the cut heals. */
  | { kind: 'partition'; share: number; ms: number };

/** Colluding hostile Nodes (scripts/sim/hostile.ts): standard Nodes that keep their own keys and records signed. */
export interface Hostility {
  /** Share of the joining Nodes that are hostile. */
  share: number;
  /** Their rate packs, in % of an honest Node's base rates (100: as honest). */
  ratePercent: number;
  /** Their records list each other as neighbors: a clique in everyone's database, without links. */
  clique: boolean;
  /** They link to one honest Node, the victim (the last standard Node to join), again and again while it has room. */
  eclipse: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  /** Standard Nodes that start first, each knowing the ones before it: the descriptors everyone else is given. */
  introducers: number;
  /**
   * Whose descriptors a joining Node is given: only the introducers', or those of any standard Node that joined
   * before it (a friend's Node, as people pass descriptors on).
   */
  descriptorsFrom: 'introducers' | 'earlier';
  /** Descriptors each joining Node is given (a random few of the pool). */
  descriptorsPerNode: number;
  /** Mean gap between two joins, ms (exponentially distributed). */
  meanJoinGapMs: number;
  /** Share of joining honest Nodes behind NAT: originate-only, they accept no connections. */
  natShare: number;
  minHops: number;
  /** How long the run goes on after the last join, ms; with no script it stops sooner once every Node has a route. */
  settleMs: number;
  /** How often the share of Nodes with a route is sampled while the network grows, ms. */
  sampleMs: number;
  /** What happens then. */
  script: readonly Step[];
  /** How often every live Node's route is looked at during the script, ms. */
  probeMs: number;
  hostile?: Hostility;
}

const JOIN: Scenario = {
  name: 'join',
  description: 'Nodes join in small bursts (a gap before each Node behind NAT), each through two descriptors of standard Nodes that joined before it; 30 % behind NAT',
  introducers: 3,
  descriptorsFrom: 'earlier',
  descriptorsPerNode: 2,
  meanJoinGapMs: 250,
  natShare: 0.3,
  minHops: 3,
  settleMs: 120_000,
  sampleMs: 1000,
  script: [],
  probeMs: 60_000,
};

/** The hostile scenarios' Nodes, as `join` grows them; only what the hostile tenth does differs. */
const HOSTILE: Scenario = {
  ...JOIN,
  name: 'hostile',
  description: 'join, with 10 % hostile colluding Nodes: half-price rate packs, a forged clique, an eclipse of one victim',
  script: [{ kind: 'wait', ms: 600_000 }],
  hostile: { share: 0.1, ratePercent: 50, clique: true, eclipse: true },
};

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  join: JOIN,
  'join-introducers': {
    ...JOIN,
    name: 'join-introducers',
    description: 'Nodes join one by one, each through two of the same three introducers; 30 % behind NAT',
    descriptorsFrom: 'introducers',
  },
  churn: {
    ...JOIN,
    name: 'churn',
    description: 'join, then 20 % of the Nodes replaced per hour for 3 hours (half crash, half leave; a quarter of them restart after 5 min), 5 % per hour change address',
    script: [{ kind: 'churn', ms: 3 * HOUR_MS, perHour: 0.2, crashShare: 0.5, restartShare: 0.25, restartAfterMs: 300_000, movesPerHour: 0.05 }],
    probeMs: 300_000,
  },
  partition: {
    ...JOIN,
    name: 'partition',
    description: 'join, then a random half of the Nodes cut from the rest for 5 minutes, then healed and watched for 10',
    script: [{ kind: 'wait', ms: 120_000 }, { kind: 'partition', share: 0.5, ms: 300_000 }, { kind: 'wait', ms: 600_000 }],
    probeMs: 10_000,
  },
  hostile: HOSTILE,
  'hostile-cheap': {
    ...HOSTILE,
    name: 'hostile-cheap',
    description: 'hostile, but the hostile tenth only sets half-price rate packs',
    hostile: { share: 0.1, ratePercent: 50, clique: false, eclipse: false },
  },
  'hostile-clique': {
    ...HOSTILE,
    name: 'hostile-clique',
    description: 'hostile, but without the eclipse: half-price rate packs and the forged clique',
    hostile: { share: 0.1, ratePercent: 50, clique: true, eclipse: false },
  },
  'hostile-control': {
    ...HOSTILE,
    name: 'hostile-control',
    description: 'hostile, but the marked tenth behaves as honest Nodes do: the share of routes touching them by chance',
    hostile: { share: 0.1, ratePercent: 100, clique: false, eclipse: false },
  },
};
