import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RECORD_KINDS } from '../../src/mesh/index.js';
import { Engine } from '../../scripts/sim/engine.js';
import { DEFAULT_LINK_MODEL, type Endpoint, SimNetwork } from '../../scripts/sim/network.js';
import { Random } from '../../scripts/sim/random.js';
import { HOUR_MS, SCENARIOS, type Scenario, type Step } from '../../scripts/sim/scenarios.js';
import { type RunResult, simulate } from '../../scripts/sim/simulation.js';

const scenario = (name: string): Scenario => SCENARIOS[name] as Scenario;
const figure = (r: RunResult, name: string): number => r.figures.find((f) => f.name === name)?.value ?? NaN;
const show = (t: { diagnostic(m: string): void }, r: RunResult, names: readonly string[]): void => t.diagnostic(names.map((n) => `${n}=${figure(r, n)}`).join(' '));

/** churn for `hours` instead of three. */
function churnFor(hours: number): Scenario {
  const sc = scenario('churn');
  const step = sc.script[0] as Extract<Step, { kind: 'churn' }>;
  return { ...sc, script: [{ ...step, ms: hours * HOUR_MS }] };
}

test('churn of 40 Nodes for an hour (seed 1): most live Nodes keep a working route', async (t) => {
  const r = await simulate({ nodes: 40, seed: 1, scenario: churnFor(1) });
  show(t, r, ['route_found_share_min', 'route_works_share_min', 'route_works_share_mean', 'script_leaves', 'script_crashes', 'script_restarts', 'script_joins', 'script_moves']);
  assert.ok(figure(r, 'script_leaves') + figure(r, 'script_crashes') >= 4, 'the churn made too few departures');
  assert.ok(figure(r, 'script_joins') > 0);
  // Measured: found ≥ 0.94 and working ≥ 0.72 at every probe (200 Nodes, 3 hours: docs/SIMULATION.md); a probe can
  // fall just after a crash, before the idle timeout tells its neighbors.
  assert.ok(figure(r, 'route_found_share_min') >= 0.85, `found ${figure(r, 'route_found_share_min')}`);
  assert.ok(figure(r, 'route_works_share_mean') >= 0.85, `working ${figure(r, 'route_works_share_mean')}`);
  assert.equal(figure(r, 'offences'), 0);
});

test('partition of 40 Nodes (seed 1): no working route crosses the cut, and routes come back soon after it heals', async (t) => {
  const sc = scenario('partition');
  const cut = sc.script.find((s) => s.kind === 'partition') as Step;
  // Shorter waits around the same cut.
  const r = await simulate({ nodes: 40, seed: 1, scenario: { ...sc, script: [{ kind: 'wait', ms: 60_000 }, cut, { kind: 'wait', ms: 120_000 }] } });
  show(t, r, ['route_works_before_cut', 'route_across_before_cut', 'route_works_during_cut_min', 'route_across_during_cut_end', 'heal_routes_s', 'heal_across_s']);
  assert.ok(figure(r, 'route_across_before_cut') > 0.5);
  assert.equal(figure(r, 'route_across_during_cut_end'), 0);
  // Measured at 200 Nodes: back within a probe or two (10–30 s): the redials of lost neighbors succeed at once. At 40
  // Nodes one Node is 2.5 points, and with seed 1 two introducers stay in an island of full Nodes after the heal
  // (docs/SIMULATION.md), so heal_routes_s (back within 2 points of before) never comes; nine in ten is asked here.
  const healedAt = r.marks.find((m) => m.label === 'healed')?.s ?? NaN;
  const back = r.probes.find((p) => p.s >= healedAt && p.works >= 0.9);
  assert.ok(back !== undefined && back.s - healedAt <= 60, `nine in ten routes back after ${back ? back.s - healedAt : 'never'} s`);
  // Routes drawn among the near-cheapest (src/neighborhood/route-choice.ts) cross the old cut less often than the
  // cheapest did once each half has meshed on its own (seed 1: 0.53–0.70 after the heal, against 0.80), so the
  // measure is half of the crossing share before the cut, within 120 s of the heal.
  const crossing = r.probes.find((p) => p.s > healedAt && p.across >= 0.5 * figure(r, 'route_across_before_cut'));
  assert.ok(crossing && crossing.s - healedAt <= 120, `routes across back at ${crossing?.s} s, healed at ${healedAt} s`);
});

