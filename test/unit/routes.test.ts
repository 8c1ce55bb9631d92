import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type GraphView, MAX_OVER_TRIES, MAX_PATHS_EXAMINED, REUSE_PENALTY, findRoundTrip, reachableExits } from '../../src/neighborhood/routes.js';
import type { RatePack } from '../../src/wire/node-record.js';
import { BAND_PERCENT, NO_FLOOR, floored, rateFloor } from '../../src/neighborhood/route-choice.js';
import { OTHER_COUNTRY_PENALTY, PRIORITY_STEP } from '../../src/neighborhood/exit-countries.js';
import { DNS_PENALTY } from '../../src/stream/originator.js';

const pack = (n: bigint): RatePack => ({ routingByteRate: n, routingServiceRate: n, exitByteRate: n, exitServiceRate: n });

/** An undirected graph from edge pairs; every node routes unless listed in `nonRouting`. */
function graph(edges: Array<[string, string]>, rates: Record<string, bigint> = {}, nonRouting: string[] = []): GraphView {
  const adj = new Map<string, string[]>();
  for (const [a, b] of edges) {
    adj.set(a, [...(adj.get(a) ?? []), b]);
    adj.set(b, [...(adj.get(b) ?? []), a]);
  }
  return {
    fullNeighbors: (k) => adj.get(k) ?? [],
    routesData: (k) => !nonRouting.includes(k),
    ratePack: (k) => pack(rates[k] ?? 1n),
  };
}

const ring = (n: number): Array<[string, string]> => Array.from({ length: n }, (_, i) => [`n${i}`, `n${(i + 1) % n}`]);

function adjacent(view: GraphView, path: string[]): boolean {
  return path.every((k, i) => i === 0 || view.fullNeighbors(path[i - 1] as string).includes(k));
}

test('a 3-hop round trip on a ring: exact length, exit not the originator\'s neighbor, back-route ends at origin', () => {
  const g = graph(ring(8));
  const r = findRoundTrip(g, { origin: 'n0', minHops: 3, payloadSize: 1000 });
  assert.ok(r);
  assert.equal(r.over.length, 4);
  assert.equal(r.back.length, 4);
  assert.equal(r.over[0], 'n0');
  assert.equal(r.back[3], 'n0');
  assert.equal(r.back[0], r.over[3]);
  assert.ok(!g.fullNeighbors('n0').includes(r.over[3] as string));
  assert.ok(adjacent(g, r.over) && adjacent(g, r.back));
});

test('the cheaper exit wins', () => {
  const g = graph(ring(8), { n3: 100n, n5: 1n });
  const r = findRoundTrip(g, { origin: 'n0', minHops: 3, payloadSize: 10 });
  assert.equal(r?.over[3], 'n5');
});

test('the back-route avoids the over-route\'s relays when the graph allows', () => {
  // Two disjoint 3-hop paths between o and x: o-a-b-x and o-c-d-x.
  const g = graph([['o', 'a'], ['a', 'b'], ['b', 'x'], ['o', 'c'], ['c', 'd'], ['d', 'x']]);
  const r = findRoundTrip(g, { origin: 'o', minHops: 3, payloadSize: 1 });
  assert.ok(r);
  const overRelays = new Set(r.over.slice(1, -1));
  assert.ok(r.back.slice(1, -1).every((k) => !overRelays.has(k)), `${r.over} / ${r.back}`);
  assert.ok(r.cost < REUSE_PENALTY);
});

test('no route when the graph is too small, when relays do not route, or when the only exit is avoided', () => {
  assert.equal(findRoundTrip(graph(ring(4)), { origin: 'n0', minHops: 3, payloadSize: 1 }), undefined);
  const line: Array<[string, string]> = [['o', 'a'], ['a', 'b'], ['b', 'x']];
  assert.ok(findRoundTrip(graph(line), { origin: 'o', minHops: 3, payloadSize: 1 }));
  assert.equal(findRoundTrip(graph(line, {}, ['a']), { origin: 'o', minHops: 3, payloadSize: 1 }), undefined);
  assert.equal(findRoundTrip(graph(line), { origin: 'o', minHops: 3, payloadSize: 1, avoid: new Set(['x']) }), undefined);
  assert.throws(() => findRoundTrip(graph(line), { origin: 'o', minHops: 7, payloadSize: 1 }), RangeError);
});

