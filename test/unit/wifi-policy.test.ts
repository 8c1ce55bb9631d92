// The hotspot policy as a pure state machine: each rule driven by events and a clock the test sets, no timers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialPolicy, type PolicyEvent, type PolicyState, step } from '../../src/wifi/hotspot-policy.js';

const C = { delayMs: 60_000, lookMs: 300_000 };

/** Runs events at their times from a fresh boot at 0; returns the state and every action in order. */
function run(events: Array<[number, PolicyEvent]>, boot = { radio: true, saved: false }): { s: PolicyState; actions: string[] } {
  const first = initialPolicy(0, boot.radio, boot.saved);
  let s = first.state;
  const actions: string[] = [...first.actions];
  for (const [at, e] of events) {
    const r = step(s, e, at, C);
    s = r.state;
    actions.push(...r.actions);
  }
  return { s, actions };
}

const tick = (at: number): [number, PolicyEvent] => [at, { kind: 'tick' }];

test('boot: waiting; the saved network runs as the client; no hotspot before the delay, then the hotspot', () => {
  assert.deepEqual(initialPolicy(0, true, true).actions, ['client-up']);
  assert.deepEqual(initialPolicy(0, true, false).actions, []);
  assert.equal(run([tick(59_999)]).s.mode, 'waiting');
  const r = run([tick(59_999), tick(60_000)]);
  assert.equal(r.s.mode, 'hotspot');
  assert.deepEqual(r.actions, ['client-down', 'hotspot-up']);
  assert.deepEqual(run([tick(60_000), tick(62_000)]).actions, ['client-down', 'hotspot-up'], 'only once');
});

test('a wired link with an address means online: no hotspot, however long', () => {
  const r = run([[1000, { kind: 'wired', up: true }], tick(10 * 60_000)]);
  assert.equal(r.s.mode, 'online');
  assert.deepEqual(r.actions, []);
});

test('Wi-Fi with an address at boot: online', () => {
  const r = run([[5000, { kind: 'wifi', up: true }], tick(120_000)], { radio: true, saved: true });
  assert.equal(r.s.mode, 'online');
  assert.deepEqual(r.actions, ['client-up']);
});

test('losing every network for the delay brings the hotspot back; losing one of two does not', () => {
  const base: Array<[number, PolicyEvent]> = [[1000, { kind: 'wired', up: true }], [2000, { kind: 'wifi', up: true }]];
  assert.equal(run([...base, [10_000, { kind: 'wired', up: false }], tick(200_000)]).s.mode, 'online');
  const lost = run([...base, [10_000, { kind: 'wired', up: false }], [20_000, { kind: 'wifi', up: false }], tick(79_999)]);
  assert.equal(lost.s.mode, 'waiting', 'the delay counts from the last loss');
  const back = run([...base, [10_000, { kind: 'wired', up: false }], [20_000, { kind: 'wifi', up: false }], tick(80_000)]);
  assert.equal(back.s.mode, 'hotspot');
  assert.deepEqual(back.actions, ['client-down', 'hotspot-up']);
});

test('the hotspot goes once the box is on a network; the saved client comes back with it', () => {
  const r = run([tick(60_000), [70_000, { kind: 'wired', up: true }]], { radio: true, saved: true });
  assert.equal(r.s.mode, 'online');
  assert.deepEqual(r.actions, ['client-up', 'client-down', 'hotspot-up', 'hotspot-down', 'client-up']);
});

test('a join takes the hotspot down; success: online and saved, the hotspot stays down', () => {
  const r = run([tick(60_000), [61_000, { kind: 'join-requested' }], [70_000, { kind: 'join-finished', joined: true }], tick(10 * 60_000)]);
  assert.equal(r.s.mode, 'online');
  assert.equal(r.s.saved, true);
  assert.equal(r.s.wifi, true);
  assert.deepEqual(r.actions, ['client-down', 'hotspot-up', 'hotspot-down', 'join']);
});

test('a failed join brings the hotspot back at once, without waiting for the delay', () => {
  const r = run([tick(60_000), [61_000, { kind: 'join-requested' }], [62_000, { kind: 'join-finished', joined: false }]]);
  assert.equal(r.s.mode, 'hotspot');
  assert.deepEqual(r.actions.slice(-3), ['hotspot-down', 'join', 'hotspot-up']);
});

test('a failed join while a cable came up meanwhile: online, no hotspot', () => {
  const r = run([tick(60_000), [61_000, { kind: 'join-requested' }], [62_000, { kind: 'wired', up: true }], [63_000, { kind: 'join-finished', joined: false }]]);
  assert.equal(r.s.mode, 'online');
  assert.equal(r.actions.at(-1), 'join');
});

test('while joining, ticks and a second request change nothing; a join from online stops the client first', () => {
  const r = run([[1000, { kind: 'wifi', up: true }], [2000, { kind: 'join-requested' }], [3000, { kind: 'join-requested' }], tick(500_000), [501_000, { kind: 'wifi', up: false }]], { radio: true, saved: true });
  assert.equal(r.s.mode, 'joining');
  assert.deepEqual(r.actions, ['client-up', 'client-down', 'join']);
});

test('no radio: never a hotspot, and no join; a radio that appears starts the saved client and then the rules apply', () => {
  const none = run([tick(10 * 60_000), [600_001, { kind: 'join-requested' }]], { radio: false, saved: true });
  assert.equal(none.s.mode, 'waiting');
  assert.deepEqual(none.actions, []);
  const later = run([tick(600_000), [600_001, { kind: 'radio', present: true }], tick(600_002)], { radio: false, saved: true });
  assert.deepEqual(later.actions, ['client-up', 'client-down', 'hotspot-up'], 'long offline already: the hotspot at the next tick');
});

test('the radio pulled while the hotspot is up: the hotspot\'s leftovers go, waiting again', () => {
  const r = run([tick(60_000), [70_000, { kind: 'radio', present: false }], tick(500_000)]);
  assert.equal(r.s.mode, 'waiting');
  assert.deepEqual(r.actions, ['client-down', 'hotspot-up', 'hotspot-down']);
});

test('an idle hotspot looks for the saved network every lookMs; a phone on it stops that; found: a join without a request', () => {
  const idle = run([tick(60_000), tick(359_999), tick(360_000)], { radio: true, saved: true });
  assert.deepEqual(idle.actions.slice(-1), ['look-for-saved']);
  const busy = run([tick(60_000), [61_000, { kind: 'stations', count: 1 }], tick(360_000), [361_000, { kind: 'saved-in-range' }]], { radio: true, saved: true });
  assert.deepEqual(busy.actions, ['client-up', 'client-down', 'hotspot-up']);
  const found = run([tick(60_000), tick(360_000), [361_000, { kind: 'saved-in-range' }]], { radio: true, saved: true });
  assert.equal(found.s.mode, 'joining');
  assert.deepEqual(found.actions.slice(-2), ['hotspot-down', 'join-saved']);
  assert.deepEqual(run([tick(60_000), tick(360_000)]).actions, ['client-down', 'hotspot-up'], 'nothing saved: nothing to look for');
});
