// The neighborhood graph's layout: this Node in the centre, neighbors on the first ring, Nodes two hops away on
// the second, the rest outside; the same graph always gives the same picture, and any graph stays in the box.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NeighborhoodPanel } from '../../src/setup/api.js';
import { layoutGraph, MAX_DRAWN, RINGS } from '../../web-setup/core/graph-layout.js';

const SIZE = 400;
const node = (id: string, self = false) => ({ id, label: [id], self, routes: false });

function sample(): NeighborhoodPanel {
  return {
    nodes: [node('me', true), node('a'), node('b'), node('c'), node('x'), node('y'), node('lonely')],
    edges: [
      { from: 'me', to: 'a' }, { from: 'a', to: 'me' }, { from: 'me', to: 'b' }, { from: 'c', to: 'me' },
      { from: 'a', to: 'x' }, { from: 'x', to: 'y' }, { from: 'b', to: 'ghost' },
    ],
  };
}

const dist = (p: { x: number; y: number }): number => Math.hypot(p.x - SIZE / 2, p.y - SIZE / 2);

test('rings by hops from this Node, edges in either direction; unreachable Nodes outside', () => {
  const l = layoutGraph(sample(), SIZE);
  const at = new Map(l.nodes.map((n) => [n.id, n]));
  assert.equal(at.get('me')?.ring, 0);
  assert.equal(dist(at.get('me') as { x: number; y: number }), 0);
  for (const id of ['a', 'b', 'c']) assert.equal(at.get(id)?.ring, 1, id);
  assert.equal(at.get('x')?.ring, 2);
  assert.equal(at.get('y')?.ring, 3);
  assert.equal(at.get('lonely')?.ring, RINGS);
  // One radius per ring, growing outward.
  const radii = [1, 2, 3].map((r) => [...new Set(l.nodes.filter((n) => n.ring === r).map((n) => dist(n).toFixed(3)))]);
  for (const r of radii) assert.equal(r.length, 1);
  assert.ok(Number(radii[0]) < Number(radii[1]) && Number(radii[1]) < Number(radii[2]));
  // An edge to a node the graph does not have is left out; a mutual pair is marked.
  assert.equal(l.edges.length, 6);
  assert.equal(l.edges.find((e) => e.from.id === 'me' && e.to.id === 'a')?.mutual, true);
  assert.equal(l.edges.find((e) => e.from.id === 'me' && e.to.id === 'b')?.mutual, false);
});

test('the same graph in any order gives the same picture; an outer node sits by the node it is reached through', () => {
  const a = layoutGraph(sample(), SIZE);
  const shuffled = sample();
  shuffled.nodes.reverse();
  shuffled.edges.reverse();
  const b = layoutGraph(shuffled, SIZE);
  const pos = (l: typeof a) => Object.fromEntries(l.nodes.map((n) => [n.id, [n.x.toFixed(6), n.y.toFixed(6)]]));
  assert.deepEqual(pos(b), pos(a));
  const at = new Map(a.nodes.map((n) => [n.id, n]));
  const angle = (id: string) => { const n = at.get(id) as { x: number; y: number }; return Math.atan2(n.y - SIZE / 2, n.x - SIZE / 2); };
  // The first node of a ring is at the top.
  assert.ok(Math.abs(angle('a') + Math.PI / 2) < 1e-9);
  assert.ok(Math.abs(angle('x') - angle('a')) < Math.PI / 2, 'x is drawn on the side of a');
});

test('duplicates count once; a large graph keeps its nearest nodes and counts the rest', () => {
  const big: NeighborhoodPanel = { nodes: [node('me', true), node('me', true)], edges: [] };
  for (let i = 0; i < 100; i++) {
    big.nodes.push(node(`n${String(i).padStart(3, '0')}`));
    big.edges.push({ from: i < 10 ? 'me' : 'n000', to: `n${String(i).padStart(3, '0')}` });
  }
  const l = layoutGraph(big, SIZE);
  assert.equal(l.nodes.length, MAX_DRAWN);
  assert.equal(l.hidden, 101 - MAX_DRAWN);
  assert.equal(l.nodes.filter((n) => n.ring === 1).length, 10, 'every neighbor is drawn');
  assert.equal(l.nodes.filter((n) => n.ring === 0).length, 1);
  // A graph without a self node puts everything on the outer ring.
  const none = layoutGraph({ nodes: [node('a'), node('b')], edges: [{ from: 'a', to: 'b' }] }, SIZE);
  assert.deepEqual(none.nodes.map((n) => n.ring), [RINGS, RINGS]);
});

test('fuzz: any graph lays out inside the box with finite coordinates', () => {
  const ids = fc.constantFrom('me', 'a', 'b', 'c', 'd', 'e', 'f', 'g', '');
  fc.assert(fc.property(
    fc.array(fc.record({ id: ids, label: fc.array(fc.string({ maxLength: 30 }), { maxLength: 3 }), self: fc.boolean(), routes: fc.boolean() }), { maxLength: 12 }),
    fc.array(fc.record({ from: ids, to: ids }), { maxLength: 30 }),
    (nodes, edges) => {
      const l = layoutGraph({ nodes, edges }, SIZE);
      assert.equal(l.nodes.length + l.hidden, new Set(nodes.map((n) => n.id)).size);
      for (const n of l.nodes) {
        assert.ok(Number.isFinite(n.x) && Number.isFinite(n.y));
        assert.ok(n.x >= 0 && n.x <= SIZE && n.y >= 0 && n.y <= SIZE, `${n.id} at ${n.x},${n.y}`);
      }
      for (const e of l.edges) assert.notEqual(e.from, e.to);
    },
  ), { seed: 42, numRuns: 500 });
});
