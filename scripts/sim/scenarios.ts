// Scenarios as data: who joins when, through whom, and how long the run lasts.

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
  /** Share of joining Nodes behind NAT: originate-only, they accept no connections. */
  natShare: number;
  minHops: number;
  /** How long the run goes on after the last join, ms, unless every Node has a route sooner. */
  settleMs: number;
  /** How often the share of Nodes with a route is sampled, ms. */
  sampleMs: number;
}

const JOIN: Scenario = {
  name: 'join',
  description: 'Nodes join one by one, each through two descriptors of standard Nodes that joined before it; 30 % behind NAT',
  introducers: 3,
  descriptorsFrom: 'earlier',
  descriptorsPerNode: 2,
  meanJoinGapMs: 250,
  natShare: 0.3,
  minHops: 3,
  settleMs: 120_000,
  sampleMs: 1000,
};

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  join: JOIN,
  'join-introducers': {
    ...JOIN,
    name: 'join-introducers',
    description: 'Nodes join one by one, each through two of the same three introducers; 30 % behind NAT',
    descriptorsFrom: 'introducers',
  },
};