test('hostile: cheap colluders draw no more honest routes than the same Nodes behaving honestly; a forged clique breaks routes that retries mostly mend; the eclipse holds', async (t) => {
  const small = { nodes: 60, seed: 1 };
  const cheap = await simulate({ ...small, scenario: scenario('hostile-cheap') });
  const hostile = await simulate({ ...small, scenario: scenario('hostile') });
  const control = await simulate({ ...small, scenario: scenario('hostile-control') });
  const names = ['hostile_nodes', 'hostile_touch_share_end', 'victim_hostile_neighbor_share', 'route_works_share_end', 'route_works_retried_share_end', 'route_cost_ratio_mean_end'];
  for (const r of [cheap, hostile, control]) show(t, r, names);
  const base = figure(control, 'hostile_touch_share_end');
  const undercut = figure(cheap, 'hostile_touch_share_end');
  assert.ok(base >= 0 && base <= 1 && undercut >= 0 && undercut <= 1);
  // The same Nodes are marked in all runs (same seed, same draws); only their behaviour differs. Rates change route
  // choices, not links: the cheap run is the control run event for event.
  assert.equal(figure(cheap, 'hostile_nodes'), figure(control, 'hostile_nodes'));
  assert.equal(cheap.logHash, control.logHash);
  // Before the near-cheapest choice (src/neighborhood/route-choice.ts), half-price colluders sat on 0.78 of the
  // routes against 0.29 by chance (200 Nodes); measured now at 60 Nodes, seeds 1–3: 0.30/0.32, 0.33/0.31, 0.28/0.23.
  assert.ok(undercut <= base + 0.1, `undercutting ${undercut}, control ${base}`);
  // What the choice costs: chosen round trips against the cheapest, measured 1.04–1.16 on average.
  assert.ok(figure(cheap, 'route_cost_ratio_mean_end') <= 1.25, `cost ratio ${figure(cheap, 'route_cost_ratio_mean_end')}`);
  // The victim joins last; the colluders' persistent dials take the room it has before honest Nodes do.
  assert.ok(figure(hostile, 'victim_hostile_neighbor_share') >= 0.6, `victim ${figure(hostile, 'victim_hostile_neighbor_share')}`);
  // In the control run the victim may have no neighbor at all (the join stall): a share of nothing, NaN.
  assert.ok(!(figure(control, 'victim_hostile_neighbor_share') >= figure(hostile, 'victim_hostile_neighbor_share')));
  // Routes over the clique's forged edges find no link to carry them; the originator's retries, avoiding a broken
  // route's Nodes, find a working one for most (measured 0.75 → 0.85).
  assert.ok(figure(hostile, 'route_works_share_end') < figure(control, 'route_works_share_end'));
  assert.ok(figure(hostile, 'route_works_retried_share_end') > figure(hostile, 'route_works_share_end'));
});

test('a scenario with every kind of event is the same run for the same seed, event for event', async () => {
  const sc = scenario('churn');
  // Fast churn, so 40 minutes of 12 Nodes have leaves, crashes, restarts, joins and moves.
  const busy: Step = { kind: 'churn', ms: 40 * 60_000, perHour: 1.5, crashShare: 0.5, restartShare: 0.5, restartAfterMs: 120_000, movesPerHour: 1 };
  const small = { nodes: 12, seed: 3, scenario: { ...sc, script: [busy] } };
  const a = await simulate(small);
  const b = await simulate(small);
  for (const kind of ['leaves', 'crashes', 'restarts', 'joins', 'moves']) assert.ok(figure(a, `script_${kind}`) > 0, `no ${kind}`);
  assert.equal(b.logHash, a.logHash);
  assert.deepEqual(b.figures, a.figures);
});

/** An endpoint that records what the network tells it. */
function endpoint(key: string, ip: string, heard: string[]): Endpoint {
  return {
    key, ip, accepts: true, refuses: () => false,
    linkUp: (peer) => heard.push(`up ${peer}`), linkDown: (peer) => heard.push(`down ${peer}`), record: () => {},
  };
}

test('a crash drops links without notice: the peer hears of it at its idle timeout, and records sent meanwhile are lost', async () => {
  const engine = new Engine(0, 1000);
  const net = new SimNetwork(engine, new Random(1), DEFAULT_LINK_MODEL, () => {});
  const heard: string[] = [];
  const a = endpoint('aa', '10.0.0.1', []);
  const b = endpoint('bb', '10.0.0.2', heard);
  net.add(a);
  net.add(b);
  net.dial(a, b.ip, 'bb', () => {});
  await engine.run(5000);
  assert.ok(net.carries('aa', 'bb') && net.carries('bb', 'aa'));
  net.crash('aa');
  assert.ok(!net.carries('bb', 'aa'), 'a dead link carries nothing');
  assert.ok(!net.send(a, 'bb', RECORD_KINDS.gossip, Buffer.alloc(1)), 'the crashed side holds no link');
  await engine.run(5000 + DEFAULT_LINK_MODEL.idleTimeoutMs - 1);
  assert.deepEqual(heard, ['up aa']);
  await engine.run(5000 + (DEFAULT_LINK_MODEL.idleTimeoutMs * 4) / 3);
  assert.deepEqual(heard, ['up aa', 'down aa']);
});
