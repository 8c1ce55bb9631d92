// When a Node gives malloc's free memory back (src/system/memory-return.ts): once, at the first quiet tick after a burst.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUSY_CPU_MS, QUIET_CPU_MS, returnMemoryAfterBursts, TICK_MS, trimStep } from '../../src/system/index.js';

test('a busy tick arms, the next quiet one trims, a tick between the bounds changes nothing', () => {
  assert.deepEqual(trimStep(false, BUSY_CPU_MS + 1), { busy: true, trim: false });
  assert.deepEqual(trimStep(true, BUSY_CPU_MS + 1), { busy: true, trim: false });
  assert.deepEqual(trimStep(true, QUIET_CPU_MS - 1), { busy: false, trim: true });
  assert.deepEqual(trimStep(false, QUIET_CPU_MS - 1), { busy: false, trim: false });
  assert.deepEqual(trimStep(true, (BUSY_CPU_MS + QUIET_CPU_MS) / 2), { busy: true, trim: false });
  assert.deepEqual(trimStep(false, (BUSY_CPU_MS + QUIET_CPU_MS) / 2), { busy: false, trim: false });
});

/** Drives the watcher through ticks that each spent the given CPU ms; answers the ticks after which it trimmed. */
function run(cpuPerTick: readonly number[]): { trims: number[]; stopped: boolean; interval: number } {
  let cpu = 0;
  let tick: (() => void) | undefined;
  let interval = 0;
  let stopped = false;
  const trims: number[] = [];
  let at = 0;
  const stop = returnMemoryAfterBursts({
    trim: () => { trims.push(at); },
    cpuMicros: () => cpu * 1000,
    every: (ms, f) => { interval = ms; tick = f; return () => { stopped = true; }; },
  });
  for (const [i, ms] of cpuPerTick.entries()) {
    cpu += ms;
    at = i;
    tick?.();
  }
  stop();
  return { trims, stopped, interval };
}

test('start-up counts as a burst: the first quiet tick trims, then an idle Node never does', () => {
  const r = run([0, 0, 0, 0]);
  assert.deepEqual(r.trims, [0]);
  assert.equal(r.interval, TICK_MS);
  assert.equal(r.stopped, true);
});

test('each burst is followed by one trim once the Node is quiet, however long the burst', () => {
  assert.deepEqual(run([1, 200, 200, 200, 1, 1, 40, 1, 1]).trims, [0, 4, 7]);
});

test('a Node busy throughout, or carrying a steady light load, never trims: it would fault the pages in again', () => {
  assert.deepEqual(run([200, 200, 200, 200]).trims, []);
  const light = (BUSY_CPU_MS + QUIET_CPU_MS) / 2;
  assert.deepEqual(run([light, light, light, light]).trims, []);
  // A light load after a burst keeps it armed: the trim waits for quiet.
  assert.deepEqual(run([200, light, light, 0]).trims, [3]);
});