test('min-hops 1 uses a neighbor as exit; an exit penalty moves the choice', () => {
  const g = graph([['o', 'a'], ['o', 'b']]);
  assert.deepEqual(findRoundTrip(g, { origin: 'o', minHops: 1, payloadSize: 1 })?.over.length, 2);
  const r = findRoundTrip(g, { origin: 'o', minHops: 1, payloadSize: 1, exitPenalty: (k) => (k === 'a' ? 10n ** 8n : 0n) });
  assert.deepEqual(r?.over, ['o', 'b']);
});

test('property: every route found is valid for random graphs and hop counts', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat(11), fc.nat(11)), { maxLength: 40 }), fc.integer({ min: 1, max: 6 }),
    (pairs, hops) => {
      const edges = pairs.filter(([a, b]) => a !== b).map(([a, b]) => [`n${a}`, `n${b}`] as [string, string]);
      const g = graph(edges);
      const r = findRoundTrip(g, { origin: 'n0', minHops: hops, payloadSize: 100 });
      if (!r) return;
      assert.equal(r.over.length, hops + 1);
      assert.equal(r.back.length, hops + 1);
      assert.equal(new Set(r.over).size, r.over.length, 'no node twice');
      assert.ok(adjacent(g, r.over) && adjacent(g, r.back));
      assert.equal(r.back[hops], 'n0');
      assert.ok(!r.back.slice(0, -1).includes('n0'));
      if (hops > 1) assert.ok(!g.fullNeighbors('n0').includes(r.over[hops] as string));
    },
  ), { numRuns: 1500, seed: 37 });
});

// masq exit-location --show-countries lists the countries of reachableExits; a user offered a country must get a
// route there (the back-route too), and one not offered must get none.
test('property: an exit is listed as reachable exactly when a round trip can end at it, cheapest or drawn', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat(9), fc.nat(9)), { maxLength: 24 }), fc.array(fc.nat(9), { maxLength: 3 }), fc.integer({ min: 1, max: 4 }),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    (pairs, nonRouting, hops, u) => {
      const edges = pairs.filter(([a, b]) => a !== b).map(([a, b]) => [`n${a}`, `n${b}`] as [string, string]);
      const g = graph(edges, {}, nonRouting.map((i) => `n${i}`));
      const listed = reachableExits(g, 'n0', hops);
      const choice = { floor: NO_FLOOR, bandPercent: BAND_PERCENT, random: () => u };
      for (let i = 1; i < 10; i++) {
        const q = { origin: 'n0', minHops: hops, payloadSize: 100, exitPenalty: (k: string) => (k === `n${i}` ? 0n : undefined) };
        assert.equal(findRoundTrip(g, q) !== undefined, listed.has(`n${i}`), `n${i}, cheapest`);
        assert.equal(findRoundTrip(g, q, choice) !== undefined, listed.has(`n${i}`), `n${i}, drawn`);
      }
    },
  ), { numRuns: 600, seed: 47 });
});

test('the search is bounded on a dense graph', () => {
  const edges: Array<[string, string]> = [];
  for (let i = 0; i < 40; i++) for (let j = i + 1; j < 40; j++) edges.push([`n${i}`, `n${j}`]);
  const r = findRoundTrip(graph(edges), { origin: 'n0', minHops: 6, payloadSize: 1 });
  assert.equal(r, undefined, 'a complete graph has no exit that is not the originator\'s neighbor');
});

// ── the near-cheapest choice (src/neighborhood/route-choice.ts) ──

/** The rate cost of an over-route as ranked: its relays' routing rates and its exit's exit rates, each floored. */
function overRate(view: GraphView, path: string[], size: bigint, floor: RatePack): bigint {
  const rates = (k: string): RatePack => floored(view.ratePack(k), floor);
  const relays = path.slice(1, -1).reduce((sum, k) => sum + rates(k).routingServiceRate + rates(k).routingByteRate * size, 0n);
  const exit = rates(path[path.length - 1] as string);
  return relays + exit.exitServiceRate + exit.exitByteRate * size;
}

