import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OwnRoute, RoundTrip } from '../../src/neighborhood/index.js';
import { READY_ROUTE_MAX_AGE_MS, READY_ROUTES, ReadyRoutes, type PreparedRoute } from '../../src/stream/prepared-route.js';

/** ReadyRoutes over numbered fake round trips, with the clock, the stamps and the spare turns in the test's hands. */
function setUp(): { ready: ReadyRoutes; turns(): void; drawn: () => number; clock: { ms: number }; stamps: Map<string, string>; routable: { yes: boolean } } {
  const queue: (() => void)[] = [];
  const clock = { ms: 0 };
  const stamps = new Map<string, string>();
  const routable = { yes: true };
  let drawn = 0;
  const ready = new ReadyRoutes({
    route: () => {
      if (!routable.yes) return undefined;
      drawn++;
      return { over: ['me', `r${drawn}`, `x${drawn}`], back: [`x${drawn}`, `s${drawn}`, 'me'], cost: 0n, exitCountry: 'ZZ' };
    },
    prepare: (rt: OwnRoute): PreparedRoute => ({ rt, over: { header: Buffer.alloc(0), keys: [] }, back: { header: Buffer.alloc(0), keys: [] }, token: Buffer.alloc(16) }),
    stamp: (rt: RoundTrip) => stamps.get(rt.over[1] as string) ?? 'v1',
    now: () => clock.ms,
    defer: (fn) => queue.push(fn),
  });
  const turns = (): void => {
    for (let i = 0; i < 100 && queue.length > 0; i++) (queue.shift() as () => void)();
  };
  return { ready, turns, drawn: () => drawn, clock, stamps, routable };
}

const any = (): boolean => true;
const exitOf = (p: PreparedRoute | undefined): string | undefined => p?.rt.over[2];

test('round trips are drawn in spare turns after a take, and each is handed out once', () => {
  const { ready, turns, drawn } = setUp();
  assert.equal(ready.take(any), undefined, 'nothing is drawn before the first request');
  turns();
  assert.equal(drawn(), READY_ROUTES);
  const taken = [ready.take(any), ready.take(any)].map(exitOf);
  assert.equal(new Set(taken).size, 2, `two different round trips: ${taken.join(', ')}`);
  assert.equal(drawn(), READY_ROUTES, 'taking a ready one draws nothing on the request\'s path');
});

test('a round trip whose stamp changed (a record of its Nodes, the route settings) is dropped', () => {
  const { ready, turns, stamps } = setUp();
  ready.take(any);
  turns();
  stamps.set('r1', 'v2');
  const got = [ready.take(any), ready.take(any)].map(exitOf);
  assert.deepEqual(got, ['x2', undefined], 'x1 was drawn from a record that has changed since');
});

test('a round trip older than the limit is dropped, so changes in the market reach the next routes', () => {
  const { ready, turns, clock } = setUp();
  ready.take(any);
  turns();
  clock.ms += READY_ROUTE_MAX_AGE_MS + 1;
  assert.equal(ready.take(any), undefined);
});

test('one that does not fit this request is left for the next', () => {
  const { ready, turns } = setUp();
  ready.take(any);
  turns();
  assert.equal(exitOf(ready.take((rt) => rt.over[2] === 'x1')), 'x1');
  assert.equal(exitOf(ready.take(any)), 'x2');
});

test('without a route nothing is prepared, and the next request tries again', () => {
  const { ready, turns, drawn, routable } = setUp();
  routable.yes = false;
  ready.take(any);
  turns();
  assert.equal(drawn(), 0);
  routable.yes = true;
  ready.take(any);
  turns();
  assert.equal(drawn(), READY_ROUTES);
});
