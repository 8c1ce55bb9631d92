import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type GraphView, REUSE_PENALTY, findRoundTrip } from '../../src/neighborhood/routes.js';
import type { RatePack } from '../../src/wire/node-record.js';

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

test('the search is bounded on a dense graph', () => {
  const edges: Array<[string, string]> = [];
  for (let i = 0; i < 40; i++) for (let j = i + 1; j < 40; j++) edges.push([`n${i}`, `n${j}`]);
  const r = findRoundTrip(graph(edges), { origin: 'n0', minHops: 6, payloadSize: 1 });
  assert.equal(r, undefined, 'a complete graph has no exit that is not the originator\'s neighbor');
});
