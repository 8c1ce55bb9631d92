import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Neighborhood } from '../../src/neighborhood/index.js';
import { importIdentity } from '../../src/crypto/index.js';
import { Engine } from '../../scripts/sim/engine.js';
import { DEFAULT_LINK_MODEL, SimNetwork } from '../../scripts/sim/network.js';
import { SimNode } from '../../scripts/sim/node.js';
import { Random } from '../../scripts/sim/random.js';
import { SCENARIOS } from '../../scripts/sim/scenarios.js';
import { SignatureMemo } from '../../scripts/sim/signatures.js';
import { simulate } from '../../scripts/sim/simulation.js';
import { ROOT } from '../helpers/processes.js';

const JOIN = SCENARIOS.join as (typeof SCENARIOS)[string];
const figure = (r: Awaited<ReturnType<typeof simulate>>, name: string): number => r.figures.find((f) => f.name === name)?.value ?? NaN;

test('join of 200 Nodes (seed 1): nearly every Node finds a route, within seconds of joining', async () => {
  const r = await simulate({ nodes: 200, seed: 1, scenario: JOIN });
  // Measured: 198 of 200 with a route, none without a neighbor, p95 5.3 s after joining (before the joining walk:
  // 183, 13 and 4.1 s; the 15 more that route now are the slowest of them, docs/SIMULATION.md).
  assert.ok(figure(r, 'nodes_with_route') >= 195, `only ${figure(r, 'nodes_with_route')} of 200 found a route`);
  assert.ok(figure(r, 'nodes_without_neighbor') <= 2, `${figure(r, 'nodes_without_neighbor')} Nodes without a neighbor`);
  assert.ok(figure(r, 'route_after_join_p95') < 6, `p95 ${figure(r, 'route_after_join_p95')} s after joining`);
  assert.equal(figure(r, 'offences'), 0);
});

test('join of 100 Nodes all through the same 3 introducers (seed 1): nearly every Node finds a route', async () => {
  const r = await simulate({ nodes: 100, seed: 1, scenario: SCENARIOS['join-introducers'] as (typeof SCENARIOS)[string] });
  // Measured: 100 of 100 (20 before the joining walk: Pass loops among the full Nodes around the introducers).
  assert.ok(figure(r, 'nodes_with_route') >= 95, `only ${figure(r, 'nodes_with_route')} of 100 found a route`);
  assert.equal(figure(r, 'offences'), 0);
});

test('the same seed gives the same run, event for event; another seed another', async () => {
  const small = { nodes: 12, seed: 7, scenario: JOIN };
  const a = await simulate(small);
  const b = await simulate(small);
  assert.equal(b.logHash, a.logHash);
  assert.deepEqual(b.figures, a.figures);
  assert.notEqual((await simulate({ ...small, seed: 8 })).logHash, a.logHash);
});

test('a virtual Node is the real Neighborhood class, started over the simulated links', async () => {
  const engine = new Engine(1_700_000_000_000, 1000);
  const net = new SimNetwork(engine, new Random(1), DEFAULT_LINK_MODEL, () => {});
  const keys = new Random(2);
  const node = new SimNode({
    identity: importIdentity(`${keys.bytes(32).toString('base64url')},${keys.bytes(32).toString('base64url')}`),
    ip: '10.0.0.1', accepts: true, initial: [], chainId: 2, minHops: 3, engine, net, random: () => 0.5, signatures: new SignatureMemo(),
    ratePack: { routingByteRate: 1n, routingServiceRate: 1n, exitByteRate: 1n, exitServiceRate: 1n },
  });
  await node.start();
  assert.ok(node.neighborhood instanceof Neighborhood);
  assert.equal(node.neighborhood.publicKeyHex, node.key);
  assert.equal(node.neighborhood.stage(), 'NotConnected');
  await node.neighborhood.close();
});

/** Relative src/ paths of the modules a file imports (static `from '…'` only). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts')));
}

test('the simulator uses only src/ modules the Node itself uses for these jobs (no copied logic)', () => {
  const sim = join(ROOT, 'scripts', 'sim');
  const used = new Set(readdirSync(sim).filter((f) => f.endsWith('.ts')).flatMap((f) => imports(join(sim, f))).filter((p) => p.startsWith(join(ROOT, 'src'))));
  assert.ok(used.has(join(ROOT, 'src', 'neighborhood', 'index.ts')), 'the simulator does not run the Neighborhood');
  const nodeFiles = ['node', 'neighborhood'].flatMap((d) => readdirSync(join(ROOT, 'src', d)).filter((f) => f.endsWith('.ts')).map((f) => join(ROOT, 'src', d, f)));
  const usedByNode = new Set(nodeFiles.flatMap(imports));
  for (const p of used) assert.ok(usedByNode.has(p), `${relative(ROOT, p)} is not imported by src/node or src/neighborhood`);
  // The decisions come in through the Neighborhood: the simulator names none of the modules it drives (routes.ts
  // only measures the end state).
  for (const m of ['acceptor', 'producer', 'redial', 'bans', 'database', 'service', 'peers']) {
    assert.ok(!used.has(join(ROOT, 'src', 'neighborhood', `${m}.ts`)), `the simulator imports src/neighborhood/${m}.ts itself`);
  }
});