/** A graph whose every node has its own rate pack. */
function pricedGraph(edges: Array<[string, string]>, packs: Record<string, RatePack>): GraphView {
  const g = graph(edges);
  return { ...g, ratePack: (k) => packs[k] ?? pack(1000n) };
}

const arbitraryPack = fc.record({
  routingByteRate: fc.bigInt({ min: 0n, max: 300n }), routingServiceRate: fc.bigInt({ min: 0n, max: 3000n }),
  exitByteRate: fc.bigInt({ min: 0n, max: 300n }), exitServiceRate: fc.bigInt({ min: 0n, max: 3000n }),
});

test('the floor: a low percentile per rate, never above a real rate; an empty market has none', () => {
  const packs = Array.from({ length: 100 }, (_, i) => ({ ...pack(BigInt(i + 1)), exitByteRate: BigInt(200 - i) }));
  const floor = rateFloor(packs, 25);
  assert.equal(floor.routingByteRate, 25n);
  assert.equal(floor.exitByteRate, 125n);
  assert.deepEqual(rateFloor([]), NO_FLOOR);
  assert.deepEqual(rateFloor([pack(7n)]), pack(7n));
  assert.deepEqual(floored(pack(3n), pack(5n)), pack(5n));
  assert.deepEqual(floored(pack(9n), pack(5n)), pack(9n));
});

test('property: the chosen over-route is never dearer than the band over the cheapest, and its penalty is the cheapest\'s', () => {
  const penalties = [0n, PRIORITY_STEP, OTHER_COUNTRY_PENALTY, DNS_PENALTY];
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat(9), fc.nat(9)), { maxLength: 30 }), fc.array(arbitraryPack, { minLength: 10, maxLength: 10 }),
    fc.array(fc.nat(3), { minLength: 10, maxLength: 10 }), fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    (pairs, packs, kinds, hops, u) => {
      const edges = pairs.filter(([a, b]) => a !== b).map(([a, b]) => [`n${a}`, `n${b}`] as [string, string]);
      const g = pricedGraph(edges, Object.fromEntries(packs.map((p, i) => [`n${i}`, p])));
      const exitPenalty = (k: string): bigint => penalties[kinds[Number(k.slice(1))] ?? 0] as bigint;
      const q = { origin: 'n0', minHops: hops, payloadSize: 100, exitPenalty };
      const floor = rateFloor(packs);
      const chosen = findRoundTrip(g, q, { floor, bandPercent: BAND_PERCENT, random: () => u });
      // The cheapest as the choice ranks it: the same graph with every pack floored, MASQ's rule.
      const cheapest = findRoundTrip({ ...g, ratePack: (k) => floored(g.ratePack(k), floor) }, q);
      if (!chosen || !cheapest) return;
      assert.equal(chosen.over.length, hops + 1, 'exactly min-hops');
      assert.equal(exitPenalty(chosen.over.at(-1) as string), exitPenalty(cheapest.over.at(-1) as string), 'penalties rank first');
      const best = overRate(g, cheapest.over, 100n, floor);
      assert.ok(overRate(g, chosen.over, 100n, floor) * 100n <= best * BigInt(100 + BAND_PERCENT), 'within the band');
    },
  ), { numRuns: 600, seed: 41 });
});

test('property: the choice finds a round trip wherever MASQ\'s cheapest rule finds one', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat(9), fc.nat(9)), { maxLength: 24 }), fc.array(arbitraryPack, { minLength: 10, maxLength: 10 }),
    fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    (pairs, packs, hops, u) => {
      const edges = pairs.filter(([a, b]) => a !== b).map(([a, b]) => [`n${a}`, `n${b}`] as [string, string]);
      const g = pricedGraph(edges, Object.fromEntries(packs.map((p, i) => [`n${i}`, p])));
      const q = { origin: 'n0', minHops: hops, payloadSize: 100 };
      if (!findRoundTrip(g, q)) return;
      assert.ok(findRoundTrip(g, q, { floor: rateFloor(packs), bandPercent: BAND_PERCENT, random: () => u }));
    },
  ), { numRuns: 600, seed: 43 });
});

