// When the accountant's scans run: each on its own interval after it finishes, never overlapping itself, a
// failure logged and retried at the next turn, and nothing left scheduled after stop.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCAN_TYPES, ScanAlreadyRunning, type ScanName, Scanners, scanNameOf } from '../../src/accountant/scanners.js';
import type { Timers } from '../../src/system/timers.js';
import { createLogCore, createLogger } from '../../src/system/logger.js';

/** Timers that fire only when the test says so. */
function manualTimers(): Timers & { due: { f: () => void; ms: number }[]; fire(): void } {
  const due: { f: () => void; ms: number }[] = [];
  return {
    due,
    setTimeout: (f, ms) => {
      const t = { f, ms };
      due.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = due.indexOf(h as (typeof due)[number]);
      if (i >= 0) due.splice(i, 1);
    },
    fire() {
      for (const t of due.splice(0)) t.f();
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function harness(fail: ScanName | undefined = undefined) {
  const runs: ScanName[] = [];
  const gates = new Map<ScanName, () => void>();
  const scan = (name: ScanName) => () => new Promise<void>((resolve, reject) => {
    runs.push(name);
    gates.set(name, () => (name === fail ? reject(new Error('RPC down')) : resolve()));
  });
  const scans = Object.fromEntries(SCAN_TYPES.map((t) => [t.name, scan(t.name)])) as Record<ScanName, () => Promise<void>>;
  const timers = manualTimers();
  const core = createLogCore('info');
  const logs: string[] = [];
  core.listeners.add((_l, _c, m) => logs.push(m));
  const scanners = new Scanners(scans, [5, 6, 7], createLogger(core, 'Accountant'), timers);
  const finish = async (name: ScanName): Promise<void> => {
    gates.get(name)?.();
    await tick();
    await tick();
  };
  /** Lets every running scan finish, then stops. */
  const stop = async (): Promise<void> => {
    const stopping = scanners.stop();
    for (const t of SCAN_TYPES) await finish(t.name);
    await stopping;
  };
  return { runs, timers, scanners, logs, finish, stop };
}

test('scan names: the UI protocol\'s scanType and the CLI word both map to one scan', () => {
  assert.equal(scanNameOf('Payables'), 'payables');
  assert.equal(scanNameOf('pendingpayables'), 'pendingpayables');
  assert.equal(scanNameOf('Nonsense'), undefined);
});

test('start runs all three; each is scheduled its own interval after it finishes', async () => {
  const h = harness();
  h.scanners.start();
  h.scanners.start();
  assert.deepEqual(h.runs, ['pendingpayables', 'payables', 'receivables'], 'once each, however often start is called');
  assert.equal(h.timers.due.length, 0, 'nothing scheduled while they run');
  await h.finish('payables');
  assert.deepEqual(h.timers.due.map((t) => t.ms), [6000]);
  await h.finish('pendingpayables');
  await h.finish('receivables');
  assert.deepEqual(h.timers.due.map((t) => t.ms).sort(), [5000, 6000, 7000]);
  h.timers.fire();
  assert.equal(h.runs.length, 6);
  await h.stop();
  assert.equal(h.timers.due.length, 0);
});

test('a scan already running refuses a second one; a manual scan counts as the automatic turn', async () => {
  const h = harness();
  const manual = h.scanners.runNow('receivables');
  await assert.rejects(h.scanners.runNow('receivables'), ScanAlreadyRunning);
  h.scanners.start();
  assert.equal(h.runs.filter((r) => r === 'receivables').length, 1, 'start joined the running scan');
  await h.finish('receivables');
  await manual;
  assert.deepEqual(h.timers.due.map((t) => t.ms), [7000]);
  await h.stop();
});

test('a failing scan is logged and tried again at its next turn; stop leaves nothing scheduled', async () => {
  const h = harness('payables');
  h.scanners.start();
  await h.finish('payables');
  assert.ok(h.logs.some((l) => /payables scan failed: RPC down; it runs again in 6 s/.test(l)), h.logs.join('\n'));
  assert.deepEqual(h.timers.due.map((t) => t.ms), [6000]);
  const stopping = h.scanners.stop();
  assert.equal(h.timers.due.length, 0);
  await h.finish('pendingpayables');
  await h.finish('receivables');
  await stopping;
  assert.equal(h.timers.due.length, 0, 'scans finishing after stop schedule nothing');
});