/** o links to relays r1…r4 (each to the exits x1, x2); the routes differ only by their first relay. */
function fan(packs: Record<string, RatePack>): GraphView {
  const edges: Array<[string, string]> = [];
  for (const r of ['r1', 'r2', 'r3', 'r4']) edges.push(['o', r], [r, 'm'], ['m', `x${r.slice(1)}`]);
  edges.push(['x1', 'b1'], ['b1', 'o']);
  return pricedGraph(edges, packs);
}

test('undercutting far below the floor wins nothing more than pricing at the floor', () => {
  const market = [pack(1000n), pack(1100n), pack(1050n), pack(1200n)];
  const floor = rateFloor(market);
  const routesWith = (undercut: RatePack): string[] => {
    const g = fan({ r1: undercut, r2: pack(1100n), r3: pack(1050n), r4: pack(1200n) });
    return Array.from({ length: 64 }, (_, i) => findRoundTrip(g, { origin: 'o', minHops: 3, payloadSize: 10 }, { floor, bandPercent: BAND_PERCENT, random: () => i / 64 })?.over.join('>') ?? '');
  };
  const atFloor = routesWith(floor);
  assert.deepEqual(routesWith(pack(1n)), atFloor, 'the same routes, draw for draw');
  assert.deepEqual(routesWith(NO_FLOOR), atFloor);
  const share = atFloor.filter((p) => p.includes('r1')).length / atFloor.length;
  assert.ok(share < 0.5, `the undercutter is one choice among several: ${share}`);
  // MASQ's rule: the undercutter is on every route.
  const g = fan({ r1: pack(1n), r2: pack(1100n), r3: pack(1050n), r4: pack(1200n) });
  assert.ok(findRoundTrip(g, { origin: 'o', minHops: 3, payloadSize: 10 })?.over.includes('r1'));
});

test('determinism: the same draws give the same routes; other draws reach other near-cheapest routes', () => {
  const g = fan({});
  const floor = rateFloor([pack(1000n)]);
  const routes = (draws: number[]): string[] => draws.map((u) => {
    const rt = findRoundTrip(g, { origin: 'o', minHops: 3, payloadSize: 10 }, { floor, bandPercent: BAND_PERCENT, random: () => u });
    return `${rt?.over.join('>')}|${rt?.back.join('>')}`;
  });
  const draws = [0.1, 0.9, 0.4, 0.6, 0.3];
  assert.deepEqual(routes(draws), routes(draws));
  assert.ok(new Set(routes([0, 0.3, 0.6, 0.99])).size > 1, 'equal routes are shared out');
  let calls = 0;
  findRoundTrip(g, { origin: 'o', minHops: 3, payloadSize: 10 }, { floor, bandPercent: BAND_PERCENT, random: () => (calls++, 0.5) });
  assert.equal(calls, 2, 'one draw for the over-route, one for the back-route');
});

test('the choice\'s search is bounded on a dense graph too', () => {
  const edges: Array<[string, string]> = [];
  for (let i = 0; i < 30; i++) for (let j = i + 1; j < 30; j++) if ((i + j) % 3 !== 0) edges.push([`n${i}`, `n${j}`]);
  const g = graph(edges);
  let lookups = 0;
  const counted: GraphView = { ...g, fullNeighbors: (k) => (lookups++, g.fullNeighbors(k)) };
  const r = findRoundTrip(counted, { origin: 'n0', minHops: 6, payloadSize: 1 }, { floor: NO_FLOOR, bandPercent: BAND_PERCENT, random: () => 0.7 });
  assert.ok(r && r.over.length === 7);
  // The over-route search and at most MAX_OVER_TRIES back-route searches, each stopping at MAX_PATHS_EXAMINED.
  assert.ok(lookups <= (MAX_OVER_TRIES + 1) * MAX_PATHS_EXAMINED, `${lookups} neighbor lookups`);
});
